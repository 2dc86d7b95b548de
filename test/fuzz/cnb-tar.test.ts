// Hostile tar archives where packsmith reads tar entries: `.cnb` files (an OCI layout inside a tar,
// read by indexing headers and serving blobs as byte ranges). Packsmith never extracts a layer tar
// to disk, so "escaping the root" can only mean serving a blob from an entry outside the layout:
// entries named with `..` or through links must never satisfy a lookup, and damaged archives
// (flipped bytes, truncation, bad PAX sizes) give only typed errors, quickly.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCnbFile, writeCnbFile, type Image } from '../../src/oci/index.ts';
import { randomImage } from '../../src/oci/testing/index.ts';
import { isAppError } from '../../src/shared/index.ts';
import { removeDir, scratchDir } from '../harness/index.ts';

let work = '';
let valid: Buffer;
let image: Image;

beforeAll(async () => {
  work = await scratchDir('fuzz-cnb');
  image = randomImage(7, { layers: 2, files: 2, maxFileSize: 4096 });
  await writeCnbFile(join(work, 'valid.cnb'), image);
  valid = await readFile(join(work, 'valid.cnb'));
});

afterAll(async () => {
  await removeDir(work);
});

/** Opens the `.cnb` and reads every blob of its image; resolves what happened, rejecting on untyped errors. */
async function readEverything(bytes: Uint8Array, name: string): Promise<'ok' | 'typed-error'> {
  const path = join(work, name);
  await writeFile(path, bytes);
  try {
    const opened = await readCnbFile(path);
    await opened.manifest();
    await opened.configFile();
    for (const layer of await opened.layers()) {
      for await (const _chunk of await layer.compressed()) {
        // Drain: the stream verifies the digest at its end.
      }
    }
    return 'ok';
  } catch (error) {
    expect(isAppError(error), String(error)).toBe(true);
    return 'typed-error';
  }
}

/** A ustar header for `name` (type '0' file, '2' symlink, '1' hard link, 'x' PAX) with a correct checksum. */
function header(entry: { name: string; size: number; type?: string; linkname?: string; sizeField?: string }): Buffer {
  const block = Buffer.alloc(512);
  block.write(entry.name, 0, 100, 'utf8');
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(entry.sizeField ?? `${entry.size.toString(8).padStart(11, '0')}\0`, 124);
  block.write('00000000000\0', 136);
  block.write(entry.type ?? '0', 156);
  if (entry.linkname) block.write(entry.linkname, 157, 100, 'utf8');
  block.write('ustar\0', 257);
  block.write('00', 263);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

function fileEntry(name: string, body: Buffer | string, type = '0'): Buffer {
  const data = Buffer.from(body);
  return Buffer.concat([header({ name, size: data.length, type }), data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

function archive(...entries: Buffer[]): Buffer {
  return Buffer.concat([...entries, Buffer.alloc(1024)]);
}

/** The entries of the valid archive, by name (our writer emits plain ustar files, no PAX). */
function validEntries(): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  for (let at = 0; at + 512 <= valid.length;) {
    const block = valid.subarray(at, at + 512);
    if (block.every((b) => b === 0)) break;
    const name = block.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    const size = Number.parseInt(block.toString('ascii', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
    if (block[156] === 0x30 || block[156] === 0) entries.set(name, valid.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

describe('.cnb archives with hostile tar entries', () => {
  it('reads the valid archive (the baseline every mutation starts from)', async () => {
    expect(await readEverything(valid, 'baseline.cnb')).toBe('ok');
  });

  it('flipped bytes and truncation give the image or a typed error', async () => {
    const mutation = fc.record({
      flips: fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }),
      cut: fc.option(fc.nat({ max: valid.length }), { nil: undefined }),
    });
    let run = 0;
    const seen = { ok: 0, 'typed-error': 0 };
    await fc.assert(
      fc.asyncProperty(mutation, async ({ flips, cut }) => {
        const bytes = Buffer.from(valid);
        for (const [at, xor] of flips) bytes[at] = (bytes[at] ?? 0) ^ xor;
        seen[await readEverything(cut === undefined ? bytes : bytes.subarray(0, cut), `m${run++}.cnb`)]++;
      }),
      { numRuns: 300, interruptAfterTimeLimit: 30_000 },
    );
    console.log(`[fuzz] .cnb mutations: ${seen.ok} read, ${seen['typed-error']} typed errors`);
    expect(seen['typed-error']).toBeGreaterThan(0);
  }, 60_000);

  it('random bytes give a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 4096 }), async (bytes) => {
        expect(await readEverything(bytes, 'random.cnb')).toBe('typed-error');
      }),
      { numRuns: 200 },
    );
  });

  it('entries named with .. or absolute paths outside the layout never stand in for layout files', async () => {
    const entries = validEntries();
    const renamed = [...entries].map(([name, body]) => fileEntry(name.startsWith('blobs/') ? `../${name}` : name, body));
    expect(await readEverything(archive(...renamed), 'dotdot.cnb')).toBe('typed-error');
    const nested = [...entries].map(([name, body]) => fileEntry(name === 'index.json' ? 'x/../index.json' : name, body));
    expect(await readEverything(archive(...nested), 'nested.cnb')).toBe('typed-error');
    // pack writes `/blobs/...`: a leading slash means the archive root, not the host's.
    const rooted = [...entries].map(([name, body]) => fileEntry(`/${name}`, body));
    expect(await readEverything(archive(...rooted), 'rooted.cnb')).toBe('ok');
  });

  it('symlinks and hard links named like layout files are not followed', async () => {
    const entries = [...validEntries()];
    const [blobName] = entries.find(([name]) => name.startsWith('blobs/sha256/'))!;
    const withoutBlob = entries.filter(([name]) => name !== blobName).map(([name, body]) => fileEntry(name, body));
    for (const type of ['2', '1']) {
      const link = header({ name: blobName, size: 0, type, linkname: type === '2' ? '/etc/passwd' : '../../etc/passwd' });
      expect(await readEverything(archive(...withoutBlob, link), `link-${type}.cnb`)).toBe('typed-error');
    }
  });

  it('bad PAX sizes and size fields end with a typed error', async () => {
    const pax = (record: string): Buffer => fileEntry('PaxHeader', `${record.length + 3 + String(record.length).length - 1} ${record}\n`, 'x');
    const cases = [
      archive(pax('size=-1024'), fileEntry('index.json', '{}')),
      archive(pax('size=99999999999999999999'), fileEntry('index.json', '{}')),
      archive(pax('size=abc'), fileEntry('index.json', '{}')),
      archive(header({ name: 'index.json', size: 0, sizeField: '77777777777\0' })),
      archive(header({ name: 'index.json', size: 0, sizeField: 'zzzzzzzzzzz\0' })),
    ];
    for (const [i, bytes] of cases.entries()) expect(await readEverything(bytes, `pax-${i}.cnb`)).toBe('typed-error');
  }, 60_000);
});
