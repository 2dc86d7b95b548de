import { describe, expect, it } from 'vitest';
import { localBuild, type LocalResource } from './local-build.ts';
import { FakeImageAccess, buildpackTree, buildpackage, fixedClock, lifecycleImage, namedKeychain, stackImage } from './testdata/fakes.ts';

const apiVersion = 'kpack.io/v1alpha2';
const clock = fixedClock(new Date('2024-05-06T07:08:09.123Z'));
const keychain = namedKeychain('docker-config');

async function images(): Promise<FakeImageAccess> {
  return new FakeImageAccess()
    .add('r.test/build:1', stackImage('io.test.stack'))
    .add('r.test/run:1', stackImage('io.test.stack'))
    .add('r.test/other-run:1', stackImage('another.stack'))
    .add('r.test/lifecycle:1', lifecycleImage())
    .add('r.test/bp/a:1', await buildpackage([buildpackTree('io.test.a', '1.0.0')]))
    .add('r.test/bp/b:1', await buildpackage([buildpackTree('io.test.b', '1.0.0')]));
}

const resources: LocalResource[] = [
  {
    apiVersion,
    kind: 'ClusterBuilder',
    metadata: { name: 'good' },
    spec: {
      tag: 'r.test/builders/good',
      stack: { kind: 'ClusterStack', name: 'base' },
      store: { kind: 'ClusterStore', name: 'default' },
      lifecycle: { name: 'default-lifecycle' },
      order: [{ group: [{ id: 'io.test.a' }] }],
    },
  },
  {
    apiVersion,
    kind: 'Builder',
    metadata: { name: 'broken', namespace: 'team' },
    spec: {
      tag: 'r.test/builders/broken',
      stack: { name: 'mismatch' },
      lifecycle: { name: 'default-lifecycle' },
      order: [{ group: [{ kind: 'Buildpack', name: 'b' }] }],
    },
  },
  {
    apiVersion,
    kind: 'Builder',
    metadata: { name: 'local-bp', namespace: 'team' },
    spec: {
      tag: 'r.test/builders/local',
      stack: { name: 'base' },
      lifecycle: { name: 'default-lifecycle' },
      order: [{ group: [{ kind: 'Buildpack', name: 'b' }] }],
    },
  },
  { apiVersion, kind: 'ClusterStore', metadata: { name: 'default' }, spec: { sources: [{ image: 'r.test/bp/a:1' }] } },
  { apiVersion, kind: 'Buildpack', metadata: { name: 'b', namespace: 'team' }, spec: { image: 'r.test/bp/b:1' } },
  {
    apiVersion,
    kind: 'ClusterStack',
    metadata: { name: 'base' },
    spec: { id: 'io.test.stack', buildImage: { image: 'r.test/build:1' }, runImage: { image: 'r.test/run:1' } },
  },
  {
    apiVersion,
    kind: 'ClusterStack',
    metadata: { name: 'mismatch' },
    spec: { id: 'io.test.stack', buildImage: { image: 'r.test/build:1' }, runImage: { image: 'r.test/other-run:1' } },
  },
  { apiVersion, kind: 'ClusterLifecycle', metadata: { name: 'default-lifecycle' }, spec: { image: 'r.test/lifecycle:1' } },
];

describe('localBuild', () => {
  it('resolves dependencies first, builds every builder it can and explains the others', async () => {
    const access = await images();
    const events: string[] = [];
    const outcomes = await localBuild(resources, {
      images: access,
      keychain,
      clock,
      onResource: (e) => events.push(`${e.phase} ${e.resource.kind}/${e.resource.metadata.name}`),
    });
    expect(outcomes.map((o) => `${o.resource.kind}/${o.resource.metadata.name} ${o.ok}`)).toEqual([
      'ClusterBuilder/good true',
      'Builder/broken false',
      'Builder/local-bp true',
      'ClusterStore/default true',
      'Buildpack/b true',
      'ClusterStack/base true',
      'ClusterStack/mismatch false',
      'ClusterLifecycle/default-lifecycle true',
    ]);
    const [good, broken, local] = outcomes;
    expect(good!.status).toMatchObject({
      observedGeneration: 1,
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: '2024-05-06T07:08:09Z' },
        { type: 'UpToDate', status: 'True' },
      ],
      order: [{ group: [{ id: 'io.test.a', version: '1.0.0' }] }],
      observedStackGeneration: 1,
      observedStoreGeneration: 1,
    });
    expect(good!.status.latestImage).toMatch(/^r\.test\/builders\/good:clusterbuilder-good@sha256:/);
    expect((good!.status.stack as { runImage: string }).runImage).toMatch(/^r\.test\/builders\/good:clusterbuilder-good-run-image@sha256:/);
    expect(broken!.summary).toMatch(/^Error: clusterstack 'mismatch' is not ready: id: invalid stack images\. expected stack: io\.test\.stack/);
    expect(broken!.status.conditions).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'NoLatestImage',
        message: `Builder has no latestImage: ${broken!.summary}`,
        lastTransitionTime: '2024-05-06T07:08:09Z',
      },
      { type: 'UpToDate', status: 'False', reason: 'ReconcileFailed', message: broken!.summary, lastTransitionTime: '2024-05-06T07:08:09Z' },
    ]);
    expect(local!.status).toMatchObject({ builderMetadata: [{ id: 'io.test.b', version: '1.0.0' }], observedStoreGeneration: 0 });
    expect(outcomes[6]!.status).toEqual({ observedGeneration: 1, conditions: [expect.objectContaining({ type: 'Ready', status: 'False' })] });
    // Builders start only after every dependency finished.
    const firstBuilder = events.findIndex((e) => e.includes('Builder/'));
    expect(events.slice(firstBuilder).every((e) => e.includes('Builder/'))).toBe(true);
    expect(access.calls.filter((c) => c.keychain !== 'docker-config')).toEqual([]);
  });

  it("names every missing dependency at once, in kpack's order and words", async () => {
    const access = await images();
    const [outcome] = await localBuild(
      [
        {
          apiVersion,
          kind: 'Builder',
          metadata: { name: 'x', namespace: 'default' },
          spec: { tag: 'r.test/x', stack: { name: 'nope' }, store: { name: 'gone' }, lifecycle: { name: 'default-lifecycle' }, order: [] },
        },
      ],
      { images: access, keychain, clock },
    );
    expect(outcome!.summary).toBe(
      [
        'clusterstore.kpack.io "gone" not found',
        'clusterstack.kpack.io "nope" not found',
        `clusterlifecycle.kpack.io "default-lifecycle" not found: a builder without spec.lifecycle uses the ClusterLifecycle "default-lifecycle"; add one (packsmith clusterlifecycle create default-lifecycle --image LIFECYCLE_IMAGE) or set spec.lifecycle`,
      ].join('\n'),
    );
  });

  it('names a rejected dependency and its reason instead of calling it missing', async () => {
    const access = await images();
    const [outcome] = await localBuild(
      [
        {
          apiVersion,
          kind: 'Builder',
          metadata: { name: 'x', namespace: 'default' },
          spec: { tag: 'r.test/x', stack: { name: 'bad' }, lifecycle: { name: 'l' }, order: [] },
        },
      ],
      {
        images: access,
        keychain,
        clock,
        rejected: [{ kind: 'ClusterStack', metadata: { name: 'bad' }, reason: 'its spec in s.yaml#1 is invalid: missing field(s): spec.runImage.image' }],
      },
    );
    expect(outcome!.summary).toBe(
      [
        "Error: clusterstack 'bad' is not ready: its spec in s.yaml#1 is invalid: missing field(s): spec.runImage.image",
        'clusterlifecycle.kpack.io "l" not found',
      ].join('\n'),
    );
  });
});
