import { describe, expect, it } from 'vitest';
import { buildpackStatus, clusterLifecycleStatus, clusterStackStatus, storeStatus } from '../api/index.ts';
import { readLifecycle } from './read-lifecycle.ts';
import { readStore } from './read-store.ts';
import { resolveStack } from './resolve-stack.ts';
import { buildpacksOfStatus, lifecycleOfStatus, stackOfStatus } from './status-records.ts';
import { FakeImageAccess, buildpackTree, buildpackage, lifecycleImage, namedKeychain, stackImage } from './testdata/fakes.ts';

const keychain = namedKeychain('k');
// What the API server gives back: the JSON the reconciler wrote, checked by the status schema.
const stored = <T>(schema: { parse(value: unknown): T }, fields: unknown): T => schema.parse(JSON.parse(JSON.stringify(fields)));

describe('records read back from status', () => {
  it('give the records the readers produced (store, stack, lifecycle)', async () => {
    const images = new FakeImageAccess()
      .add(
        'r.test/bp:1',
        await buildpackage([
          buildpackTree('io.test.meta', '1.0.0', { order: [{ group: [{ id: 'io.test.a', version: '2.0.0', optional: true }] }] }),
          buildpackTree('io.test.a', '2.0.0'),
        ]),
      )
      .add('r.test/build:1', stackImage('io.test.stack', { mixins: ['m1'] }))
      .add('r.test/run:1', stackImage('io.test.stack', { mixins: ['m1'] }))
      .add('r.test/lifecycle:1', lifecycleImage());
    const buildpacks = await readStore({ sources: [{ image: 'r.test/bp:1', path: 'spec.image' }], keychain }, { images });
    expect(buildpacksOfStatus(stored(storeStatus, { buildpacks }))).toEqual({ ok: true, value: buildpacks });
    const stack = await resolveStack({ id: 'io.test.stack', buildImage: 'r.test/build:1', runImage: 'r.test/run:1', keychain }, { images });
    expect(stackOfStatus(stored(clusterStackStatus, { ...stack }))).toEqual({ ok: true, value: stack });
    const lifecycle = await readLifecycle({ image: 'r.test/lifecycle:1', keychain }, { images });
    expect(lifecycleOfStatus(stored(clusterLifecycleStatus, { ...lifecycle }))).toEqual({ ok: true, value: lifecycle });
  });

  it('say what is missing instead of handing an incomplete record on', () => {
    expect(buildpacksOfStatus(undefined)).toEqual({ ok: false, reason: 'it has no resolved status yet' });
    const noLayer = buildpackStatus.parse({ id: 'a', version: '1' });
    expect(buildpacksOfStatus({ buildpacks: [noLayer] })).toEqual({
      ok: false,
      reason: 'its status lists buildpack a@1 without its layer (diffId, digest, size, storeImage)',
    });
    expect(stackOfStatus({ buildImage: { latestImage: 'b@sha256:1' }, runImage: { latestImage: 'r@sha256:1' }, id: 's' })).toEqual({
      ok: false,
      reason: 'its status has no userId and groupId',
    });
    expect(lifecycleOfStatus({ image: { image: 'l:1' } })).toEqual({ ok: false, reason: 'its status has no pinned image' });
  });
});
