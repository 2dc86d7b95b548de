import { describe, expect, it } from 'vitest';
import { checkCompatibility, supportedPlatformApis, type CompatibilityInput, type SuppliedBuildpack } from './compat.ts';
import type { LifecycleRecord, StackRecord } from './records.ts';

// The fixture of kpack's create_builder_test.
const stackId = 'io.buildpacks.stacks.some-stack';
const stack: StackRecord = {
  id: stackId,
  buildImage: { latestImage: 'reg/build@sha256:b', image: 'reg/build' },
  runImage: { latestImage: 'reg/run@sha256:r', image: 'reg/run' },
  mixins: ['some-unused-mixin', 'some-mixin', 'common-mixin', 'build:another-common-mixin', 'run:another-common-mixin'],
  userId: 4000,
  groupId: 3000,
  target: { os: 'linux', arch: 'amd64' },
};
const lifecycle: LifecycleRecord = {
  image: { latestImage: 'reg/lifecycle@sha256:l', image: 'reg/lifecycle:0.5.0' },
  version: '0.5.0',
  api: { buildpack: '0.2', platform: '0.1' },
  apis: { buildpack: { deprecated: ['0.2'], supported: ['0.3'] }, platform: { deprecated: ['0.3'], supported: ['0.4'] } },
};

function buildpack(id: string, fields: Partial<SuppliedBuildpack> = {}): SuppliedBuildpack {
  return {
    id,
    version: 'v4',
    api: '0.2',
    storeImage: { image: 'reg/store/bp:1' },
    diffId: 'sha256:d',
    digest: 'sha256:g',
    size: 1,
    suppliedBy: 'ClusterStore default',
    ...fields,
  };
}

function check(buildpacks: SuppliedBuildpack[], overrides: Partial<CompatibilityInput> = {}): ReturnType<typeof checkCompatibility> {
  return checkCompatibility({ stack, lifecycle, buildpacks, ...overrides });
}

const reasons = (input: ReturnType<typeof checkCompatibility>): string[] => input.map((i) => i.reason);

describe('checkCompatibility: kpack create_builder_test cases', () => {
  it('passes the fixture buildpacks', () => {
    const bp1 = buildpack('io.buildpack.1', { version: 'v1', stacks: [{ id: stackId, mixins: ['some-mixin'] }] });
    const bp3 = buildpack('io.buildpack.3', { version: 'v3', api: '0.3', stacks: [{ id: stackId }, { id: 'io.some.other.stack' }] });
    const meta = buildpack('io.buildpack.2', { version: 'v2', api: '0.3', order: [{ group: [{ id: 'io.buildpack.3', version: 'v3' }] }] });
    expect(check([bp1, meta, bp3])).toEqual([]);
  });

  it.each([
    [
      'unsupported stack',
      buildpack('io.buildpack.unsupported.stack', { stacks: [{ id: 'io.buildpacks.stacks.unsupported' }] }),
      'validating buildpack io.buildpack.unsupported.stack@v4: stack io.buildpacks.stacks.some-stack is not supported',
    ],
    [
      'unsupported mixin',
      buildpack('io.buildpack.unsupported.mixin', { stacks: [{ id: stackId, mixins: ['some-mixin', 'something-missing-mixin', 'something-missing-mixin2'] }] }),
      'validating buildpack io.buildpack.unsupported.mixin@v4: stack missing mixin(s): something-missing-mixin, something-missing-mixin2',
    ],
    [
      'unsupported buildpack api',
      buildpack('io.buildpack.unsupported.buildpack.api', { api: '0.1', stacks: [{ id: stackId }] }),
      'validating buildpack io.buildpack.unsupported.buildpack.api@v4: unsupported buildpack api: 0.1, expecting: 0.2, 0.3',
    ],
  ])('%s', (_name, bp, reason) => {
    expect(reasons(check([bp]))).toEqual([reason]);
  });

  it('accepts a buildpack with an empty stacks list', () => {
    expect(check([buildpack('io.buildpack.nostacks', { stacks: [] })])).toEqual([]);
  });

  const relaxedNeeds = ['some-mixin', 'build:common-mixin', 'run:common-mixin', 'another-common-mixin'];

  it('uses the relaxed mixin contract when a lifecycle platform api is at least 0.7', () => {
    const relaxedLifecycle = { ...lifecycle, apis: { ...lifecycle.apis, platform: { supported: ['0.7'] } } };
    expect(check([buildpack('io.buildpack.relaxed', { stacks: [{ id: stackId, mixins: relaxedNeeds }] })], { lifecycle: relaxedLifecycle })).toEqual([]);
  });

  it('uses the strict mixin contract below platform api 0.7', () => {
    expect(reasons(check([buildpack('io.buildpack.relaxed', { stacks: [{ id: stackId, mixins: relaxedNeeds }] })]))).toEqual([
      'validating buildpack io.buildpack.relaxed@v4: stack missing mixin(s): build:common-mixin, run:common-mixin, another-common-mixin',
    ]);
  });

  it('accepts the any-stack `*` from buildpack api 0.5, not before', () => {
    const anyLifecycle = { ...lifecycle, apis: { ...lifecycle.apis, buildpack: { deprecated: ['0.2'], supported: ['0.3', '0.4', '0.5'] } } };
    const at = (api: string) => buildpack('anystack.buildpack', { version: 'v1', api, stacks: [{ id: '*' }] });
    expect(check([at('0.5')], { lifecycle: anyLifecycle })).toEqual([]);
    expect(reasons(check([at('0.4')], { lifecycle: anyLifecycle }))).toEqual([
      'validating buildpack anystack.buildpack@v1: stack io.buildpacks.stacks.some-stack is not supported',
    ]);
  });

  it('requires a lifecycle platform api packsmith supports', () => {
    const old = { ...lifecycle, apis: { ...lifecycle.apis, platform: { deprecated: ['0.1'], supported: ['0.2', '0.999'] } } };
    expect(reasons(check([], { lifecycle: old }))).toEqual([
      'unsupported platform apis in kpack lifecycle: 0.1, 0.2, 0.999, expecting one of: 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.10, 0.11, 0.12, 0.13, 0.14, 0.15',
    ]);
  });

  it('supports the Platform APIs of current lifecycles (0.7 … 0.15)', () => {
    expect(supportedPlatformApis).toContain('0.15');
    const current = { ...lifecycle, apis: { buildpack: { supported: ['0.10'] }, platform: { supported: ['0.13', '0.14', '0.15'] } } };
    expect(check([buildpack('modern', { api: '0.10' })], { lifecycle: current })).toEqual([]);
  });

  it('rejects windows build images', () => {
    expect(reasons(check([], { stack: { ...stack, target: { os: 'windows', arch: 'amd64' } } }))).toEqual(['windows base images are not supported']);
  });

  it.each([
    [{ os: 'linux', architecture: 'amd64' }, undefined],
    [{ os: 'linux', architecture: '' }, undefined],
    [{ os: 'linux', architecture: 'amd64', variant: 'v8' }, undefined],
    [{ os: 'linux', architecture: 'arm64' }, 'validating lifecycle image reg/lifecycle:0.5.0: expected platform to be linux/amd64/ but got linux/arm64/'],
    [{ os: 'windows', architecture: 'amd64' }, 'validating lifecycle image reg/lifecycle:0.5.0: expected platform to be linux/amd64/ but got windows/amd64/'],
  ])('checks the lifecycle image platform %j', (platform, reason) => {
    expect(reasons(check([], { lifecyclePlatform: platform }))).toEqual(reason ? [reason] : []);
  });

  it('checks variants only when both images set one', () => {
    const armStack = { ...stack, target: { os: 'linux', arch: 'arm', variant: 'v7' } };
    expect(reasons(check([], { stack: armStack, lifecyclePlatform: { os: 'linux', architecture: 'arm', variant: 'v6' } }))).toEqual([
      'validating lifecycle image reg/lifecycle:0.5.0: expected platform to be linux/arm/v7 but got linux/arm/v6',
    ]);
  });

  it('skips meta-buildpacks entirely', () => {
    const meta = buildpack('meta', { api: '0.1', stacks: [{ id: 'elsewhere' }], order: [{ group: [{ id: 'x', version: '1' }] }] });
    expect(check([meta])).toEqual([]);
  });
});

describe('checkCompatibility: every problem at once, with context (D-f)', () => {
  it('reports each failing buildpack, naming the supplier, what it supports and what the stack offers', () => {
    const issues = check([
      buildpack('bad.stack', { stacks: [{ id: 'io.other', mixins: ['m'] }, { id: 'io.third' }], suppliedBy: 'ClusterBuildpack other' }),
      buildpack('good', { stacks: [{ id: stackId }] }),
      buildpack('bad.both', { api: '0.9', stacks: [{ id: stackId, mixins: ['absent'] }], storeImage: { image: 'reg/both@sha256:1' } }),
    ]);
    expect(issues).toStrictEqual([
      {
        path: 'buildpacks[bad.stack@v4]',
        problem: 'stack',
        buildpack: 'bad.stack@v4',
        suppliedBy: 'ClusterBuildpack other',
        reason: 'validating buildpack bad.stack@v4: stack io.buildpacks.stacks.some-stack is not supported',
        message:
          'validating buildpack bad.stack@v4: stack io.buildpacks.stacks.some-stack is not supported (supplied by ClusterBuildpack other, image reg/store/bp:1; the buildpack supports stacks: io.other [m], io.third)',
      },
      {
        path: 'buildpacks[bad.both@v4]',
        problem: 'buildpack-api',
        buildpack: 'bad.both@v4',
        suppliedBy: 'ClusterStore default',
        reason: 'validating buildpack bad.both@v4: unsupported buildpack api: 0.9, expecting: 0.2, 0.3',
        message:
          'validating buildpack bad.both@v4: unsupported buildpack api: 0.9, expecting: 0.2, 0.3 (supplied by ClusterStore default, image reg/both@sha256:1; lifecycle 0.5.0)',
      },
      {
        path: 'buildpacks[bad.both@v4]',
        problem: 'mixins',
        buildpack: 'bad.both@v4',
        suppliedBy: 'ClusterStore default',
        reason: 'validating buildpack bad.both@v4: stack missing mixin(s): absent',
        message:
          'validating buildpack bad.both@v4: stack missing mixin(s): absent (supplied by ClusterStore default, image reg/both@sha256:1; stack io.buildpacks.stacks.some-stack provides mixins: some-unused-mixin, some-mixin, common-mixin, build:another-common-mixin, run:another-common-mixin; strict mixin contract)',
      },
    ]);
  });

  it('lists base problems before buildpack problems', () => {
    const old = { ...lifecycle, apis: { ...lifecycle.apis, platform: { supported: ['0.2'] } } };
    const issues = check([buildpack('x', { api: '0.1' })], { lifecycle: old, stack: { ...stack, target: { os: 'windows', arch: 'amd64' } } });
    expect(issues.map((i) => i.problem)).toEqual(['windows', 'platform-api', 'buildpack-api']);
  });
});

describe('checkCompatibility: buildpack targets (D-g)', () => {
  const ubuntuStack: StackRecord = { ...stack, target: { os: 'linux', arch: 'amd64', distro: { name: 'ubuntu', version: '22.04' } } };
  const modern = { ...lifecycle, apis: { buildpack: { supported: ['0.10'] }, platform: { supported: ['0.12'] } } };
  const withTargets = (targets: SuppliedBuildpack['targets']) => buildpack('t', { api: '0.10', targets });

  it.each([
    ['no targets', undefined, true],
    ['os only', [{ os: 'linux' }], true],
    ['os and arch', [{ os: 'linux', arch: 'amd64' }], true],
    ['another arch', [{ os: 'linux', arch: 'arm64' }], false],
    ['another os', [{ os: 'windows' }], false],
    [
      'any of several',
      [
        { os: 'linux', arch: 'arm64' },
        { os: 'linux', arch: 'amd64' },
      ],
      true,
    ],
    ['matching distro', [{ os: 'linux', distros: [{ name: 'ubuntu', version: '22.04' }] }], true],
    ['distro name only', [{ os: 'linux', distros: [{ name: 'ubuntu' }] }], true],
    ['other distro version', [{ os: 'linux', distros: [{ name: 'ubuntu', version: '24.04' }] }], false],
    [
      'one of the distros',
      [
        {
          os: 'linux',
          distros: [
            { name: 'debian', version: '12' },
            { name: 'ubuntu', version: '22.04' },
          ],
        },
      ],
      true,
    ],
    ['empty distros', [{ os: 'linux', distros: [] }], true],
    ['variant the image lacks', [{ os: 'linux', arch: 'amd64', variant: 'v3' }], true],
  ])('%s → compatible: %s', (_name, targets, ok) => {
    const issues = check([withTargets(targets)], { stack: ubuntuStack, lifecycle: modern });
    expect(issues.map((i) => i.problem)).toEqual(ok ? [] : ['target']);
  });

  it('skips the distro check when the build image declares no distro', () => {
    const issues = check([withTargets([{ os: 'linux', distros: [{ name: 'alpine', version: '3' }] }])], { lifecycle: modern });
    expect(issues).toEqual([]);
  });

  it('compares variants when both sides have one', () => {
    const armStack = { ...stack, target: { os: 'linux', arch: 'arm64', variant: 'v8' } };
    const issues = check([withTargets([{ os: 'linux', arch: 'arm64', variant: 'v9' }])], { stack: armStack, lifecycle: modern });
    expect(issues.map((i) => i.message)).toEqual([
      'validating buildpack t@v4: build image target linux/arm64/v8 is not supported (supplied by ClusterStore default, image reg/store/bp:1; the buildpack supports targets: linux/arm64/v9)',
    ]);
  });

  it('names the build image target and every buildpack target', () => {
    const issues = check(
      [withTargets([{ os: 'linux', arch: 'arm64', distros: [{ name: 'ubuntu', version: '24.04' }, { name: 'debian' }] }, { os: 'windows' }])],
      {
        stack: ubuntuStack,
        lifecycle: modern,
      },
    );
    expect(issues.map((i) => i.message)).toEqual([
      'validating buildpack t@v4: build image target linux/amd64 (ubuntu 22.04) is not supported (supplied by ClusterStore default, image reg/store/bp:1; the buildpack supports targets: linux/arm64 (ubuntu 24.04 | debian), windows/*)',
    ]);
  });

  it('checks both stacks and targets when a buildpack declares both', () => {
    const both = buildpack('both', { api: '0.10', stacks: [{ id: 'io.other' }], targets: [{ os: 'linux', arch: 'arm64' }] });
    expect(check([both], { lifecycle: modern }).map((i) => i.problem)).toEqual(['stack', 'target']);
  });

  it('skips targets of composites', () => {
    const meta = buildpack('meta', { api: '0.10', targets: [{ os: 'windows' }], order: [{ group: [{ id: 'x' }] }] });
    expect(check([meta], { lifecycle: modern })).toEqual([]);
  });
});
