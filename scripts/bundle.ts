/**
 * Builds dist/bundle/: the CLI's sources bundled by esbuild into plain JavaScript (one entry chunk plus
 * one chunk per lazily loaded command module), which bin/packsmith.js runs instead of the sources
 * while it is up to date. Dependencies are compiled in too: resolving and loading hundreds of small
 * files from node_modules cost more than the rest of start-up. The heavy ones that only some
 * commands use (scripts/lazy-packages.ts) are each bundled into one file of their own under
 * dist/bundle/vendor/, loaded on first use.
 *
 * Up to date means: every source file that went into the bundle still has the content it had, and
 * so does package-lock.json (the dependencies compiled in). The plugin below hashes each file as
 * esbuild reads it, so the stamp (dist/bundle/inputs.json, written last) describes exactly the code
 * that was compiled; it also keeps each file's size and modification time, so the launcher hashes
 * only a file whose size or time changed. Run by `npm ci` (prepare) or
 * `npm run bundle`; without esbuild (a production install) it does nothing and the launcher runs
 * the sources.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';
import { importedNames, lazyPackages, lazyPackagesPlugin, vendorFileOf } from './lazy-packages.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}dist/bundle`;

/** What the compiled sources import from each lazy package: the names, or 'all'. */
type LazyImports = Map<string, Set<string> | 'all'>;

/**
 * Loads every TypeScript source itself, to record the hash of exactly what esbuild compiles and
 * the names it imports from the lazy packages.
 */
function hashingLoader(hashes: Map<string, string>, lazyImports: LazyImports): Esbuild.Plugin {
  return {
    name: 'packsmith-source-hashes',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        const contents = await readFile(args.path);
        hashes.set(relative(root, args.path), createHash('sha256').update(contents).digest('hex'));
        const text = contents.toString('utf8');
        for (const name of lazyPackages.filter((p) => text.includes(p))) {
          const names = importedNames(text, name);
          const known = lazyImports.get(name);
          if (names === 'all' || known === 'all') lazyImports.set(name, 'all');
          else lazyImports.set(name, new Set([...(known ?? []), ...names]));
        }
        return { contents, loader: 'ts' };
      });
    },
  };
}

/** The vendor build's entry: the package itself, or a module re-exporting only the names the sources import. */
function vendorEntry(name: string, imported: Set<string> | 'all' | undefined): Esbuild.BuildOptions {
  if (imported === 'all' || imported === undefined || imported.size === 0) return { entryPoints: [createRequire(`${root}package.json`).resolve(name)] };
  return { stdin: { contents: `export { ${[...imported].sort().join(', ')} } from ${JSON.stringify(name)};`, resolveDir: root, loader: 'js' } };
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
  const lazyImports: LazyImports = new Map();
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
    // Bundled CommonJS dependencies call require() for Node's built-in modules, which ES modules lack.
    banner: { js: "import { createRequire as packsmithCreateRequire } from 'node:module'; const require = packsmithCreateRequire(import.meta.url);" },
    // Chunks sit beside main.js, so `new URL('../../package.json', import.meta.url)` still finds package.json.
    chunkNames: '[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [lazyPackagesPlugin(root.replace(/\/$/, '')), hashingLoader(hashes, lazyImports)],
  });
  // One CommonJS file per lazy package, which its stand-in requires on first use.
  for (const name of lazyPackages) {
    await esbuild.build({
      ...vendorEntry(name, lazyImports.get(name)),
      outfile: `${staging}/${vendorFileOf(name)}`,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node24',
      legalComments: 'none',
      logLevel: 'warning',
    });
  }
  // The bundler's own code and the locked dependencies shape the output too, so a change to them
  // also makes the bundle stale.
  for (const file of ['scripts/bundle.ts', 'scripts/lazy-packages.ts', 'package-lock.json']) {
    hashes.set(
      file,
      createHash('sha256')
        .update(await readFile(`${root}${file}`))
        .digest('hex'),
    );
  }
  const files: Record<string, { sha256: string; size: number; mtimeMs: number }> = {};
  for (const [path, sha256] of [...hashes].sort(([a], [b]) => a.localeCompare(b))) {
    const { size, mtimeMs } = await stat(`${root}${path}`);
    files[path] = { sha256, size, mtimeMs };
  }
  const stamp = { files };
  await writeFile(`${staging}/inputs.json`, `${JSON.stringify(stamp, null, 1)}\n`);
  await rm(outDir, { recursive: true, force: true });
  await rename(staging, outDir);
  console.log(`bundle: dist/bundle/ from ${hashes.size - 3} source files and ${lazyPackages.length} lazily loaded packages`);
}

await main();
