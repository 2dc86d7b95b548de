/**
 * An esbuild plugin for the CLI bundle: packages that cost a lot to load (client-node alone takes
 * about 0.5 s) are replaced by a stand-in module that loads the real package on first use of one
 * of its exports. Commands that never talk to a cluster, export metrics or log JSON then never load
 * them, although the modules that register those commands import them. The sources are unchanged,
 * and every export keeps its behaviour: a class stays constructible, callable and usable with
 * `instanceof`, an object reads through to the real one.
 *
 * Each stand-in is generated from the real package's export names at bundle time. A value export
 * that is neither a function nor an object cannot be deferred, so it is left out, and a source that
 * imports it fails the bundle build instead of running differently.
 */
import { createRequire } from 'node:module';
import type { Plugin } from 'esbuild';

/** The packages the bundle loads lazily. */
export const lazyPackages: readonly string[] = ['@kubernetes/client-node', 'prom-client', 'pino', 'undici'];

/** Where the bundle keeps a lazy package, bundled into one CommonJS file (relative to dist/bundle/). */
export const vendorFileOf = (name: string): string => `vendor/${name.replace(/^@/, '').replace(/\//g, '-')}.cjs`;

// Runs in the bundle: `real()` requires the package's vendor file once (the chunks sit in dist/bundle/).
const runtime = `
import { createRequire } from 'node:module';
let loaded;
const real = () => (loaded ??= createRequire(import.meta.url)(PACKAGE));
const lazyFunction = (name) => new Proxy(function () {}, {
  apply: (_, self, args) => Reflect.apply(real()[name], self, args),
  construct: (_, args, newTarget) => Reflect.construct(real()[name], args, newTarget === proxies[name] ? real()[name] : newTarget),
  get: (_, key) => Reflect.get(real()[name], key),
  has: (_, key) => Reflect.has(real()[name], key),
});
const lazyObject = (name) => new Proxy({}, {
  get: (_, key) => Reflect.get(real()[name], key),
  has: (_, key) => Reflect.has(real()[name], key),
  ownKeys: () => Reflect.ownKeys(real()[name]),
  getOwnPropertyDescriptor: (_, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(real()[name], key);
    return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
  },
});
const proxies = {};
`;

const identifier = /^[A-Za-z_$][\w$]*$/;

/** The stand-in module's source for `name`, from the kinds of its real exports. */
export function standIn(name: string, root: string): string {
  const exports = createRequire(`${root}/package.json`)(name) as Record<string, unknown>;
  const lines = [runtime.replace('PACKAGE', JSON.stringify(`./${vendorFileOf(name)}`))];
  for (const key of Object.keys(exports).filter((k) => identifier.test(k) || k === 'default')) {
    const kind = typeof exports[key];
    if (kind !== 'function' && (kind !== 'object' || exports[key] === null)) continue;
    const make = kind === 'function' ? 'lazyFunction' : 'lazyObject';
    const local = `lazy_${key}`;
    lines.push(`const ${local} = proxies[${JSON.stringify(key)}] = ${make}(${JSON.stringify(key)});`);
    lines.push(key === 'default' ? `export default ${local};` : `export { ${local} as ${key} };`);
  }
  return lines.join('\n');
}

/** The plugin: resolves each lazy package (imported from the sources) to its generated stand-in. */
export function lazyPackagesPlugin(root: string): Plugin {
  const filter = new RegExp(`^(${lazyPackages.map((p) => p.replace(/[/.@-]/g, '\\$&')).join('|')})$`);
  return {
    name: 'packsmith-lazy-packages',
    setup(build) {
      // Only imports from the sources: the stand-in's own require() is left alone.
      build.onResolve({ filter }, (args) => (args.importer.startsWith(`${root}/src/`) ? { path: args.path, namespace: 'lazy-package' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => ({ contents: standIn(args.path, root), loader: 'js', resolveDir: root }));
    },
  };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/@-]/g, '\\$&');

/**
 * The value names a TypeScript source imports (or re-exports) from `name`; 'all' for a default or
 * namespace import. Type-only imports are left out: they are gone once compiled. The vendor file
 * of a package then holds only what the sources use, which esbuild can shake out of an ES module
 * package (`@kubernetes/client-node`: about 17 of its 17.5 MB are the generated API, which packsmith
 * reaches through its own REST calls instead).
 */
export function importedNames(source: string, name: string): string[] | 'all' {
  const from = `\\s+from\\s+['"]${escapeRegExp(name)}['"]`;
  if (new RegExp(`import\\s+(?!type\\b)(\\*\\s+as\\s+\\w+|[\\w$]+)\\s*(,|${from})`).test(source)) return 'all';
  const names: string[] = [];
  for (const match of source.matchAll(new RegExp(`(import|export)\\s+(type\\s+)?\\{([^}]*)\\}${from}`, 'g'))) {
    if (match[2] !== undefined) continue;
    for (const specifier of (match[3] ?? '').split(',')) {
      const trimmed = specifier.trim();
      if (trimmed === '' || trimmed.startsWith('type ')) continue;
      names.push(trimmed.split(/\s+as\s+/)[0] ?? trimmed);
    }
  }
  return names;
}
