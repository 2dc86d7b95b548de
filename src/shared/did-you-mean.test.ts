import { describe, expect, it } from 'vitest';
import { closestMatch } from './did-you-mean.ts';

describe('closestMatch', () => {
  const kinds = ['ClusterStore', 'ClusterStack', 'ClusterLifecycle', 'Buildpack', 'ClusterBuildpack', 'Builder', 'ClusterBuilder'];
  it('suggests the nearest name for a typo, ignoring case', () => {
    expect(closestMatch('ClusterStak', kinds)).toBe('ClusterStack');
    expect(closestMatch('clusterstore', kinds)).toBe('ClusterStore');
    expect(closestMatch('buildImag', ['id', 'buildImage', 'runImage'])).toBe('buildImage');
  });
  it('suggests nothing for a different word or an exact match', () => {
    expect(closestMatch('Deployment', kinds)).toBeUndefined();
    expect(closestMatch('Image', kinds)).toBeUndefined();
    expect(closestMatch('id', ['id'])).toBeUndefined();
  });
});
