// Golden tests of `builder status` / `clusterbuilder status`: kp's own fixtures reproduce kp's
// output byte for byte (trailing spaces included); the tree fixtures show meta-buildpacks expanded
// and the resource each buildpack came from.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/port.ts';
import { buildOrderTree, type SourceObjects } from './order-tree.ts';
import { builderScope, clusterBuilderScope } from './scope.ts';
import { renderBuilderStatus, renderDetectionOrder } from './status-view.ts';

const none: SourceObjects = { buildpacks: [], clusterBuildpacks: [] };
const text = (lines: readonly string[]): string => lines.join('\n');

// kp's status_test.go fixture `readyDefaultBuilder`.
function kpReadyBuilder(statusOrder: Array<{ group: Array<{ id: string; version?: string }> }>): KubeObject {
  return {
    kind: 'Builder',
    metadata: { name: 'test-builder-1', namespace: 'some-default-namespace' },
    spec: {
      tag: 'some-registry.com/test-builder-1',
      stack: { name: 'test-stack', kind: 'ClusterStack' },
      store: { name: 'test-store', kind: 'ClusterStore' },
      order: [
        { group: [{ id: 'org.cloudfoundry.nodejs' }] },
        { group: [{ id: 'org.cloudfoundry.go' }] },
        { group: [{ name: 'sample-buildpack', kind: 'Buildpack' }] },
      ],
    },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      builderMetadata: [
        { id: 'org.cloudfoundry.nodejs', version: 'v0.2.1', homepage: 'https://github.com/paketo-buildpacks/nodejs' },
        { id: 'org.cloudfoundry.go', version: 'v0.0.3', homepage: 'https://github.com/paketo-buildpacks/go' },
      ],
      order: statusOrder,
      stack: { runImage: 'gcr.io/paketo-buildpacks/run@sha256:iweuryaksdjhf9203847098234', id: 'io.buildpacks.stacks.centos' },
      latestImage: 'some-registry.com/test-builder-1:tag',
    },
  };
}

const kpHead = [
  'Status:       Ready',
  'Image:        some-registry.com/test-builder-1:tag',
  'Stack ID:     io.buildpacks.stacks.centos',
  'Run Image:    gcr.io/paketo-buildpacks/run@sha256:iweuryaksdjhf9203847098234',
  '',
  'Stack Ref:     ',
  '  Name:       test-stack',
  '  Kind:       ClusterStack',
  'Store Ref:     ',
  '  Name:       test-store',
  '  Kind:       ClusterStore',
  '',
  'BUILDPACK ID               VERSION    HOMEPAGE',
  'org.cloudfoundry.nodejs    v0.2.1     https://github.com/paketo-buildpacks/nodejs',
  'org.cloudfoundry.go        v0.0.3     https://github.com/paketo-buildpacks/go',
  '',
  '',
];

function render(builder: KubeObject, sources: SourceObjects = none, scope = builderScope): string {
  return renderBuilderStatus(scope, builder, buildOrderTree(builder, sources));
}

describe('builder status, as kp prints it', () => {
  it("reproduces kp's ready output with versions from status.order", () => {
    const builder = kpReadyBuilder([
      { group: [{ id: 'org.cloudfoundry.nodejs', version: '0.2.1' }] },
      { group: [{ id: 'org.cloudfoundry.go', version: '0.0.3' }] },
    ]);
    expect(render(builder)).toBe(
      text([
        ...kpHead,
        'BUILDPACK NAME         BUILDPACK KIND',
        '',
        '',
        'sample-buildpack    Buildpack',
        '',
        'DETECTION ORDER                    ',
        'Group #1                           ',
        '  org.cloudfoundry.nodejs@0.2.1    ',
        'Group #2                           ',
        '  org.cloudfoundry.go@0.0.3        ',
        '',
        '',
      ]),
    );
  });

  it("prints ids without version when status.order has none (kp's second fixture)", () => {
    const builder = kpReadyBuilder([{ group: [{ id: 'org.cloudfoundry.nodejs' }] }, { group: [{ id: 'org.cloudfoundry.go' }] }]);
    expect(render(builder).split('\n').slice(-8)).toEqual([
      '',
      'DETECTION ORDER              ',
      'Group #1                     ',
      '  org.cloudfoundry.nodejs    ',
      'Group #2                     ',
      '  org.cloudfoundry.go        ',
      '',
      '',
    ]);
  });

  it('titles the object table CLUSTERBUILDPACK for a ClusterBuilder (rows of the first group align with the header) and prints -- without a store', () => {
    const builder = kpReadyBuilder([]);
    const spec = builder.spec as Record<string, unknown>;
    delete spec.store;
    spec.order = [{ group: [{ name: 'go', kind: 'ClusterBuildpack' }] }];
    const out = render({ ...builder, kind: 'ClusterBuilder' }, none, clusterBuilderScope);
    expect(out).toContain(text(['Store Ref:     ', '  Name:       --', '  Kind:       --', '']));
    expect(out).toContain(
      text(['CLUSTERBUILDPACK NAME         CLUSTERBUILDPACK KIND', 'go                       ClusterBuildpack', '', 'DETECTION ORDER    ', '', '']),
    );
  });

  it("prints kp's Not Ready block with the Ready message", () => {
    const builder: KubeObject = {
      metadata: { name: 'b' },
      status: { conditions: [{ type: 'Ready', status: 'False', message: 'this builder is not ready for the purpose of a test' }] },
    };
    expect(render(builder)).toBe(text(['Status:    Not Ready', 'Reason:    this builder is not ready for the purpose of a test', '', '']));
  });

  it('adds the UpToDate message when Ready only says there is no image', () => {
    const conditions = [
      { type: 'Ready', status: 'False', reason: 'NoLatestImage', message: 'Builder has no latestImage' },
      { type: 'UpToDate', status: 'False', reason: 'ReconcileFailed', message: "could not find buildpack with id 'test/nope'" },
    ];
    expect(render({ metadata: { name: 'b' }, status: { conditions } })).toBe(
      text(['Status:    Not Ready', "Reason:    Builder has no latestImage: could not find buildpack with id 'test/nope'", '', '']),
    );
  });

  it("prints the cause once when Ready already carries it (packsmith's own status)", () => {
    const cause = "could not find buildpack with id 'test/nope'";
    const conditions = [
      { type: 'Ready', status: 'False', reason: 'NoLatestImage', message: `Builder has no latestImage: ${cause}` },
      { type: 'UpToDate', status: 'False', reason: 'ReconcileFailed', message: cause },
    ];
    expect(render({ metadata: { name: 'b' }, status: { conditions } })).toBe(
      text(['Status:    Not Ready', `Reason:    Builder has no latestImage: ${cause}`, '', '']),
    );
  });

  it('prints Unknown without a Ready condition', () => {
    expect(render({ metadata: { name: 'b' }, status: {} })).toBe(text(['Status:    Unknown', '', '']));
  });

  it('says why a Ready builder is not up to date', () => {
    const builder = kpReadyBuilder([]);
    (builder.status as { conditions: unknown[] }).conditions.push({ type: 'UpToDate', status: 'False', message: 'stack default is not ready' });
    expect(render(builder).split('\n').slice(0, 3)).toEqual([
      'Status:       Ready',
      'Reason:       not up to date, the previous image is kept: stack default is not ready',
      'Image:        some-registry.com/test-builder-1:tag',
    ]);
  });
});

const store: KubeObject = {
  kind: 'ClusterStore',
  metadata: { name: 'default' },
  status: {
    buildpacks: [
      { id: 'test/node', version: '1.0.0' },
      { id: 'test/python', version: '1.0.0' },
      {
        id: 'test/web',
        version: '2.0.0',
        order: [
          {
            group: [
              { id: 'test/node', version: '1.0.0' },
              { id: 'test/python', version: '1.0.0', optional: true },
            ],
          },
        ],
      },
      { id: 'test/ruby', version: '1.0.0' },
    ],
  },
};
const goBuildpack: KubeObject = { kind: 'ClusterBuildpack', metadata: { name: 'go' }, status: { buildpacks: [{ id: 'test/go', version: '0.3.0' }] } };
const ruby2: KubeObject = {
  kind: 'Buildpack',
  metadata: { name: 'ruby-2', namespace: 'team' },
  status: { buildpacks: [{ id: 'test/ruby', version: '2.0.0' }] },
};

function treeBuilder(): KubeObject {
  return {
    kind: 'Builder',
    metadata: { name: 'app', namespace: 'team' },
    spec: {
      tag: 'r/app',
      stack: { name: 'default', kind: 'ClusterStack' },
      store: { name: 'default', kind: 'ClusterStore' },
      order: [{ group: [{ id: 'test/web' }, { id: 'test/ruby' }] }, { group: [{ kind: 'ClusterBuildpack', name: 'go' }] }],
    },
    status: {
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'UpToDate', status: 'True' },
      ],
      builderMetadata: [
        { id: 'test/node', version: '1.0.0' },
        { id: 'test/python', version: '1.0.0' },
        { id: 'test/web', version: '2.0.0' },
        { id: 'test/ruby', version: '1.0.0' },
        { id: 'test/go', version: '0.3.0' },
      ],
      order: [
        {
          group: [
            { id: 'test/web', version: '2.0.0' },
            { id: 'test/ruby', version: '1.0.0' },
          ],
        },
        { group: [{ id: 'test/go', version: '0.3.0' }] },
      ],
      stack: { id: 'io.packsmith.test.stack', runImage: 'r/app-run-image@sha256:1' },
      latestImage: 'r/app@sha256:2',
    },
  };
}

describe('builder status detection order tree', () => {
  it('expands meta-buildpacks and names the resource each buildpack came from', () => {
    const out = render(treeBuilder(), { buildpacks: [ruby2], clusterBuildpacks: [goBuildpack], store });
    expect(out.slice(out.indexOf('DETECTION ORDER'))).toBe(
      text([
        'DETECTION ORDER                        SOURCE',
        'Group #1                               ',
        '  test/web@2.0.0                       ClusterStore/default',
        '    test/node@1.0.0                    ClusterStore/default',
        '    test/python@1.0.0    (Optional)    ClusterStore/default',
        '  test/ruby@1.0.0                      ClusterStore/default',
        'Group #2                               ',
        '  test/go@0.3.0                        ClusterBuildpack/go',
        '',
        '',
      ]),
    );
  });

  it('prefers the Buildpack a group names, then namespaced Buildpacks over the store', () => {
    const builder = treeBuilder();
    (builder.status as { order: unknown }).order = [{ group: [{ id: 'test/ruby', version: '2.0.0' }] }];
    const shadow: KubeObject = { kind: 'ClusterBuildpack', metadata: { name: 'shadow' }, status: { buildpacks: [{ id: 'test/ruby', version: '2.0.0' }] } };
    const tree = buildOrderTree(builder, { buildpacks: [ruby2], clusterBuildpacks: [shadow], store });
    expect(tree[0]?.[0]?.source).toBe('Buildpack/ruby-2');
    (builder.spec as { order: unknown }).order = [{ group: [{ kind: 'ClusterBuildpack', name: 'shadow' }] }];
    expect(buildOrderTree(builder, { buildpacks: [ruby2], clusterBuildpacks: [shadow], store })[0]?.[0]?.source).toBe('ClusterBuildpack/shadow');
  });

  it("keeps kp's two columns when no source can be found, and marks unknown sources -- otherwise", () => {
    const builder = treeBuilder();
    const withoutSources = render(builder);
    expect(withoutSources).toContain(
      text([
        'DETECTION ORDER      ',
        'Group #1             ',
        '  test/web@2.0.0     ',
        '  test/ruby@1.0.0    ',
        'Group #2             ',
        '  test/go@0.3.0      ',
        '',
        '',
      ]),
    );
    const partly = render(builder, { buildpacks: [], clusterBuildpacks: [goBuildpack] });
    expect(partly).toContain('  test/web@2.0.0         --\n');
    expect(partly).toContain('  test/go@0.3.0          ClusterBuildpack/go\n');
  });

  it('heads each group of a meta-buildpack with several groups and stops at cycles', () => {
    const cyclic: KubeObject = {
      kind: 'ClusterStore',
      metadata: { name: 's' },
      status: {
        buildpacks: [
          { id: 'meta', version: '1', order: [{ group: [{ id: 'a', version: '1' }] }, { group: [{ id: 'meta', version: '1', optional: true }] }] },
          { id: 'a', version: '1' },
        ],
      },
    };
    const builder: KubeObject = { metadata: { name: 'b' }, spec: {}, status: { order: [{ group: [{ id: 'meta', version: '1' }] }] } };
    expect(renderDetectionOrder(buildOrderTree(builder, { buildpacks: [], clusterBuildpacks: [], store: cyclic }))).toBe(
      text([
        'DETECTION ORDER                  SOURCE',
        'Group #1                         ',
        '  meta@1                         ClusterStore/s',
        '    Group #1                     ',
        '      a@1                        ClusterStore/s',
        '    Group #2                     ',
        '      meta@1       (Optional)    ClusterStore/s',
        '',
        '',
      ]),
    );
  });
});
