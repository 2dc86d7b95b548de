import { describe, expect, it } from 'vitest';
import { ValidationError, type ValidationIssue } from '../shared/index.ts';
import { labelKeys } from './labels.ts';
import { envValue, readStackRecord, stackTarget } from './stack.ts';
import { fakeImage, type FakeImageSpec } from './testdata/fake-image.ts';

const stackId = 'org.some.stack';
const env = ['PATH=/usr/bin', 'CNB_USER_ID=1000', 'CNB_GROUP_ID=2000'];

function stackImage(labels: Record<string, string | undefined>, extra: FakeImageSpec = {}): ReturnType<typeof fakeImage> {
  const defined = Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => e[1] !== undefined));
  return fakeImage({ env, ...extra, labels: defined });
}

const mixins = (list: string[]): string => JSON.stringify(list);

function read(build: ReturnType<typeof fakeImage>, run: ReturnType<typeof fakeImage>): ReturnType<typeof readStackRecord> {
  return readStackRecord({
    id: stackId,
    buildImage: build,
    runImage: run,
    buildRef: 'gcr.io/image/build@sha256:b',
    runRef: 'gcr.io/image/run@sha256:r',
    buildSpec: 'gcr.io/image/build:latest',
    runSpec: 'gcr.io/image/run',
  });
}

async function issuesOf(promise: Promise<unknown>): Promise<readonly ValidationIssue[]> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error.issues;
}

describe('readStackRecord (kpack remote_stack_reader cases)', () => {
  it('reads ids, mixins, user and group', async () => {
    const build = stackImage({ [labelKeys.stackId]: stackId, [labelKeys.stackMixins]: mixins(['shared-mixin', 'build:build-mixin']) });
    const run = stackImage({ [labelKeys.stackId]: stackId, [labelKeys.stackMixins]: mixins(['shared-mixin', 'run:run-mixin']) });
    expect(await read(build, run)).toStrictEqual({
      id: stackId,
      buildImage: { latestImage: 'gcr.io/image/build@sha256:b', image: 'gcr.io/image/build:latest' },
      runImage: { latestImage: 'gcr.io/image/run@sha256:r', image: 'gcr.io/image/run' },
      mixins: ['shared-mixin', 'build:build-mixin', 'run:run-mixin'],
      userId: 1000,
      groupId: 2000,
      target: { os: 'linux', arch: 'amd64' },
    });
  });

  it.each([
    [
      'run image id mismatch',
      stackId,
      'other.stack',
      'invalid stack images. expected stack: org.some.stack, build image stack: org.some.stack, run image stack: other.stack',
    ],
    [
      'build image id mismatch',
      'other.stack',
      stackId,
      'invalid stack images. expected stack: org.some.stack, build image stack: other.stack, run image stack: org.some.stack',
    ],
  ])('%s', async (_name, buildId, runId, message) => {
    const issues = await issuesOf(read(stackImage({ [labelKeys.stackId]: buildId }), stackImage({ [labelKeys.stackId]: runId })));
    expect(issues).toStrictEqual([{ path: 'id', message }]);
  });

  it('requires the stack id label on both images', async () => {
    const issues = await issuesOf(read(stackImage({}), stackImage({})));
    expect(issues).toStrictEqual([
      { path: 'buildImage', message: 'could not find label io.buildpacks.stack.id' },
      { path: 'runImage', message: 'could not find label io.buildpacks.stack.id' },
    ]);
  });

  it.each([
    [
      'build common mixins missing on run',
      ['some-required-mixin', 'shared', 'some-required-mixin2'],
      ['shared'],
      { path: 'runImage', message: 'runImage missing required mixin(s): some-required-mixin, some-required-mixin2' },
    ],
    [
      'run image with build: mixins',
      [],
      ['build:invalid', 'build:invalid2'],
      { path: 'runImage', message: 'run image contains build-only mixin(s): build:invalid, build:invalid2' },
    ],
    [
      'build image with run: mixins',
      ['run:invalid', 'run:invalid2'],
      [],
      { path: 'buildImage', message: 'build image contains run-only mixin(s): run:invalid, run:invalid2' },
    ],
  ])('%s', async (_name, buildMixins, runMixins, issue) => {
    const build = stackImage({ [labelKeys.stackId]: stackId, [labelKeys.stackMixins]: mixins(buildMixins) });
    const run = stackImage({ [labelKeys.stackId]: stackId, [labelKeys.stackMixins]: mixins(runMixins) });
    expect(await issuesOf(read(build, run))).toStrictEqual([issue]);
  });

  it('requires CNB_USER_ID on the build image', async () => {
    const build = stackImage({ [labelKeys.stackId]: stackId }, { env: ['CNB_GROUP_ID=2000'] });
    const issues = await issuesOf(read(build, stackImage({ [labelKeys.stackId]: stackId })));
    expect(issues).toStrictEqual([{ path: 'buildImage', message: 'validating build image: ENV CNB_USER_ID not found' }]);
  });

  it('does not check the run image env', async () => {
    const run = stackImage({ [labelKeys.stackId]: stackId }, { env: [] });
    expect((await read(stackImage({ [labelKeys.stackId]: stackId }), run)).userId).toBe(1000);
  });

  it('reports every problem at once (D-f)', async () => {
    const build = stackImage(
      { [labelKeys.stackId]: 'wrong', [labelKeys.stackMixins]: mixins(['a', 'run:x']) },
      { env: ['CNB_USER_ID=abc', 'CNB_GROUP_ID=-1'] },
    );
    const run = stackImage({ [labelKeys.stackMixins]: '{"not":"a list"}' });
    expect(await issuesOf(read(build, run))).toStrictEqual([
      { path: 'runImage', message: 'could not find label io.buildpacks.stack.id' },
      { path: 'id', message: 'invalid stack images. expected stack: org.some.stack, build image stack: wrong, run image stack: (none)' },
      { path: 'buildImage', message: 'validating build image: env CNB_USER_ID: "abc" is not a user or group id (0 to 4294967295)' },
      { path: 'buildImage', message: 'validating build image: env CNB_GROUP_ID: "-1" is not a user or group id (0 to 4294967295)' },
      { path: 'buildImage', message: 'build image contains run-only mixin(s): run:x' },
      { path: 'runImage', message: 'label io.buildpacks.stack.mixins: expected array, received object' },
      { path: 'runImage', message: 'runImage missing required mixin(s): a' },
    ]);
  });

  it('omits mixins when there are none and defaults the spec names to the refs', async () => {
    const record = await readStackRecord({
      id: stackId,
      buildImage: stackImage({ [labelKeys.stackId]: stackId }),
      runImage: stackImage({ [labelKeys.stackId]: stackId }),
      buildRef: 'b@sha256:1',
      runRef: 'r@sha256:2',
    });
    expect(record.mixins).toBeUndefined();
    expect(record.buildImage).toEqual({ latestImage: 'b@sha256:1', image: 'b@sha256:1' });
    expect(record.runImage).toEqual({ latestImage: 'r@sha256:2', image: 'r@sha256:2' });
  });
});

describe('envValue', () => {
  it.each([
    [['CNB_USER_ID=5'], '5'],
    [['CNB_USER_ID=5', 'CNB_USER_ID=6'], '6'],
    [['CNB_USER_ID=a=b'], 'a=b'],
    [['CNB_USER_IDX=5'], undefined],
    [['CNB_USER_ID'], undefined],
    [['CNB_USER_ID='], ''],
  ])('%j → %j', async (entries, expected) => {
    const config = await fakeImage({ env: entries }).configFile();
    expect(envValue(config, 'CNB_USER_ID')).toBe(expected);
  });
});

describe('stackTarget', () => {
  it('takes os, arch and variant from the config and the distro from labels', async () => {
    const config = await fakeImage({
      architecture: 'arm64',
      variant: 'v8',
      labels: { [labelKeys.distroName]: 'ubuntu', [labelKeys.distroVersion]: '22.04' },
    }).configFile();
    expect(stackTarget(config)).toStrictEqual({ os: 'linux', arch: 'arm64', variant: 'v8', distro: { name: 'ubuntu', version: '22.04' } });
  });

  it('leaves the distro out without a distro name label', async () => {
    const config = await fakeImage({ labels: { [labelKeys.distroVersion]: '22.04' } }).configFile();
    expect(stackTarget(config)).toStrictEqual({ os: 'linux', arch: 'amd64' });
  });
});
