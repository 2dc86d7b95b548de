// `packsmith samples` through runCli, then `build -f` on the directory it wrote and `inspect
// builder` on the result: the quickstart's flow, with local layouts only. No lifecycle binary is
// visible to these runs (the injected environment hides it), so the lifecycle is the placeholder.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured, type CliRun } from '../../src/cli/testing/index.ts';
import { readLayout } from '../../src/oci/index.ts';
import { removeDir, scratchDir } from '../harness/process.ts';

const noLifecycle = { DOCKER_CONFIG: '/nonexistent', XDG_CACHE_HOME: '/nonexistent', HOME: '/nonexistent', PATH: '' };

const cli = (...args: string[]): Promise<CliRun> => runCaptured(args, { env: noLifecycle });

/** Every file under `dir` (relative path → sha256), skipping `out/`. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const result: Record<string, string> = {};
  for (const file of files.sort())
    result[relative(dir, file)] = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  return result;
}

let root = '';
const dir = (): string => join(root, 'samples');

beforeAll(async () => {
  root = await scratchDir('cli-samples');
});
afterAll(async () => removeDir(root));

describe('packsmith samples', () => {
  it('writes the layouts, YAML, README and apps, and says the lifecycle is a placeholder', async () => {
    const result = await cli('samples', dir());
    expect(result.code, result.err).toBe(0);
    expect(result.err).toMatch(/^notice: no lifecycle binary found/);
    expect(result.err).toContain('cannot run builds');
    expect(result.out).toMatch(
      /images\/web-buildpackage:0\.1\.0\s+sha256:[0-9a-f]{12}\s+buildpackage: samples\/web@0\.1\.0, samples\/static@0\.1\.0, samples\/shell@0\.1\.0/,
    );
    expect(result.out).toContain('images/lifecycle:placeholder');
    expect(result.out).toContain(`packsmith build -f ${dir()}`);
    expect(Object.keys(await snapshot(dir())).filter((f) => !f.startsWith('images/'))).toEqual([
      'README.md',
      'apps/procfile-app/Procfile',
      'apps/shell-script/start.sh',
      'apps/static-site/index.html',
      'resources.yaml',
    ]);
    expect((await readLayout(join(dir(), 'images', 'lifecycle'))).tags()).toEqual(['placeholder']);
  });

  it('refuses a non-empty directory without --force, and with it writes identical files again', async () => {
    const before = await snapshot(dir());
    const refused = await cli('samples', dir());
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/is not empty; .*--force/);
    await writeFile(join(dir(), 'keep-me.txt'), 'mine\n');
    const forced = await cli('samples', dir(), '--force');
    expect(forced.code, forced.err).toBe(0);
    const after = await snapshot(dir());
    expect(after['keep-me.txt']).toBeDefined();
    delete after['keep-me.txt'];
    expect(after).toEqual(before);
  });

  it('shows an example in --help', async () => {
    const result = await cli('samples', '--help');
    expect(result.code).toBe(0);
    expect(result.out).toContain('packsmith build -f ./samples');
    expect(result.out).toContain('--force');
  });
});

describe('samples → build → inspect builder', () => {
  it('builds both builders from the directory, with image paths relative to resources.yaml', async () => {
    // The test runs in the repository, so the relative oci: paths resolve only against the YAML's directory.
    expect(process.cwd()).not.toBe(dir());
    const result = await cli('build', '-f', dir());
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/ClusterStore\s+samples\s+Ready\s+4 buildpacks/);
    expect(result.out).toMatch(/ClusterLifecycle\s+default-lifecycle\s+Ready\s+lifecycle 0\.21\.17-placeholder/);
    expect(result.out).toMatch(new RegExp(`Builder\\s+samples/web\\s+Ready\\s+oci:${dir()}/out/builder@sha256:[0-9a-f]{64} \\(pushed\\)`));
    expect(result.out).toMatch(/ClusterBuilder\s+static\s+Ready/);
    const tags = (await readLayout(join(dir(), 'out', 'builder'))).tags();
    expect(tags).toEqual(
      expect.arrayContaining(['builder-samples-web', 'builder-samples-web-run-image', 'clusterbuilder-static', 'clusterbuilder-static-run-image']),
    );
  });

  it('shows the builder: the meta-buildpack with its optional member, then the Procfile buildpack by id', async () => {
    const result = await cli('inspect', 'builder', `oci:${join(dir(), 'out', 'builder')}:builder-samples-web`);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/Stack:\n {2}ID: io\.packsmith\.samples\.stack/);
    expect(result.out).toMatch(/Lifecycle:\n {2}Version: 0\.21\.17-placeholder/);
    expect(result.out).toContain(
      [
        ' ├ Group #1:',
        ' │  └ samples/web@0.1.0',
        ' │     ├ Group #1:',
        ' │     │  ├ samples/static@0.1.0',
        ' │     │  └ samples/shell@0.1.0    (optional)',
        ' │     └ Group #2:',
        ' │        └ samples/shell@0.1.0',
        ' └ Group #2:',
        '    └ samples/procfile@0.1.0',
      ].join('\n'),
    );
    const buildpacks = [...result.out.matchAll(/^ {2}(samples\/\S+)\s+(\S+)\s+(\S+)/gm)].map((m) => `${m[1]}@${m[2]} api ${m[3]}`);
    expect(buildpacks.sort()).toEqual([
      'samples/procfile@0.1.0 api 0.10',
      'samples/shell@0.1.0 api 0.10',
      'samples/static@0.1.0 api 0.10',
      'samples/web@0.1.0 api 0.10',
    ]);
  });

  it('gives the ClusterBuilder the static buildpack alone', async () => {
    const result = await cli('inspect', 'builder', `oci:${join(dir(), 'out', 'builder')}:clusterbuilder-static`, '-o', 'json');
    expect(result.code, result.err).toBe(0);
    const description = JSON.parse(result.out) as { order: Array<Array<{ id: string; version?: string }>>; buildpacks: Array<{ id: string }> };
    expect(description.order).toEqual([[{ id: 'samples/static', version: '0.1.0', groups: [] }]]);
    expect(description.buildpacks.map((b) => b.id)).toEqual(['samples/static']);
  });
});
