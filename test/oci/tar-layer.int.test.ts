/**
 * Checks packsmith's deterministic tar layers with independent readers: GNU tar, Python's tarfile,
 * gzip and sha256sum, and a second Node process building the same input.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTarLayer, planTarEntries, type Layer, type TarEntry } from '../../src/oci/index.ts';
import { removeDir, runCommand, scratchDir } from '../harness/process.ts';

const repo = new URL('../..', import.meta.url).pathname;
const longDir = `cnb/buildpacks/${'example.very-long-buildpack-id'.repeat(3)}`;
const longPath = `${longDir}/0.0.1/bin/${'detect-'.repeat(20)}`; // over 100 chars (ustar prefix), over 255 (PAX)
const entries: TarEntry[] = [
  { path: '/cnb/order.toml', type: 'file', mode: 0o644, content: '[[order]]\n  [[order.group]]\n    id = "a"\n' },
  { path: 'cnb/lifecycle/launcher', type: 'file', mode: 0o755, content: 'binary' },
  { path: 'cnb/lifecycle/current', type: 'symlink', mode: 0o777, linkTarget: 'launcher' },
  { path: 'layers', type: 'dir', mode: 0o755, uid: 1000, gid: 1001 },
  { path: longPath, type: 'file', mode: 0o755, content: '#!/bin/sh\nexit 0\n' },
  { path: 'workspace/été.txt', type: 'file', mode: 0o600, uid: 1000, gid: 1001, content: 'non-ASCII name' },
];

const mode = (type: string, bits: number): string =>
  (type === 'dir' ? 'd' : type === 'symlink' ? 'l' : '-') +
  [6, 3, 0].map((shift) => ['r', 'w', 'x'].map((c, i) => ((bits >> shift) & (4 >> i) ? c : '-')).join('')).join('');

let dir = '';
let layer: Layer;
let blob = '';
beforeAll(async () => {
  dir = await scratchDir('tar-layer');
  layer = createTarLayer(entries);
  blob = join(dir, 'layer.tar.gz');
  await pipeline(await layer.compressed(), createWriteStream(blob));
});
afterAll(() => removeDir(dir));

describe('tar layers read by independent tools', () => {
  it('GNU tar lists every entry in order with the fixed mtime, numeric owners, modes and link targets', async () => {
    const listed = await runCommand('tar', ['-tvzf', blob, '--numeric-owner', '--full-time'], { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const lines = listed.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/));
    const planned = planTarEntries(entries);
    expect(lines.map((f) => f.slice(5).join(' '))).toEqual(planned.map((e) => (e.type === 'symlink' ? `${e.path} -> ${e.linkTarget}` : e.path)));
    for (const [i, fields] of lines.entries()) {
      const e = planned[i]!;
      expect(fields.slice(0, 5)).toEqual([mode(e.type, e.mode), `${e.uid}/${e.gid}`, expect.stringMatching(/^\d+$/), '1980-01-01', '00:00:01']);
    }
    expect(lines.some((f) => f[5] === longPath && longPath.length > 255)).toBe(true);
  });

  it('GNU tar extracts the long path with its content', async () => {
    const out = join(dir, 'extracted');
    await runCommand('mkdir', ['-p', out]);
    const result = await runCommand('tar', ['-xzf', blob, '-C', out, '--no-same-owner']);
    expect(result.code, result.stderr).toBe(0);
    const cat = await runCommand('cat', [join(out, longPath)]);
    expect(cat.stdout).toBe('#!/bin/sh\nexit 0\n');
  });

  it("Python's tarfile reads names, types, modes, owners, empty uname/gname and mtime", async () => {
    const script = [
      'import json, sys, tarfile',
      "with tarfile.open(sys.argv[1], 'r:gz') as t:",
      "    print(json.dumps([[m.name, 'dir' if m.isdir() else 'symlink' if m.issym() else 'file', m.mode, m.uid, m.gid, m.uname, m.gname, m.mtime, m.linkname, m.size] for m in t.getmembers()]))",
    ].join('\n');
    const result = await runCommand('python3', ['-c', script, blob], { env: { ...process.env, PYTHONIOENCODING: 'utf-8' } });
    expect(result.code, result.stderr).toBe(0);
    const members = JSON.parse(result.stdout) as unknown[][];
    const expected = planTarEntries(entries).map((e) => {
      const size = 'content' in e && e.content !== undefined ? Buffer.byteLength(e.content) : 0;
      return [e.path, e.type, e.mode, e.uid, e.gid, '', '', 315532801, 'linkTarget' in e ? (e.linkTarget ?? '') : '', size];
    });
    expect(members).toEqual(expected);
  });

  it('gzip and sha256sum agree with the digest, size and diffId', async () => {
    expect((await runCommand('gzip', ['-t', blob])).code).toBe(0);
    const sum = await runCommand('sha256sum', [blob]);
    expect(`sha256:${sum.stdout.split(' ')[0]}`).toBe(await layer.digest());
    const tarSum = await runCommand('sh', ['-c', 'gzip -dc "$1" | sha256sum', 'sh', blob]);
    expect(`sha256:${tarSum.stdout.split(' ')[0]}`).toBe(await layer.diffId());
    const size = await runCommand('stat', ['-c', '%s', blob]);
    expect(Number(size.stdout.trim())).toBe(await layer.size());
  });

  it('gives the same digest and diffId when another process builds the same input', async () => {
    const script = join(dir, 'build-again.ts');
    await writeFile(
      script,
      [
        `import { createTarLayer } from ${JSON.stringify(join(repo, 'src/oci/index.ts'))};`,
        `const layer = createTarLayer(JSON.parse(process.argv[2]));`,
        'console.log(JSON.stringify([await layer.digest(), await layer.diffId(), await layer.size()]));',
      ].join('\n'),
    );
    const result = await runCommand(process.execPath, [script, JSON.stringify([...entries].reverse())]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([await layer.digest(), await layer.diffId(), await layer.size()]);
  });
});
