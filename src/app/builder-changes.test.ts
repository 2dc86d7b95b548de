import { describe, expect, it } from 'vitest';
import { builderChanges } from './builder-changes.ts';
import type { BuilderRecord } from './builder-record.ts';
import type { BuilderDescription } from './inspect-builder.ts';

const run = (hex: string): string => `registry.test/builders/app:b-run-image@sha256:${hex.repeat(64)}`;
const apis = { buildpack: { supported: ['0.10'] }, platform: { supported: ['0.13'] } };

const current: BuilderDescription = {
  reference: 'registry.test/builders/app:b',
  identifier: `registry.test/builders/app:b@sha256:${'c'.repeat(64)}`,
  createdBy: { name: 'packsmith', version: '0.9.0' },
  stackId: 'io.test.stack',
  runImages: [run('a')],
  lifecycle: { version: '0.21.17', apis },
  buildpacks: [
    { id: 'test/node', version: '1.0.0' },
    { id: 'test/ruby', version: '1.0.0' },
  ],
  order: [[{ id: 'test/node', groups: [] }], [{ id: 'test/ruby', version: '1.0.0', groups: [] }]],
};

const record = (overrides: Partial<BuilderRecord> = {}): BuilderRecord => ({
  latestImage: `registry.test/builders/app:b@sha256:${'d'.repeat(64)}`,
  builderMetadata: [
    { id: 'test/node', version: '1.0.0' },
    { id: 'test/ruby', version: '1.0.0' },
  ],
  order: [{ group: [{ id: 'test/node' }] }, { group: [{ id: 'test/ruby', version: '1.0.0' }] }],
  stack: { runImage: run('a'), id: 'io.test.stack' },
  lifecycle: { version: '0.21.17', api: {}, apis },
  os: 'linux',
  signaturePaths: [],
  ...overrides,
});

const packsmith = { name: 'packsmith', version: '0.9.0' };

describe('builderChanges', () => {
  it('names nothing when only unlabelled bytes differ', () => {
    expect(builderChanges(current, record(), packsmith)).toEqual([]);
  });

  it('names a buildpack version that moved once, and the order only when its groups change', () => {
    const moved = record({
      builderMetadata: [
        { id: 'test/node', version: '1.0.0' },
        { id: 'test/ruby', version: '1.0.1' },
      ],
      order: [{ group: [{ id: 'test/node' }] }, { group: [{ id: 'test/ruby', version: '1.0.1' }] }],
    });
    expect(builderChanges(current, moved, packsmith)).toEqual(['test/ruby 1.0.0 → 1.0.1']);
    const reordered = record({ order: [{ group: [{ id: 'test/ruby', version: '1.0.0' }] }, { group: [{ id: 'test/node', optional: true }] }] });
    expect(builderChanges(current, reordered, packsmith)).toEqual(['order test/node | test/ruby@1.0.0 → test/ruby@1.0.0 | test/node?']);
  });

  it('lists buildpacks added and removed, and the stack, run image, lifecycle and maker', () => {
    const next = record({
      builderMetadata: [
        { id: 'test/go', version: '2.0.0' },
        { id: 'test/node', version: '1.0.0' },
        { id: 'test/ruby', version: '1.0.0' },
        { id: 'test/ruby', version: '1.1.0' },
      ],
      stack: { runImage: run('b'), id: 'io.test.other' },
      lifecycle: { version: '0.21.18', api: {}, apis },
    });
    expect(builderChanges(current, next, { name: 'packsmith', version: '1.0.0' })).toEqual([
      '+ test/go@2.0.0',
      '+ test/ruby@1.1.0',
      'stack io.test.stack → io.test.other',
      `run image registry.test/builders/app:b-run-image@sha256:${'a'.repeat(12)} → registry.test/builders/app:b-run-image@sha256:${'b'.repeat(12)}`,
      'lifecycle 0.21.17 → 0.21.18',
      'made by packsmith 0.9.0 → packsmith 1.0.0',
    ]);
  });

  it('says what the tag held when it was made by another tool', () => {
    const bare: BuilderDescription = { ...current, createdBy: { name: 'Pack CLI', version: '0.36.0' }, stackId: undefined, buildpacks: [], order: [] };
    expect(builderChanges(bare, record(), packsmith)).toEqual([
      '+ test/node@1.0.0',
      '+ test/ruby@1.0.0',
      'stack (none) → io.test.stack',
      'order (empty) → test/node | test/ruby@1.0.0',
    ]);
  });
});
