import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults.ts';
import { convertResource } from './convert.ts';
import type { KubeObject } from './resource.ts';
import { intervalOf, parseGoDuration, rolloutOf } from './update-policy.ts';
import { validateResource } from './validate.ts';

const store = (updatePolicy: unknown, sources = [{ image: 'r.test/a:1' }], apiVersion = 'kpack.io/v1alpha2'): KubeObject => ({
  apiVersion,
  kind: 'ClusterStore',
  metadata: { name: 's' },
  spec: { sources, updatePolicy },
});
const valid = (resource: KubeObject): ReturnType<typeof validateResource> => validateResource(applyDefaults(resource));

describe('parseGoDuration', () => {
  it.each([
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['0', 0],
  ])('%s is %d ms', (text, ms) => expect(parseGoDuration(text)).toBe(ms));
  it.each(['', '1', 'h', '1d', '1 h', '-1m'])('%j is not a duration', (text) => expect(parseGoDuration(text)).toBeUndefined());
});

describe('policy defaults', () => {
  it('checks hourly and rolls out to all when the policy says nothing', () => {
    expect(intervalOf({})).toBe(3_600_000);
    expect(rolloutOf({})).toBe('all');
    expect(intervalOf({ interval: '2m' })).toBe(120_000);
  });
});

describe('spec.updatePolicy validation', () => {
  it('accepts a full policy on every kind that resolves images', () => {
    const policy = { interval: '30m', tags: '~1.x', rollout: 'canary', canary: { kind: 'Builder', name: 'b', namespace: 'team' } };
    expect(valid(store(policy))).toEqual([]);
    expect(valid(store({ interval: '1h', tags: 'latest', rollout: 'manual' }))).toEqual([]);
    expect(valid(store({ interval: '1m' }, [{ image: 'r.test/a:1' }], 'kpack.io/v1alpha1'))).toEqual([]);
    for (const kind of ['Buildpack', 'ClusterBuildpack', 'ClusterLifecycle'])
      expect(
        valid({
          apiVersion: 'kpack.io/v1alpha2',
          kind,
          metadata: { name: 'x', namespace: 'n' },
          spec: { image: 'r.test/a:1', updatePolicy: { tags: '>=1.2 <2' } },
        }),
      ).toEqual([]);
  });

  it('reports every problem at once, with paths and fixes', () => {
    const issues = valid(
      store({ interval: '30s', tags: 'newest', rollout: 'canary', canary: { kind: 'Image' } }, [{ image: 'r.test/a@sha256:' + 'a'.repeat(64) }]),
    );
    expect(issues.map((i) => [i.kind, i.path])).toEqual([
      ['invalid', 'spec.updatePolicy.interval'],
      ['invalid', 'spec.updatePolicy.tags'],
      ['invalid', 'spec.updatePolicy.canary.kind'],
      ['missing', 'spec.updatePolicy.canary.name'],
      ['invalid', 'spec.sources[0].image'],
    ]);
    expect(issues[0]?.message).toMatch(/at most once a minute: use 1m or more/);
    expect(issues[1]?.message).toMatch(/semver range such as "~1.x"/);
    expect(issues[4]?.message).toMatch(/a digest never moves/);
  });

  it('needs a canary exactly when the rollout is canary, and a known rollout', () => {
    expect(valid(store({ rollout: 'canary' })).map((i) => [i.kind, i.path])).toEqual([['missing', 'spec.updatePolicy.canary']]);
    expect(valid(store({ rollout: 'all', canary: { kind: 'ClusterBuilder', name: 'c' } })).map((i) => [i.kind, i.path])).toEqual([
      ['disallowed', 'spec.updatePolicy.canary'],
    ]);
    expect(valid(store({ rollout: 'sometimes' }))).toEqual([
      expect.objectContaining({ path: 'spec.updatePolicy.rollout', message: 'use all (the default), canary or manual' }),
    ]);
    expect(valid(store({ rollout: 'canary', canary: { kind: 'Builder', name: 'b' } })).map((i) => i.path)).toEqual(['spec.updatePolicy.canary.namespace']);
  });

  it('names a misspelt policy field', () => {
    expect(valid(store({ intervall: '1h' }))).toEqual([
      { kind: 'unknown', path: 'spec.updatePolicy.intervall', message: '"intervall" is not a field here; did you mean "interval"?' },
    ]);
  });

  it('checks both stack images', () => {
    const digest = `@sha256:${'b'.repeat(64)}`;
    const stack: KubeObject = {
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'ClusterStack',
      metadata: { name: 's' },
      spec: { id: 'x', buildImage: { image: `r.test/b${digest}` }, runImage: { image: 'r.test/r:1' }, updatePolicy: {} },
    };
    expect(valid(stack).map((i) => i.path)).toEqual(['spec.buildImage.image']);
  });

  it('travels through v1alpha1 unchanged (it is packsmith field in both versions)', () => {
    const v2 = store({ interval: '2h', rollout: 'manual' });
    const v1 = convertResource(v2, 'kpack.io/v1alpha1');
    expect(v1.spec).toEqual(v2.spec);
    expect(convertResource(v1, 'kpack.io/v1alpha2')).toEqual(v2);
  });
});
