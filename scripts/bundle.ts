/**
 * Builds dist/bundle/: the CLI's sources bundled by esbuild into plain JavaScript (one entry chunk plus
 * one chunk per lazily loaded command module), which bin/packsmith.js runs instead of the sources
 * while it is up to date. Dependencies in node_modules stay external: Node loads them as usual.
 *
 * Up to date means: every source file that went into the bundle still has the content it had.
 * The plugin below hashes each file as esbuild reads it, so the stamp (dist/bundle/inputs.json,
 * written last) describes exactly the code that was compiled. Run by `npm ci` (prepare) or
 * `npm run bundle`; without esbuild (a production install) it does nothing and the launcher runs
 * the sources.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';
import { lazyPackagesPlugin } from './lazy-packages.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}dist/bundle`;

/** Loads every TypeScript source itself, to record the hash of exactly what esbuild compiles. */
function hashingLoader(hashes: Map<string, string>): Esbuild.Plugin {
  return {
    name: 'packsmith-source-hashes',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        const contents = await readFile(args.path);
        hashes.set(relative(root, args.path), createHash('sha256').update(contents).digest('hex'));
        return { contents, loader: 'ts' };
      });
    },
  };
}

async function loadEsbuild(): Promise<typeof Esbuild | undefined> {
  try {
    return await import('esbuild');
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const esbuild = await loadEsbuild();
  if (esbuild === undefined) {
    console.log('bundle: esbuild is not installed; bin/packsmith.js will run the sources');
    return;
  }
  const hashes = new Map<string, string>();
  // Built beside the old bundle and swapped in whole, so a launcher never sees half of one. Not dist/cli/:
  // `npm run build` (tsc) writes there.
  const staging = `${outDir}.${process.pid}`;
  await esbuild.build({
    entryPoints: [`${root}src/cli/main.ts`],
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    // Chunks sit beside main.js, so `new URL('../../package.json', import.meta.url)` still finds package.json.
    chunkNames: '[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [lazyPackagesPlugin(root.replace(/\/$/, '')), hashingLoader(hashes)],
  });
  // The bundler's own code shapes the output too, so a change to it also makes the bundle stale.
  for (const script of ['scripts/bundle.ts', 'scripts/lazy-packages.ts']) {
    hashes.set(
      script,
      createHash('sha256')
        .update(await readFile(`${root}${script}`))
        .digest('hex'),
    );
  }
  const stamp = { files: Object.fromEntries([...hashes].sort(([a], [b]) => a.localeCompare(b))) };
  await writeFile(`${staging}/inputs.json`, `${JSON.stringify(stamp, null, 1)}\n`);
  await rm(outDir, { recursive: true, force: true });
  await rename(staging, outDir);
  console.log(`bundle: dist/bundle/ from ${hashes.size - 2} source files`);
}

await main();
