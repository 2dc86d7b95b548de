// kpack's create_builder cases (reference §7.1) that concern layout and labels, on the pure plan,
// plus packsmith's differences: run.toml (D-h), pack-compatible metadata, empty API arrays.
import { describe, expect, it } from 'vitest';
import type { BuildpackCatalog } from './buildpack-lookup.ts';
import { builderWorkingDir, goJson, planBuilder, renderBuildpackLayersLabel, type BuilderPlan, type BuilderPlanInput } from './builder-plan.ts';
import { labelKeys } from './labels.ts';
import type { BuildpackRecord, LifecycleRecord, StackRecord } from './records.ts';
import { resolveOrder, type ResolvedOrder } from './resolve.ts';
import { fakeLayer } from './testdata/fake-image.ts';

const stack: StackRecord = {
  id: 'io.buildpacks.stacks.some-stack',
  buildImage: { latestImage: 'example.com/build@sha256:b', image: 'example.com/build' },
  runImage: { latestImage: 'example.com/run@sha256:r', image: 'example.com/run' },
  mixins: ['some-unused-mixin', 'some-mixin', 'common-mixin', 'build:another-common-mixin', 'run:another-common-mixin'],
  userId: 4000,
  groupId: 3000,
};

const lifecycle: LifecycleRecord = {
  image: { latestImage: 'example.com/lifecycle@sha256:l', image: 'example.com/lifecycle' },
  version: '0.5.0',
  api: { buildpack: '0.2', platform: '0.1' },
  apis: { buildpack: { deprecated: ['0.2'], supported: ['0.3'] }, platform: { deprecated: ['0.3'], supported: ['0.4'] } },
};

const runImage = 'custom/example:test-builder-run-image@sha256:0000000000000000000000000000000000000000000000000000000000000001';
const layer1 = fakeLayer('bp1', 1);
const layer2 = fakeLayer('bp2', 100);
const layer3 = fakeLayer('bp3', 100);

function record(n: number, layer: ReturnType<typeof fakeLayer>, extra: Partial<BuildpackRecord>): BuildpackRecord {
  return {
    id: `io.buildpack.${n}`,
    version: `v${n}`,
    homepage: `buildpack.${n}.com`,
    storeImage: { image: 'example.com/store:1' },
    diffId: layer.diffId,
    digest: layer.digest,
    size: layer.size,
    ...extra,
  };
}

const bp1 = record(1, layer1, { api: '0.2', stacks: [{ id: 'io.buildpacks.stacks.some-stack', mixins: ['some-mixin'] }] });
const bp2 = record(2, layer2, { api: '0.3', order: [{ group: [{ id: 'io.buildpack.3', version: 'v3' }] }] });
const bp3 = record(3, layer3, { api: '0.3', stacks: [{ id: 'io.buildpacks.stacks.some-stack' }, { id: 'io.some.other.stack' }] });
// bp4 ships the very same layer as bp3 (same diffID): the builder must carry it once.
const bp4 = record(4, layer3, { api: '0.3', stacks: [{ id: 'io.buildpacks.stacks.some-stack' }] });

function resolved(): ResolvedOrder {
  const catalog: BuildpackCatalog = {
    buildpacks: [],
    clusterBuildpacks: [],
    store: { kind: 'ClusterStore', name: 'default', buildpacks: [bp1, bp2, bp3, bp4] },
  };
  const result = resolveOrder(
    [
      {
        group: [
          { id: 'io.buildpack.1', version: 'v1' },
          { id: 'io.buildpack.2', version: 'v2', optional: true },
          { id: 'io.buildpack.4', version: 'v4' },
        ],
      },
    ],
    catalog,
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

function input(overrides: Partial<BuilderPlanInput> = {}): BuilderPlanInput {
  return {
    stack,
    lifecycle,
    resolved: resolved(),
    runImage,
    additionalLabels: { os: 'special', importance: 'high' },
    createdBy: { version: '1.2.3' },
    ...overrides,
  };
}

const layerNames = (plan: BuilderPlan): string[] =>
  plan.layers.map((l) =>
    l.kind === 'generated' ? l.name : l.kind === 'buildpack' ? `bp:${l.record.id}@${l.record.version}[${l.buildpacks.join(',')}]` : l.kind,
  );

describe('planBuilder: layers (kpack create_builder)', () => {
  it('lays out default dirs, lifecycle, buildpack layers largest first with bp3/bp4 deduplicated, then stack, run and order toml', () => {
    const plan = planBuilder(input());
    expect(layerNames(plan)).toEqual([
      'directories',
      'lifecycle',
      'bp:io.buildpack.4@v4[io.buildpack.4@v4,io.buildpack.3@v3]',
      'bp:io.buildpack.2@v2[io.buildpack.2@v2]',
      'bp:io.buildpack.1@v1[io.buildpack.1@v1]',
      'stack.toml',
      'run.toml',
      'order.toml',
    ]);
    const buildpackLayers = plan.layers.flatMap((l) => (l.kind === 'buildpack' ? [l.record.diffId] : []));
    expect(buildpackLayers).toEqual([layer3.diffId, layer2.diffId, layer1.diffId]);
    expect(plan.workingDir).toBe('/layers');
    expect(builderWorkingDir).toBe('/layers');
  });

  it('writes the default directories with kpack owners and modes', () => {
    const [dirs] = planBuilder(input()).layers;
    expect(dirs).toEqual({
      kind: 'generated',
      name: 'directories',
      entries: [
        { path: '/workspace', type: 'dir', mode: 0o755, uid: 4000, gid: 3000 },
        { path: '/layers', type: 'dir', mode: 0o755, uid: 4000, gid: 3000 },
        { path: '/cnb', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
        { path: '/cnb/buildpacks', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
        { path: '/platform', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
        { path: '/platform/env', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
      ],
    });
  });

  it("writes kpack's exact stack.toml and order.toml, plus run.toml (D-h), as single 0644 root files", () => {
    const files = Object.fromEntries(
      planBuilder(input())
        .layers.flatMap((l) => (l.kind === 'generated' && l.name !== 'directories' ? l.entries : []))
        .map((e) => [e.path, e]),
    );
    expect(Object.keys(files)).toEqual(['/cnb/stack.toml', '/cnb/run.toml', '/cnb/order.toml']);
    expect(Object.values(files).every((e) => e.type === 'file' && e.mode === 0o644 && e.uid === 0 && e.gid === 0)).toBe(true);
    expect(files['/cnb/stack.toml']?.content).toBe(`[run-image]\n  image = "${runImage}"\n`);
    expect(files['/cnb/run.toml']?.content).toBe(`[[images]]\n  image = "${runImage}"\n  mirrors = []\n`);
    expect(files['/cnb/order.toml']?.content).toBe(`[[order]]

  [[order.group]]
    id = "io.buildpack.1"
    version = "v1"

  [[order.group]]
    id = "io.buildpack.2"
    version = "v2"
    optional = true

  [[order.group]]
    id = "io.buildpack.4"
    version = "v4"
`);
  });

  it('orders equal sizes by id@version descending as strings (not semver), not by input order', () => {
    const a = record(7, fakeLayer('a', 50), { id: 'b.bp', version: '1.0.0' });
    const b = record(8, fakeLayer('b', 50), { id: 'a.bp', version: '2.0.0' });
    const c = record(9, fakeLayer('c', 50), { id: 'b.bp', version: '10.0.0' });
    const plan = planBuilder(
      input({ resolved: { order: [], sources: [], buildpacks: [a, b, c].map((r) => ({ record: r, source: { kind: 'ClusterStore', name: 's' } })) } }),
    );
    expect(plan.builderMetadata.map((m) => `${m.id}@${m.version}`)).toEqual(['b.bp@10.0.0', 'b.bp@1.0.0', 'a.bp@2.0.0']);
  });
});

describe('planBuilder: labels (kpack create_builder, D-h)', () => {
  const labels = (): Readonly<Record<string, string>> => planBuilder(input()).labels;

  it('records the resolved order', () => {
    expect(labels()[labelKeys.buildpackOrder]).toBe(
      '[{"group":[{"id":"io.buildpack.1","version":"v1"},{"id":"io.buildpack.2","version":"v2","optional":true},{"id":"io.buildpack.4","version":"v4"}]}]',
    );
  });

  it('lists every buildpack in the layers label, bp4 with the diffID it shares with bp3, keys sorted', () => {
    expect(labels()[labelKeys.buildpackLayers]).toBe(
      '{' +
        `"io.buildpack.1":{"v1":{"api":"0.2","layerDiffID":"${layer1.diffId}","stacks":[{"id":"io.buildpacks.stacks.some-stack","mixins":["some-mixin"]}],"homepage":"buildpack.1.com"}},` +
        `"io.buildpack.2":{"v2":{"api":"0.3","layerDiffID":"${layer2.diffId}","order":[{"group":[{"id":"io.buildpack.3","version":"v3"}]}],"homepage":"buildpack.2.com"}},` +
        `"io.buildpack.3":{"v3":{"api":"0.3","layerDiffID":"${layer3.diffId}","stacks":[{"id":"io.buildpacks.stacks.some-stack"},{"id":"io.some.other.stack"}],"homepage":"buildpack.3.com"}},` +
        `"io.buildpack.4":{"v4":{"api":"0.3","layerDiffID":"${layer3.diffId}","stacks":[{"id":"io.buildpacks.stacks.some-stack"}],"homepage":"buildpack.4.com"}}` +
        '}',
    );
  });

  it('writes pack-compatible builder metadata with buildpacks in layer order (4, 3, 2, 1)', () => {
    const text = labels()[labelKeys.builderMetadata] ?? '';
    const home = (n: number): string => `{"id":"io.buildpack.${n}","version":"v${n}","homepage":"buildpack.${n}.com"}`;
    expect(text).toBe(
      '{"description":"Custom Builder built with packsmith",' +
        `"buildpacks":[${[4, 3, 2, 1].map(home).join(',')}],` +
        `"stack":{"runImage":{"image":"${runImage}","mirrors":[]}},` +
        '"lifecycle":{"version":"0.5.0","api":{"buildpack":"0.2","platform":"0.1"},' +
        '"apis":{"buildpack":{"deprecated":["0.2"],"supported":["0.3"]},"platform":{"deprecated":["0.3"],"supported":["0.4"]}}},' +
        '"createdBy":{"name":"packsmith","version":"1.2.3"},' +
        `"images":[{"image":"${runImage}","mirrors":[]}]}`,
    );
    expect(planBuilder(input()).builderMetadata.map((b) => b.id)).toEqual(['io.buildpack.4', 'io.buildpack.3', 'io.buildpack.2', 'io.buildpack.1']);
  });

  it('sets the lifecycle version and APIs labels, with empty arrays rather than null', () => {
    const bare: LifecycleRecord = { ...lifecycle, api: {}, apis: { buildpack: { supported: ['0.10', '0.9'] }, platform: {} } };
    const result = planBuilder(input({ lifecycle: bare })).labels;
    expect(labels()[labelKeys.lifecycleVersion]).toBe('0.5.0');
    expect(result[labelKeys.lifecycleApis]).toBe('{"buildpack":{"deprecated":[],"supported":["0.10","0.9"]},"platform":{"deprecated":[],"supported":[]}}');
    // The legacy single api falls back to the oldest declared version (pack's choice), and is left out when there is none.
    const metadata = JSON.parse(result[labelKeys.builderMetadata] ?? '{}') as { lifecycle: { api: unknown } };
    expect(metadata.lifecycle.api).toEqual({ buildpack: '0.9' });
  });

  it('keeps additional labels, which override the lifecycle version but not the CNB JSON labels', () => {
    const plan = planBuilder(
      input({ additionalLabels: { os: 'special', importance: 'high', [labelKeys.lifecycleVersion]: 'mine', [labelKeys.buildpackOrder]: 'mine' } }),
    );
    expect(plan.labels.os).toBe('special');
    expect(plan.labels.importance).toBe('high');
    expect(plan.labels[labelKeys.lifecycleVersion]).toBe('mine');
    expect(plan.labels[labelKeys.buildpackOrder]).not.toBe('mine');
  });

  it('is byte-identical over 50 plans from the same inputs', () => {
    const first = JSON.stringify(planBuilder(input()));
    for (let i = 0; i < 50; i++) expect(JSON.stringify(planBuilder(input()))).toBe(first);
  });

  it('does not depend on the order resolved buildpacks arrive in', () => {
    const base = resolved();
    const reversed = { ...base, buildpacks: [...base.buildpacks].reverse() };
    const a = planBuilder(input({ resolved: base }));
    const b = planBuilder(input({ resolved: reversed }));
    expect(b.labels).toEqual(a.labels);
    expect(layerNames(b)).toEqual(layerNames(a));
  });
});

describe('label JSON', () => {
  it("escapes <, > and & as Go's encoder does", () => {
    expect(goJson({ a: '<b> & c\u2028' })).toBe('{"a":"\\u003cb\\u003e \\u0026 c\\u2028"}');
    expect(JSON.parse(goJson({ a: '<b> & c' }))).toEqual({ a: '<b> & c' });
  });

  it('sorts ids and versions bytewise even when they look like integers', () => {
    const r = (id: string, version: string): BuildpackRecord => ({ ...bp1, id, version, stacks: undefined, homepage: undefined });
    const text = renderBuildpackLayersLabel([r('9', '2'), r('10', '1'), r('b', '9'), r('b', '10'), r('b', '1.0')]);
    expect(text.replace(/\{"api"[^}]*\}/g, 'X')).toBe('{"10":{"1":X},"9":{"2":X},"b":{"1.0":X,"10":X,"9":X}}');
  });

  it('writes targets as given and parses back', () => {
    const targeted = { ...bp1, stacks: undefined, targets: [{ os: 'linux', arch: 'amd64', distros: [{ name: 'ubuntu', version: '22.04' }] }] };
    const text = renderBuildpackLayersLabel([targeted]);
    expect(text).toContain('"targets":[{"os":"linux","arch":"amd64","distros":[{"name":"ubuntu","version":"22.04"}]}]');
    expect(JSON.parse(text)).toEqual({
      'io.buildpack.1': { v1: { api: '0.2', layerDiffID: layer1.diffId, targets: targeted.targets, homepage: 'buildpack.1.com' } },
    });
  });
});
