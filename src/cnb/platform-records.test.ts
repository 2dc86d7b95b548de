import { describe, expect, it } from 'vitest';
import { parsePlatform } from '../oci/index.ts';
import { buildpackForTarget, formatTarget, mergePlatformRecords, sameTarget } from './platform-records.ts';
import type { BuildpackRecord } from './records.ts';

const record = (id: string, digest: string): BuildpackRecord => ({
  id,
  version: '1.0.0',
  storeImage: { image: 'r.test/bp:1' },
  diffId: `sha256:${digest}d`,
  digest: `sha256:${digest}`,
  size: digest.length,
});

describe('mergePlatformRecords', () => {
  it('returns a single image’s records as they are', () => {
    const records = [record('a', '1')];
    expect(mergePlatformRecords([{ platform: parsePlatform('linux/arm64'), records }])).toEqual(records);
  });

  it('takes linux/amd64’s fields when offered, else the first image that has the buildpack', () => {
    const merged = mergePlatformRecords([
      { platform: parsePlatform('linux/arm64/v8'), records: [record('a', 'arm'), record('z', 'z1')] },
      { platform: parsePlatform('linux/amd64'), records: [record('a', 'amd')] },
    ]);
    expect(merged).toEqual([
      {
        ...record('a', 'amd'),
        platforms: [
          { os: 'linux', arch: 'arm64', variant: 'v8', diffId: 'sha256:armd', digest: 'sha256:arm', size: 3 },
          { os: 'linux', arch: 'amd64' },
        ],
      },
      { ...record('z', 'z1'), platforms: [{ os: 'linux', arch: 'arm64', variant: 'v8' }] },
    ]);
  });
});

describe('buildpackForTarget', () => {
  const merged = {
    ...record('a', 'amd'),
    platforms: [
      { os: 'linux', arch: 'arm64', digest: 'sha256:arm', diffId: 'sha256:armd', size: 3 },
      { os: 'linux', arch: 'amd64' },
    ],
  };

  it('serves every target from a single image', () => {
    expect(buildpackForTarget(record('a', '1'), { os: 'linux', arch: 's390x' })).toEqual({ ok: true, record: record('a', '1') });
  });

  it('swaps in the platform’s own layer, dropping the platform list', () => {
    expect(buildpackForTarget(merged, { os: 'linux', arch: 'arm64', variant: 'v8' })).toEqual({ ok: true, record: record('a', 'arm') });
    expect(buildpackForTarget(merged, { os: 'linux', arch: 'amd64' })).toEqual({ ok: true, record: record('a', 'amd') });
  });

  it('names the platforms it has when it lacks the target', () => {
    const result = buildpackForTarget(merged, { os: 'linux', arch: 's390x' });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.platforms.map(formatTarget)).toEqual(['linux/arm64', 'linux/amd64']);
  });

  it('treats arm64 v8 as plain arm64', () => {
    expect(sameTarget({ os: 'linux', arch: 'arm64', variant: 'v8' }, { os: 'linux', arch: 'arm64' })).toBe(true);
    expect(sameTarget({ os: 'linux', arch: 'arm', variant: 'v7' }, { os: 'linux', arch: 'arm' })).toBe(false);
  });
});

describe('mergePlatformRecords and targets', () => {
  it('keeps each platform’s own targets where they differ, and gives them back for that target', () => {
    const withTargets = (digest: string, arch: string): BuildpackRecord => ({ ...record('a', digest), targets: [{ os: 'linux', arch }] });
    const [merged] = mergePlatformRecords([
      { platform: parsePlatform('linux/amd64'), records: [withTargets('amd', 'amd64')] },
      { platform: parsePlatform('linux/arm64'), records: [withTargets('arm', 'arm64')] },
    ]);
    expect(merged?.targets).toEqual([{ os: 'linux', arch: 'amd64' }]);
    expect(merged?.platforms?.[0]).toEqual({ os: 'linux', arch: 'amd64' });
    expect(merged?.platforms?.[1]?.targets).toEqual([{ os: 'linux', arch: 'arm64' }]);
    const arm = merged ? buildpackForTarget(merged, { os: 'linux', arch: 'arm64' }) : undefined;
    expect(arm?.ok ? arm.record : undefined).toEqual(withTargets('arm', 'arm64'));
  });
});
