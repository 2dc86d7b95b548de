// bin/packsmith.js runs dist/bundle/main.js only while every source listed in its stamp has the
// recorded content (a file whose size or modification time changed is hashed); otherwise it runs
// the sources. Checked on a copy of the launcher in a scratch
// tree whose "bundle" and "sources" each print which one ran.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const launcher = fileURLToPath(new URL('../bin/packsmith.js', import.meta.url));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const source = 'export const x = 1;\n';

let tree: string;

function write(path: string, text: string): void {
  mkdirSync(join(tree, path, '..'), { recursive: true });
  writeFileSync(join(tree, path), text);
}

function run(env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, [join(tree, 'bin/packsmith.js')], {
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1', ...env },
    encoding: 'utf8',
  });
}

beforeEach(() => {
  tree = mkdtempSync(join(tmpdir(), 'packsmith-launcher-'));
  mkdirSync(join(tree, 'bin'));
  copyFileSync(launcher, join(tree, 'bin/packsmith.js'));
  write('package.json', '{"type":"module"}\n');
  write('src/cli/main.ts', "process.stdout.write('sources');\n");
  write('src/cli/other.ts', source);
  write('dist/bundle/main.js', "process.stdout.write('bundle');\n");
  const { size, mtimeMs } = statSync(join(tree, 'src/cli/other.ts'));
  write('dist/bundle/inputs.json', JSON.stringify({ files: { 'src/cli/other.ts': { sha256: sha256(source), size, mtimeMs } } }));
});

afterEach(() => rmSync(tree, { recursive: true, force: true }));

describe('the launcher', () => {
  it('runs the bundle while its sources are unchanged', () => {
    expect(run()).toBe('bundle');
  });

  it('runs the sources once a source differs from the one bundled, even with the same size', () => {
    write('src/cli/other.ts', source.replace('1', '2'));
    expect(run()).toBe('sources');
  });

  it('still runs the bundle when a source was only touched (new time, same content)', () => {
    utimesSync(join(tree, 'src/cli/other.ts'), new Date(2030, 0, 1), new Date(2030, 0, 1));
    expect(run()).toBe('bundle');
  });

  it('runs the sources when the stamp is of the older format (hashes only)', () => {
    write('dist/bundle/inputs.json', JSON.stringify({ files: { 'src/cli/other.ts': sha256(source) } }));
    expect(run()).toBe('sources');
  });

  it('runs the sources when a bundled source is gone, the stamp is corrupt or missing, or PACKSMITH_SOURCES=1', () => {
    expect(run({ PACKSMITH_SOURCES: '1' })).toBe('sources');
    rmSync(join(tree, 'src/cli/other.ts'));
    expect(run()).toBe('sources');
    write('src/cli/other.ts', source);
    write('dist/bundle/inputs.json', '{"files": ');
    expect(run()).toBe('sources');
    rmSync(join(tree, 'dist/bundle/inputs.json'));
    expect(run()).toBe('sources');
  });
});
