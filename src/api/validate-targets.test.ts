import { describe, expect, it } from 'vitest';
import { validateResource } from './validate.ts';

const builder = (apiVersion: string, targets: unknown) => ({
  apiVersion,
  kind: 'ClusterBuilder',
  metadata: { name: 'b' },
  spec: { tag: 'r.test/b', stack: { kind: 'ClusterStack', name: 's' }, serviceAccountRef: { name: 'sa', namespace: 'ns' }, order: [], targets },
});

describe('spec.targets of a builder', () => {
  it.each(['kpack.io/v1alpha2', 'kpack.io/v1alpha1'])('accepts targets in %s', (apiVersion) => {
    const spec = builder(apiVersion, [
      { os: 'linux', arch: 'amd64' },
      { os: 'linux', arch: 'arm64', variant: 'v8' },
    ]);
    if (apiVersion === 'kpack.io/v1alpha1') delete (spec.spec as { serviceAccountRef?: unknown }).serviceAccountRef;
    expect(validateResource(spec).filter((i) => i.path.startsWith('spec.targets'))).toEqual([]);
  });

  it('reports every target problem at once, with paths', () => {
    const issues = validateResource(
      builder('kpack.io/v1alpha2', [
        { os: 'linux' },
        { arch: 'Arm64' },
        { os: 'linux', arch: 'arm64', variant: 'v8' },
        { os: 'linux', arch: 'arm64' },
        { os: 'linux', arch: 'amd64', cpu: 'x' },
      ]),
    );
    expect(issues.map((i) => [i.kind, i.path, i.message])).toEqual([
      ['unknown', 'spec.targets[4].cpu', expect.stringContaining('"cpu" is not a field here') as unknown],
      ['missing', 'spec.targets[0].arch', 'name the architecture, e.g. amd64 or arm64'],
      ['missing', 'spec.targets[1].os', 'name the operating system, e.g. linux'],
      ['invalid', 'spec.targets[1].arch', 'must be a lowercase platform name like amd64 or arm64'],
      ['invalid', 'spec.targets[3]', 'already listed at spec.targets[2]'],
    ]);
  });

  it('refuses an empty list', () => {
    expect(validateResource(builder('kpack.io/v1alpha2', [])).map((i) => i.path)).toEqual(['spec.targets']);
  });
});
