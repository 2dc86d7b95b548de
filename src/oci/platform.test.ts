import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Digest } from './digest.ts';
import { OciFormatError } from './errors.ts';
import type { Descriptor, IndexManifest, Platform } from './image.ts';
import { mediaTypes } from './media-types.ts';
import {
  PlatformNotFoundError,
  comparePlatforms,
  defaultPlatform,
  formatPlatform,
  matchesPlatform,
  parsePlatform,
  platformEntries,
  platformOfConfig,
  samePlatform,
  selectManifest,
} from './platform.ts';

const digestOf = (n: number): Digest => `sha256:${n.toString(16).padStart(64, '0')}`;

function entry(n: number, platform?: string): Descriptor {
  const descriptor: Descriptor = { mediaType: mediaTypes.ociManifest, digest: digestOf(n), size: 100 + n };
  if (platform !== undefined) descriptor.platform = parsePlatform(platform);
  return descriptor;
}

function indexOf(...manifests: Descriptor[]): IndexManifest {
  return { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests };
}

describe('parsePlatform and formatPlatform', () => {
  it.each<[string, Platform, string]>([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }, 'linux/amd64'],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }, 'linux/arm64/v8'],
    ['linux/arm/v7', { os: 'linux', architecture: 'arm', variant: 'v7' }, 'linux/arm/v7'],
    ['Linux/AMD64', { os: 'linux', architecture: 'amd64' }, 'linux/amd64'],
    ['linux/x86_64', { os: 'linux', architecture: 'amd64' }, 'linux/amd64'],
    ['linux/aarch64', { os: 'linux', architecture: 'arm64' }, 'linux/arm64'],
    ['linux/armhf', { os: 'linux', architecture: 'arm', variant: 'v7' }, 'linux/arm/v7'],
    ['linux/i386', { os: 'linux', architecture: '386' }, 'linux/386'],
    ['windows(10.0.17763.1234)/amd64', { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1234' }, 'windows(10.0.17763.1234)/amd64'],
    ['linux/s390x', { os: 'linux', architecture: 's390x' }, 'linux/s390x'],
  ])('%s', (text, platform, formatted) => {
    expect(parsePlatform(text)).toEqual(platform);
    expect(formatPlatform(parsePlatform(text))).toBe(formatted);
  });

  it.each(['', 'linux', 'linux/', '/amd64', 'linux/amd64/', 'linux/arm/v7/extra', 'linux amd64', 'linux/am d64', 'windows(/amd64', 'linux()/amd64'])(
    'rejects %j with the expected form in the message',
    (text) => {
      expect(() => parsePlatform(text)).toThrow(OciFormatError);
      expect(() => parsePlatform(text)).toThrow(/expected os\/architecture\[\/variant\], e\.g\. linux\/amd64/);
    },
  );

  it('defaults to linux/amd64', () => {
    expect(defaultPlatform).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(Object.isFrozen(defaultPlatform)).toBe(true);
  });

  it('formats what it parses and parses what it formats', () => {
    const name = fc.stringMatching(/^[a-z0-9_.-]{1,10}$/);
    fc.assert(
      fc.property(name, name, fc.option(name, { nil: undefined }), (os, architecture, variant) => {
        const platform: Platform = variant === undefined ? { os, architecture } : { os, architecture, variant };
        const parsed = parsePlatform(formatPlatform(platform));
        expect(formatPlatform(parsePlatform(formatPlatform(parsed)))).toBe(formatPlatform(parsed));
        expect(parsed.os).toBe(os);
      }),
    );
  });

  it('throws only OciFormatError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          expect(typeof formatPlatform(parsePlatform(text))).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(OciFormatError);
        }
      }),
    );
  });
});

describe('matchesPlatform', () => {
  it.each<[string, string, boolean]>([
    ['linux/amd64', 'linux/amd64', true],
    ['linux/amd64', 'linux/arm64', false],
    ['windows/amd64', 'linux/amd64', false],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64/v8', 'linux/arm64/v8', true],
    ['linux/arm64/v9', 'linux/arm64/v8', false],
    ['linux/arm64/v9', 'linux/arm64', true],
    ['linux/arm/v7', 'linux/arm', true],
    ['linux/arm/v6', 'linux/arm/v7', false],
    ['linux/arm', 'linux/arm/v7', false],
    ['linux/amd64/v3', 'linux/amd64', true],
    ['windows(10.0.1)/amd64', 'windows/amd64', true],
    ['windows(10.0.1)/amd64', 'windows(10.0.2)/amd64', false],
    ['windows/amd64', 'windows(10.0.2)/amd64', false],
  ])('%s serves %s: %s', (candidate, wanted, expected) => {
    expect(matchesPlatform(parsePlatform(candidate), parsePlatform(wanted))).toBe(expected);
  });
});

describe('selectManifest', () => {
  const multi = indexOf(
    entry(1, 'linux/arm/v6'),
    entry(2, 'linux/arm/v7'),
    entry(3, 'linux/arm64/v8'),
    entry(4, 'linux/amd64'),
    entry(5, 'unknown/unknown'),
    entry(6),
  );

  it('picks linux/amd64 by default', () => {
    expect(selectManifest(multi).digest).toBe(digestOf(4));
  });

  it('picks the first match in index order', () => {
    expect(selectManifest(multi, parsePlatform('linux/arm')).digest).toBe(digestOf(1));
    expect(selectManifest(multi, parsePlatform('linux/arm/v7')).digest).toBe(digestOf(2));
    expect(selectManifest(multi, parsePlatform('linux/arm64')).digest).toBe(digestOf(3));
    expect(selectManifest(indexOf(entry(7, 'linux/arm64')), parsePlatform('linux/arm64/v8')).digest).toBe(digestOf(7));
  });

  it('lists the platforms on offer when none matches, leaving out attestations and platform-less entries', () => {
    let error: unknown;
    try {
      selectManifest(multi, parsePlatform('linux/s390x'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlatformNotFoundError);
    expect(error).toBeInstanceOf(OciFormatError);
    const notFound = error as PlatformNotFoundError;
    expect(notFound.code).toBe('PLATFORM_NOT_FOUND');
    expect(notFound.message).toBe('no image for platform linux/s390x in the index; it offers linux/arm/v6, linux/arm/v7, linux/arm64/v8, linux/amd64');
    expect(notFound.available).toHaveLength(4);
    expect(notFound.wanted).toEqual({ os: 'linux', architecture: 's390x' });
  });

  it('says so when the index names no platforms', () => {
    expect(() => selectManifest(indexOf(entry(1)))).toThrow('no image for platform linux/amd64 in the index; it names no platforms');
    expect(() => selectManifest(indexOf())).toThrow(PlatformNotFoundError);
  });
});

describe('platformEntries', () => {
  it('keeps image entries with a real platform, in index order, the first of a repeated platform', () => {
    const attestation = entry(3, 'unknown/unknown');
    const nested: Descriptor = { ...entry(4, 'linux/s390x'), mediaType: mediaTypes.ociIndex };
    const index = indexOf(entry(1, 'linux/arm64/v8'), entry(2), attestation, nested, entry(5, 'linux/amd64'), entry(6, 'linux/arm64'));
    expect(platformEntries(index).map((e) => [e.digest, formatPlatform(e.platform)])).toEqual([
      [digestOf(1), 'linux/arm64/v8'],
      [digestOf(5), 'linux/amd64'],
    ]);
  });

  it('takes Docker manifest list entries too', () => {
    const docker: Descriptor = { ...entry(7, 'linux/amd64'), mediaType: mediaTypes.dockerManifest };
    expect(platformEntries({ ...indexOf(docker), mediaType: mediaTypes.dockerManifestList })).toHaveLength(1);
  });
});

describe('samePlatform, platformOfConfig and comparePlatforms', () => {
  it.each<[string, string, boolean]>([
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm/v7', 'linux/arm/v6', false],
    ['linux/amd64', 'linux/arm64', false],
    ['linux/amd64', 'windows/amd64', false],
    ['linux/arm/v7', 'linux/arm', false],
  ])('%s vs %s: %s', (a, b, same) => {
    expect(samePlatform(parsePlatform(a), parsePlatform(b))).toBe(same);
    expect(samePlatform(parsePlatform(b), parsePlatform(a))).toBe(same);
  });

  it('reads the platform a config names, leaving out empty fields', () => {
    expect(platformOfConfig({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(platformOfConfig({ os: 'linux', architecture: 'amd64', variant: '' })).toEqual({ os: 'linux', architecture: 'amd64' });
  });

  it('sorts by the text form whatever order it starts in', () => {
    const platforms = ['linux/arm64', 'linux/amd64', 'linux/arm/v7'].map(parsePlatform);
    expect([...platforms].sort(comparePlatforms).map(formatPlatform)).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64']);
  });
});
