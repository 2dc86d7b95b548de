// The stand-ins the bundle uses for heavy packages: nothing is loaded before first use, and the
// exports behave as the real ones (construct, subclass, instanceof, call, read an object).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Kube from '@kubernetes/client-node';
import type * as Prom from 'prom-client';
import { importedNames, standIn, vendorFileOf } from './lazy-packages.ts';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const require = createRequire(`${root}/package.json`);
// Inside the repository, so that the stand-in's require() finds node_modules as the bundle's does.
const dir = join(root, 'dist', `lazy-packages-test-${process.pid}`);

/**
 * Writes the stand-in (generating it reads the real package's exports) and returns its URL. Beside
 * it, the vendor file it requires re-exports the package from node_modules, where the bundle has
 * the package bundled into that file.
 */
function writeStandIn(name: string): string {
  mkdirSync(join(dir, 'vendor'), { recursive: true });
  writeFileSync(join(dir, vendorFileOf(name)), `module.exports = require(${JSON.stringify(name)});\n`);
  const file = join(dir, `${name.replace(/\W/g, '_')}.mjs`);
  writeFileSync(file, standIn(name, root));
  return pathToFileURL(file).href;
}

async function importStandIn<T>(name: string): Promise<T> {
  return (await import(writeStandIn(name))) as T;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lazy package stand-ins', () => {
  it('load prom-client only on first use, and its classes construct, subclass and match instanceof', async () => {
    const resolved = require.resolve('prom-client');
    const url = writeStandIn('prom-client');
    delete require.cache[resolved];
    const lazy = (await import(url)) as typeof Prom;
    expect(require.cache[resolved]).toBeUndefined();
    const registry = new lazy.Registry();
    expect(require.cache[resolved]).toBeDefined();
    const real = require('prom-client') as typeof Prom;
    expect(registry).toBeInstanceOf(real.Registry);
    expect(registry).toBeInstanceOf(lazy.Registry);
    class Named extends lazy.Registry {
      name = 'mine';
    }
    const named = new Named();
    expect([named instanceof Named, named instanceof real.Registry, named.name]).toEqual([true, true, 'mine']);
    new lazy.Counter({ name: 'c_total', help: 'h', registers: [registry] }).inc(2);
    expect(await registry.metrics()).toContain('c_total 2');
    expect(lazy.linearBuckets(1, 1, 3)).toEqual([1, 2, 3]);
  });

  it('read through to an object export (client-node, an ES module, required on first use)', async () => {
    const lazy = await importStandIn<typeof Kube>('@kubernetes/client-node');
    expect(lazy.HttpMethod.PATCH).toBe('PATCH');
    expect(Object.keys(lazy.HttpMethod)).toContain('GET');
    expect(new lazy.KubeConfig().getContexts()).toEqual([]);
  });
});

describe('importedNames', () => {
  it('lists the value names imported or re-exported from a package, leaving out type-only ones', () => {
    const source = [
      "import type { KubeConfig } from '@kubernetes/client-node';",
      "import { HttpMethod, type KubeConfig as Config } from '@kubernetes/client-node';",
      'import {',
      '  RequestContext,',
      '  KubeConfig as Loader,',
      "} from '@kubernetes/client-node';",
      "export { Watch } from '@kubernetes/client-node';",
      "import { fetch } from 'undici';",
    ].join('\n');
    expect(importedNames(source, '@kubernetes/client-node')).toEqual(['HttpMethod', 'RequestContext', 'KubeConfig', 'Watch']);
    expect(importedNames(source, 'undici')).toEqual(['fetch']);
    expect(importedNames(source, 'pino')).toEqual([]);
  });

  it('answers all for a default or namespace import, which may reach any export', () => {
    expect(importedNames("import * as k8s from '@kubernetes/client-node';", '@kubernetes/client-node')).toBe('all');
    expect(importedNames("import pino, { type Logger } from 'pino';", 'pino')).toBe('all');
    expect(importedNames("import type Default from 'pino';", 'pino')).toEqual([]);
  });
});
