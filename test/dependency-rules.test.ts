import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = new URL('..', import.meta.url).pathname;
const cruiser = join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');

/** Runs the repository's dependency rules over a small tree of files and returns the verdict. */
async function cruise(dir: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [cruiser, 'src', '--config', join(repo, '.dependency-cruiser.cjs')], { cwd: dir });
    return { ok: true, output: stdout };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

describe('dependency-direction rules', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'packsmith-deps-'));
    await cp(join(repo, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function tree(files: Record<string, string>): Promise<void> {
    await rm(join(dir, 'src'), { recursive: true, force: true });
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  }

  it('accepts an import that follows the layering', async () => {
    await tree({
      'src/shared/index.ts': 'export const s = 1;\n',
      'src/oci/index.ts': "import { s } from '../shared/index.ts';\nexport const o = s;\n",
    });
    expect((await cruise(dir)).ok).toBe(true);
  });

  it('fails when oci imports cnb', async () => {
    await tree({
      'src/cnb/index.ts': 'export const c = 1;\n',
      'src/oci/index.ts': "import { c } from '../cnb/index.ts';\nexport const o = c;\n",
    });
    const verdict = await cruise(dir);
    expect(verdict.ok).toBe(false);
    expect(verdict.output).toMatch(/oci-imports: src\/oci\/index\.ts → src\/cnb\/index\.ts/);
  });

  it('fails on a deep import that bypasses a module index', async () => {
    await tree({
      'src/shared/index.ts': "export * from './errors.ts';\n",
      'src/shared/errors.ts': 'export const e = 1;\n',
      'src/oci/index.ts': "import { e } from '../shared/errors.ts';\nexport const o = e;\n",
    });
    const verdict = await cruise(dir);
    expect(verdict.ok).toBe(false);
    expect(verdict.output).toMatch(/through-index-only/);
  });

  it("fails on zod's classic API in production code, not on zod/mini", async () => {
    await tree({
      'src/shared/index.ts': "import * as z from 'zod/mini';\nexport const s = z.string();\n",
      'src/oci/index.ts': "import { z } from 'zod';\nexport const o = z.string();\n",
    });
    const verdict = await cruise(dir);
    expect(verdict.ok).toBe(false);
    expect(verdict.output).toMatch(/zod-mini-only: src\/oci\/index\.ts → zod/);
    expect(verdict.output).not.toMatch(/zod-mini-only: src\/shared/);
  });
});
