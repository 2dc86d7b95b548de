// The sample buildpacks' scripts run with the system's /bin/sh on scratch app directories, as
// the lifecycle runs them (app directory as working directory, CNB_LAYERS_DIR set for build).
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterEach, describe, expect, it } from 'vitest';
import { procfileBuild, procfileDetect, shellBuild, shellDetect, staticBuild, staticDetect } from './sample-scripts.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function app(files: Record<string, string>): Promise<{ app: string; layers: string }> {
  const root = await mkdtemp(join(tmpdir(), 'sample-scripts-'));
  dirs.push(root);
  const dir = join(root, 'app');
  await mkdir(dir);
  await mkdir(join(root, 'layers'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return { app: dir, layers: join(root, 'layers') };
}

function run(script: string, where: { app: string; layers: string }): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync('/bin/sh', ['-c', script, 'script'], {
    cwd: where.app,
    env: { PATH: '/usr/bin:/bin', CNB_LAYERS_DIR: where.layers },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Launch {
  processes: Array<{ type: string; command: string[]; default: boolean }>;
}

async function launch(layers: string): Promise<Launch> {
  return parse(await readFile(join(layers, 'launch.toml'), 'utf8')) as unknown as Launch;
}

describe('detect scripts', () => {
  it('pass (0) only on their telling file and fail (100) otherwise', async () => {
    const site = await app({ 'index.html': '<h1>hi</h1>' });
    const scripts = await app({ 'start.sh': 'echo hi' });
    const procs = await app({ Procfile: 'web: echo hi' });
    const none = await app({ 'README.md': 'x' });
    expect([site, scripts, procs, none].map((a) => run(staticDetect, a).code)).toEqual([0, 100, 100, 100]);
    expect([site, scripts, procs, none].map((a) => run(shellDetect, a).code)).toEqual([100, 0, 100, 100]);
    expect([site, scripts, procs, none].map((a) => run(procfileDetect, a).code)).toEqual([100, 100, 0, 100]);
  });
});

describe('build scripts', () => {
  it('static: a launch layer with an executable serve script and the default web process', async () => {
    const where = await app({ 'index.html': '<h1>hi</h1>' });
    const result = run(staticBuild, where);
    expect(result.code, result.stderr).toBe(0);
    const serve = join(where.layers, 'web', 'bin', 'serve-static');
    expect(await launch(where.layers)).toEqual({ processes: [{ type: 'web', command: [serve], default: true }] });
    expect(parse(await readFile(join(where.layers, 'web.toml'), 'utf8'))).toEqual({ types: { launch: true } });
    expect(spawnSync('/bin/sh', ['-n', serve]).status).toBe(0);
  });

  it('shell: one process per script, start.sh the default, names made valid process types', async () => {
    const where = await app({ 'a b.sh': 'echo a', 'start.sh': 'echo start', 'notes.txt': 'x' });
    const result = run(shellBuild, where);
    expect(result.code, result.stderr).toBe(0);
    expect((await launch(where.layers)).processes).toEqual([
      { type: 'a-b', command: ['sh', 'a b.sh'], default: false },
      { type: 'start', command: ['sh', 'start.sh'], default: true },
    ]);
  });

  it('procfile: one process per "type: command" line, web the default, quotes and backslashes kept', async () => {
    const procfile = '# comment\n\nworker: ls -l\nweb:   echo "hi \\ there" && sleep 1\nno colon here\nbad type: x\nlast: echo end';
    const where = await app({ Procfile: procfile });
    const result = run(procfileBuild, where);
    expect(result.code, result.stderr).toBe(0);
    expect((await launch(where.layers)).processes).toEqual([
      { type: 'worker', command: ['sh', '-c', 'ls -l'], default: false },
      { type: 'web', command: ['sh', '-c', 'echo "hi \\ there" && sleep 1'], default: true },
      { type: 'last', command: ['sh', '-c', 'echo end'], default: false },
    ]);
    expect(result.stderr).toContain('skipping a line without "type:": no colon here');
    expect(result.stderr).toContain('skipping a line without a valid type: bad type: x');
  });
});
