// Hostile OCI layouts (`oci:DIR` references in local mode): a valid layout written by packsmith has
// its index.json, its manifest or its config replaced by a near-valid variant (one field replaced by
// arbitrary JSON), stored under its true digest so that the reader gets past digest checks and into
// the format checks. Opening the layout and reading the image's manifest, config and layer bytes
// must give the image or a typed error, never a crash or a hang.
import { createHash } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLayout, writeLayout } from '../../src/oci/index.ts';
import { randomImage } from '../../src/oci/testing/index.ts';
import { isAppError } from '../../src/shared/index.ts';
import { removeDir, scratchDir } from '../harness/index.ts';
import { mutatedDocument, replaceAt } from './mutate-json.ts';

let work = '';
let valid = '';
let index: { manifests: Array<{ digest: string; size: number }> };
let manifest: { config: { digest: string; size: number } };
let config: unknown;
let run = 0;

const blobFile = (dir: string, digest: string): string => join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));

beforeAll(async () => {
  work = await scratchDir('fuzz-layout');
  valid = join(work, 'valid');
  await writeLayout(valid, randomImage(3, { layers: 2, files: 2, maxFileSize: 2048 }), { tag: 'x' });
  index = JSON.parse(await readFile(join(valid, 'index.json'), 'utf8')) as typeof index;
  manifest = JSON.parse(await readFile(blobFile(valid, index.manifests[0]!.digest), 'utf8')) as typeof manifest;
  config = JSON.parse(await readFile(blobFile(valid, manifest.config.digest), 'utf8')) as unknown;
});

afterAll(async () => {
  await removeDir(work);
});

/** Stores `doc` as a blob of `dir` and returns its descriptor fields. */
async function putJson(dir: string, doc: unknown): Promise<{ digest: string; size: number }> {
  const bytes = Buffer.from(JSON.stringify(doc) ?? 'null');
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await writeFile(blobFile(dir, digest), bytes);
  return { digest, size: bytes.length };
}

/** A copy of the valid layout with one document replaced, re-linked under true digests. */
async function layoutWith(target: 'index' | 'manifest' | 'config', doc: unknown): Promise<string> {
  const dir = join(work, `l${run++}`);
  await cp(valid, dir, { recursive: true });
  let manifestDoc: unknown = manifest;
  if (target === 'config') manifestDoc = replaceAt(manifest, ['config'], { ...manifest.config, ...(await putJson(dir, doc)) });
  let indexDoc: unknown = index;
  if (target !== 'index')
    indexDoc = replaceAt(index, ['manifests', 0], { ...index.manifests[0], ...(await putJson(dir, target === 'manifest' ? doc : manifestDoc)) });
  await writeFile(join(dir, 'index.json'), JSON.stringify(target === 'index' ? doc : indexDoc) ?? 'null');
  return dir;
}

async function readEverything(dir: string): Promise<'ok' | 'typed-error'> {
  try {
    const image = await (await readLayout(dir)).image();
    await image.manifest();
    await image.configFile();
    for (const layer of await image.layers()) {
      await layer.diffId();
      for await (const _chunk of await layer.compressed()) {
        // Drain: the stream verifies the digest at its end.
      }
    }
    return 'ok';
  } catch (error) {
    expect(isAppError(error), String(error)).toBe(true);
    return 'typed-error';
  } finally {
    await removeDir(dir);
  }
}

describe('OCI layouts with hostile documents', () => {
  it('reads the valid layout (the baseline every mutation starts from)', async () => {
    const dir = join(work, 'baseline');
    await cp(valid, dir, { recursive: true });
    expect(await readEverything(dir)).toBe('ok');
  });

  for (const target of ['index', 'manifest', 'config'] as const) {
    it(`a near-valid ${target} gives the image or a typed error`, async () => {
      const base = { index, manifest, config }[target];
      const seen = { ok: 0, 'typed-error': 0 };
      await fc.assert(
        fc.asyncProperty(mutatedDocument(base), async (doc) => {
          seen[await readEverything(await layoutWith(target, doc))]++;
        }),
        { numRuns: 150, interruptAfterTimeLimit: 30_000 },
      );
      console.log(`[fuzz] layout ${target}: ${seen.ok} read, ${seen['typed-error']} typed errors`);
      expect(seen['typed-error']).toBeGreaterThan(0);
    }, 60_000);
  }
});
