import { describe, expect, it } from 'vitest';
import type { BuildpackRecord } from '../cnb/index.ts';
import type { ReadSource } from './read-store.ts';
import { expandCompactEntries, storeStatusFields, statusWarningBytes } from './store-status.ts';

const record = (id: string, image: string): BuildpackRecord => ({
  id,
  version: '1.0.0',
  ...(id.endsWith('-0000') ? { buildpackage: { id, version: '1.0.0' } } : {}),
  api: '0.10',
  homepage: `https://example.com/${id}`,
  storeImage: { image },
  diffId: `sha256:${'d'.repeat(64)}`,
  digest: `sha256:${'e'.repeat(64)}`,
  size: 1234,
  stacks: [{ id: '*' }],
});
const source = (image: string, ids: readonly string[]): ReadSource => ({
  image,
  pinned: [`${image.split(':')[0] ?? ''}@sha256:${'a'.repeat(64)}`],
  records: ids.map((id) => record(id, image)),
});
const ids = (prefix: string, count: number): string[] => Array.from({ length: count }, (_v, i) => `${prefix}/bp-${String(i).padStart(4, '0')}`);

describe('store status size', () => {
  it('lists full records, sorted, while they fit the budget', () => {
    const { fields, note } = storeStatusFields([source('r/b:1', ['test/b']), source('r/a:1', ['test/a'])], 64 * 1024);
    expect(note).toBeUndefined();
    expect(fields).toEqual({ buildpacks: [record('test/a', 'r/a:1'), record('test/b', 'r/b:1')] });
  });

  it('past the budget keeps id, version and storeImage, pins every source, says so, and reads back to the same records', () => {
    const sources = [source('r/one:1', ids('one', 300)), source('r/two:1', ids('two', 300))];
    const full = storeStatusFields(sources, 10 * 1024 * 1024).fields;
    const { fields, note } = storeStatusFields(sources, 64 * 1024);
    const entries = fields.buildpacks as Array<Record<string, unknown>>;
    expect(entries).toHaveLength(600);
    expect(entries[0]).toEqual({
      id: 'one/bp-0000',
      version: '1.0.0',
      buildpackage: { id: 'one/bp-0000', version: '1.0.0' },
      storeImage: { image: 'r/one:1' },
    });
    expect(entries[1]).toEqual({ id: 'one/bp-0001', version: '1.0.0', storeImage: { image: 'r/one:1' } });
    const compacted = fields.compacted as { reason: string; sources: unknown[] };
    expect(compacted.reason).toMatch(/^the full list of 600 buildpacks takes \d+ KiB, over packsmith's budget of 64 KiB$/);
    expect(compacted.sources).toEqual(sources.map(({ image, pinned }) => ({ image, latestImage: pinned[0] })));
    expect(note).toMatchObject({ type: 'StatusSize', ok: true, reason: 'Compacted' });
    expect(JSON.stringify(fields).length).toBeLessThan(JSON.stringify(full).length / 3);
    expect(expandCompactEntries(entries, sources)).toEqual({ ok: true, records: full.buildpacks });
  });

  it('warns when even the compact form nears the object limit', () => {
    const many = Array.from({ length: 40 }, (_v, i) => source(`registry.example.com/a/rather/long/repository/name-${i}:1.2.3`, ids(`org-${i}`, 250)));
    const { fields, note } = storeStatusFields(many, 64 * 1024);
    expect(JSON.stringify(fields).length).toBeGreaterThan(statusWarningBytes);
    expect(note).toMatchObject({ type: 'StatusSize', ok: false, reason: 'ApproachingLimit' });
    expect(note?.message).toContain('split this store into several (10000 buildpacks)');
  });

  it('names an entry its pinned source no longer holds', () => {
    const read = expandCompactEntries([{ id: 'gone/bp', version: '2.0.0', storeImage: { image: 'r/one:1' } }], [source('r/one:1', ['one/bp'])]);
    expect(read).toEqual({ ok: false, reason: 'its compact status lists gone/bp@2.0.0 from r/one:1, which its pinned source does not hold' });
  });
});
