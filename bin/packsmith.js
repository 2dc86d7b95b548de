#!/usr/bin/env node
// Launcher for the `packsmith` command. packsmith needs Node.js >= 24 (it runs its TypeScript
// sources through Node's type stripping). When started by an older Node, re-run the same command
// with the Node 24 that the project brings as its `node` devDependency.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module'; // not named: Node 20 has no enableCompileCache
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
const root = fileURLToPath(new URL('..', import.meta.url));
const sources = join(root, 'src/cli/main.ts');

/** Node keeps compiled code of every module it loads here, so later runs skip most compiling. */
function compileCacheDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'packsmith', 'node-compile-cache');
}

/**
 * The bundle that scripts/bundle.ts wrote to dist/bundle/, if every file it was built from still has
 * the content it had then; otherwise undefined, and the sources run, so a bundle older than the
 * sources never runs. The stamp lists each file's hash, size and modification time: a file whose
 * size and time are unchanged is taken as unchanged, any other is hashed. PACKSMITH_SOURCES=1
 * skips the bundle.
 */
function upToDateBundle() {
  if (process.env.PACKSMITH_SOURCES === '1') return undefined;
  try {
    const stamp = JSON.parse(readFileSync(join(root, 'dist/bundle/inputs.json'), 'utf8'));
    for (const [path, recorded] of Object.entries(stamp.files)) {
      const file = join(root, path);
      const { size, mtimeMs } = statSync(file);
      if (size === recorded.size && mtimeMs === recorded.mtimeMs) continue;
      if (createHash('sha256').update(readFileSync(file)).digest('hex') !== recorded.sha256) return undefined;
    }
    return join(root, 'dist/bundle/main.js');
  } catch {
    return undefined; // no bundle, a stamp of another format, or a source it names is gone
  }
}

if (major >= 24) {
  // NODE_DISABLE_COMPILE_CACHE=1 turns it off, as for any Node program; a failure only costs speed.
  nodeModule.enableCompileCache(compileCacheDir());
  const entry = upToDateBundle() ?? sources;
  process.argv[1] = entry;
  await import(entry);
} else {
  const bundled = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(bundled)) {
    process.stderr.write(`packsmith needs Node.js 24 or newer (this is ${process.version}); run "npm ci" in the packsmith directory to install it.\n`);
    process.exit(1);
  }
  const result = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
