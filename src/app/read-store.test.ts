import { describe, expect, it } from 'vitest';
import { parsePlatform } from '../oci/index.ts';
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

describe('readStore over an index', () => {
  it('lists for each buildpack the platforms it is available for, with the layer where it differs', async () => {
    const amd64 = await buildpackage([buildpackTree('io.test.b', '1.0.0')]);
    const tree = buildpackTree('io.test.b', '1.0.0');
    const arm64Tree = { ...tree, files: { ...tree.files, 'bin/build': { content: '#!/bin/sh\necho arm64\n' } } };
    const arm64 = await buildpackage([arm64Tree]);
    const s390x = await buildpackage([buildpackTree('io.test.c', '1.0.0')]);
    const images = new FakeImageAccess().addIndex('r.test/multi:1', [
      { platform: parsePlatform('linux/arm64'), image: arm64 },
      { platform: parsePlatform('linux/amd64'), image: amd64 },
      { platform: parsePlatform('linux/s390x'), image: s390x },
    ]);
    const records = await readStore({ sources: [{ image: 'r.test/multi:1' }], keychain }, { images });
    const [b, c] = records;
    const [armLayer] = await arm64.layers();
    expect(records.map((r) => r.id)).toEqual(['io.test.b', 'io.test.c']);
    // The top-level layer is linux/amd64's (what kpack would read), whatever the index order.
    expect(b?.digest).toBe(await (await amd64.layers())[0]?.digest());
    expect(b?.platforms).toEqual([
      { os: 'linux', arch: 'arm64', diffId: await armLayer?.diffId(), digest: await armLayer?.digest(), size: await armLayer?.size() },
      { os: 'linux', arch: 'amd64' },
    ]);
    expect(c?.platforms).toEqual([{ os: 'linux', arch: 's390x' }]);
    expect(images.summary('read')).toEqual(['r.test/multi:1 store']);
  });
});

describe('resolveStack and readLifecycle', () => {
  it('lists every platform both stack images provide, the top level staying linux/amd64', async () => {
    const stack = (arch: string) => stackImage('io.test.stack', { arch });
    const [buildAmd, buildArm, runAmd, runArm, runS390x] = [stack('amd64'), stack('arm64'), stack('amd64'), stack('arm64'), stack('s390x')];
    const images = new FakeImageAccess()
      .addIndex('r.test/build:1', [
        { platform: parsePlatform('linux/arm64'), image: buildArm },
        { platform: parsePlatform('linux/amd64'), image: buildAmd },
      ])
      .addIndex('r.test/run:1', [
        { platform: parsePlatform('linux/amd64'), image: runAmd },
        { platform: parsePlatform('linux/s390x'), image: runS390x },
        { platform: parsePlatform('linux/arm64/v8'), image: runArm },
      ]);
    const record = await resolveStack({ id: 'io.test.stack', buildImage: 'r.test/build:1', runImage: 'r.test/run:1', keychain }, { images });
    expect(record.buildImage.latestImage).toBe(`r.test/build@${await buildAmd.digest()}`);
    expect(record.target).toEqual({ os: 'linux', arch: 'amd64' });
    expect(record.platforms).toEqual([
      { target: { os: 'linux', arch: 'arm64' }, buildImage: `r.test/build@${await buildArm.digest()}`, runImage: `r.test/run@${await runArm.digest()}` },
      { target: { os: 'linux', arch: 'amd64' }, buildImage: `r.test/build@${await buildAmd.digest()}`, runImage: `r.test/run@${await runAmd.digest()}` },
    ]);
  });

  it('says which platform breaks a stack rule, and when the images share no platform', async () => {
    const images = new FakeImageAccess()
      .addIndex('r.test/build:1', [
        { platform: parsePlatform('linux/amd64'), image: stackImage('io.test.stack') },
        { platform: parsePlatform('linux/arm64'), image: stackImage('io.test.stack', { arch: 'arm64', env: false }) },
      ])
      .addIndex('r.test/run:1', [
        { platform: parsePlatform('linux/amd64'), image: stackImage('io.test.stack') },
        { platform: parsePlatform('linux/arm64'), image: stackImage('io.test.stack', { arch: 'arm64' }) },
      ])
      .addIndex('r.test/run-s390x:1', [{ platform: parsePlatform('linux/s390x'), image: stackImage('io.test.stack', { arch: 's390x' }) }]);
    const input = { id: 'io.test.stack', buildImage: 'r.test/build:1', runImage: 'r.test/run:1', keychain };
    await expect(resolveStack(input, { images })).rejects.toThrow('linux/arm64: validating build image: ENV CNB_USER_ID not found');
    await expect(resolveStack({ ...input, runImage: 'r.test/run-s390x:1' }, { images })).rejects.toThrow(
      'the build image offers linux/amd64, linux/arm64 and the run image linux/s390x: no platform in common',
    );
  });

  it('lists each platform of a lifecycle index', async () => {
    const [amd, arm] = [lifecycleImage(['0.7'], ['0.10']), lifecycleImage(['0.7'], ['0.10'], 'arm64')];
    const images = new FakeImageAccess().addIndex('r.test/lifecycle:1', [
      { platform: parsePlatform('linux/arm64'), image: arm },
      { platform: parsePlatform('linux/amd64'), image: amd },
    ]);
    const record = await readLifecycle({ image: 'r.test/lifecycle:1', keychain }, { images });
    expect(record.image.latestImage).toBe(`r.test/lifecycle@${await amd.digest()}`);
    expect(record.platforms).toEqual([
      { os: 'linux', arch: 'arm64', latestImage: `r.test/lifecycle@${await arm.digest()}` },
      { os: 'linux', arch: 'amd64', latestImage: `r.test/lifecycle@${await amd.digest()}` },
    ]);
  });

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
