// Dependency-direction rules of docs/architecture.md, enforced by `npm run deps:check`.
// An "allowed" list per module: anything else internal is forbidden.
const layers = {
  shared: [],
  oci: ['shared'],
  cnb: ['oci', 'shared'],
  // app reads kpack's typed resources and the one credential rule from api (pure data and functions, no I/O).
  // signing: cosign's key, payload and artifact formats, pure over bytes and oci values.
  signing: ['oci', 'shared'],
  app: ['api', 'cnb', 'oci', 'signing', 'shared'],
  api: ['cnb', 'shared'],
  k8s: ['api', 'oci', 'shared'],
  controller: ['app', 'api', 'k8s', 'oci', 'cnb', 'shared'],
  adapters: ['app', 'oci', 'shared'],
  webhook: ['api', 'shared'],
  deploy: ['api', 'webhook', 'shared'],
  cli: ['app', 'controller', 'api', 'webhook', 'deploy', 'shared', 'compose'],
};

const layerRules = Object.entries(layers).map(([layer, allowed]) => ({
  name: `${layer}-imports`,
  comment: `src/${layer} may import only: ${allowed.length ? allowed.join(', ') : 'nothing internal'}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: {
    path: '^src/',
    pathNot: [`^src/${layer}/`, ...allowed.map((a) => (a === 'compose' ? '^src/compose\\.ts$' : `^src/${a}/`))],
  },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'api-imports-cnb-types-only',
      comment: 'api may depend on cnb for record types only (status embeds them)',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^src/cnb/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'controller-imports-oci-cnb-types-only',
      comment: 'reconcilers pass records and keychains along but never call oci or cnb themselves (tests may build errors)',
      severity: 'error',
      from: { path: '^src/controller/', pathNot: ['\\.test\\.ts$', '/testdata/'] },
      to: { path: '^src/(oci|cnb)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'through-index-only',
      comment: 'modules import each other only through their index.ts',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$', '^src/[^/]+/testing/index\\.ts$', '^src/[^/]+/testdata/'] },
    },
    {
      name: 'kubernetes-client-only-in-k8s',
      comment: '@kubernetes/client-node is used only by the Kubernetes adapter',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/k8s/' },
      to: { path: '@kubernetes/client-node' },
    },
    {
      name: 'zod-mini-only',
      comment: "zod's classic API ('zod', 'zod/v4') cannot be tree-shaken and brings all of zod into the CLI bundle; use 'zod/mini'",
      severity: 'error',
      from: { path: '^src/' },
      to: { path: ['^zod(/v[34])?$', '^node_modules/zod/(v[34]/)?index\\.', '^node_modules/zod/v4/classic/'] },
    },
    {
      name: 'no-test-code-in-production',
      comment: 'production modules never import tests or test kits outside their own module',
      severity: 'error',
      from: { path: '^src/', pathNot: ['\\.test\\.ts$', '/testing/', '/testdata/'] },
      to: { path: ['\\.test\\.ts$', '^test/', '/testdata/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
