import { describe, expect, it } from 'vitest';
import { AppError, NotFoundError } from '../shared/index.ts';
import { SourceReadError } from './errors.ts';
import { readLifecycle } from './read-lifecycle.ts';
import { readStore } from './read-store.ts';
import { resolveStack } from './resolve-stack.ts';
import { FakeImageAccess, buildpackTree, buildpackage, lifecycleImage, namedKeychain, stackImage } from './testdata/fakes.ts';

const keychain = namedKeychain('store');

describe('readStore', () => {
  it('merges every source in store order, reading each with the resource keychain', async () => {
    const images = new FakeImageAccess()
      .add('r.test/b:1', await buildpackage([buildpackTree('io.test.b', '1.0.0')]))
      .add('r.test/a:1', await buildpackage([buildpackTree('io.test.a', '2.0.0')]))
      .add('r.test/dup:1', await buildpackage([buildpackTree('io.test.b', '1.0.0')]));
    const records = await readStore(
      { sources: [{ image: 'r.test/dup:1' }, { image: 'r.test/b:1' }, { image: 'r.test/a:1' }], keychain },
      { images, concurrency: 2 },
    );
    expect(records.map((r) => `${r.id}@${r.version} ${r.storeImage.image}`)).toEqual([
      'io.test.a@2.0.0 r.test/a:1',
      'io.test.b@1.0.0 r.test/b:1',
      'io.test.b@1.0.0 r.test/dup:1',
    ]);
    expect(images.summary('read').sort()).toEqual(['r.test/a:1 store', 'r.test/b:1 store', 'r.test/dup:1 store']);
    expect(records[0]).toMatchObject({ api: '0.10', homepage: 'https://io.test.a.example', stacks: [{ id: 'io.test.stack' }] });
  });

  it('reports every failing source with its path, permanent when any failure is', async () => {
    const images = new FakeImageAccess()
      .add('r.test/ok:1', await buildpackage([buildpackTree('io.test.b', '1.0.0')]))
      .add('r.test/plain:1', stackImage('x'))
      .fail('r.test/flaky:1', new AppError('REGISTRY', 'HTTP 503', { kind: 'transient' }));
    const error = await readStore(
      { sources: [{ image: 'r.test/ok:1' }, { image: 'r.test/plain:1' }, { image: 'r.test/flaky:1' }], keychain },
      { images },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceReadError);
    const failure = error as SourceReadError;
    expect(failure.message).toMatch(
      /^spec\.sources\[1\] \(r\.test\/plain:1\): could not find label io\.buildpacks\.buildpack\.layers\nspec\.sources\[2\] \(r\.test\/flaky:1\): HTTP 503$/,
    );
    expect(failure.retryable).toBe(false);
  });
});

describe('resolveStack and readLifecycle', () => {
  it('pins both stack images by repository@digest using the stack keychain', async () => {
    const build = stackImage('io.test.stack', { mixins: ['shared', 'build:b'] });
    const images = new FakeImageAccess().add('r.test/build:1', build).add('r.test/run:1', stackImage('io.test.stack', { mixins: ['shared'] }));
    const stack = await resolveStack(
      { id: 'io.test.stack', buildImage: 'r.test/build:1', runImage: 'r.test/run:1', keychain: namedKeychain('stack') },
      { images },
    );
    expect(stack.buildImage).toEqual({ image: 'r.test/build:1', latestImage: `r.test/build@${await build.digest()}` });
    expect(stack).toMatchObject({ id: 'io.test.stack', mixins: ['shared', 'build:b'], userId: 1000, groupId: 1001, target: { os: 'linux', arch: 'amd64' } });
    expect(images.summary('read').sort()).toEqual(['r.test/build:1 stack', 'r.test/run:1 stack']);
  });

  it('reports both unreadable stack images', async () => {
    const images = new FakeImageAccess();
    const error = await resolveStack({ id: 's', buildImage: 'r.test/b', runImage: 'r.test/r', keychain }, { images }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceReadError);
    expect((error as SourceReadError).failures.map((f) => f.path)).toEqual(['spec.buildImage.image', 'spec.runImage.image']);
    expect((error as SourceReadError).failures[0]?.error).toBeInstanceOf(NotFoundError);
  });

  it('reads the lifecycle with its keychain', async () => {
    const image = lifecycleImage(['0.7'], ['0.10']);
    const images = new FakeImageAccess().add('r.test/lifecycle:1', image);
    const record = await readLifecycle({ image: 'r.test/lifecycle:1', keychain: namedKeychain('lifecycle') }, { images });
    expect(record).toMatchObject({ image: { image: 'r.test/lifecycle:1', latestImage: `r.test/lifecycle@${await image.digest()}` }, version: '0.20.0' });
    expect(record.apis.platform.supported).toEqual(['0.7']);
    expect(images.summary('read')).toEqual(['r.test/lifecycle:1 lifecycle']);
  });
});
