import { describe, expect, it } from 'vitest';
import { compareBuildpackVersions, parseBuildpackVersion } from './buildpack-version.ts';

describe('parseBuildpackVersion', () => {
  it.each([
    ['1', '1.0.0'],
    ['1.2', '1.2.0'],
    ['v1.2.3', '1.2.3'],
    ['0.0.1-rc.1', '0.0.1-rc.1'],
    ['2.0.0+build.5', '2.0.0'],
  ])('accepts %s as %s', (text, expected) => {
    expect(parseBuildpackVersion(text)?.version).toBe(expected);
  });
  it.each(['', 'latest', '1.2.3.4', 'one', '1..2'])('rejects %j', (text) => {
    expect(parseBuildpackVersion(text)).toBeNull();
  });
  it('orders by semver precedence, not by string', () => {
    const sorted = ['9.0.0', '10.0.0', '1.0.0-alpha', '1.0.0']
      .map((v) => parseBuildpackVersion(v)!)
      .sort(compareBuildpackVersions)
      .map((v) => v.version);
    expect(sorted).toEqual(['1.0.0-alpha', '1.0.0', '9.0.0', '10.0.0']);
  });
});
