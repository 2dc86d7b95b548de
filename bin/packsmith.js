#!/usr/bin/env node
// Launcher for the `packsmith` command. packsmith needs Node.js >= 24 (it runs its TypeScript
// sources through Node's type stripping). When started by an older Node, re-run the same command
// with the Node 24 that the project brings as its `node` devDependency.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

/** Node keeps compiled code of every module it loads here, so later runs skip most compiling. */
function compileCacheDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'packsmith', 'node-compile-cache');
}

if (major >= 24) {
  // NODE_DISABLE_COMPILE_CACHE=1 turns it off, as for any Node program; a failure only costs speed.
  enableCompileCache(compileCacheDir());
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
