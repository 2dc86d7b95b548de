import { describe, expect, it } from 'vitest';
import { errorKindOf } from '../shared/index.ts';
import { checkTag, highestMatchingTag } from './check-tag.ts';
import type { TagAccess } from './ports.ts';
import { namedKeychain } from './testdata/fakes.ts';

class FakeTags implements TagAccess {
  readonly calls: string[] = [];
  readonly digests: Record<string, string>;
  readonly tags: Record<string, string[]>;
  constructor(digests: Record<string, string>, tags: Record<string, string[]> = {}) {
    this.digests = digests;
    this.tags = tags;
  }
  headDigest(reference: string): Promise<string | undefined> {
    this.calls.push(`HEAD ${reference}`);
    return Promise.resolve(this.digests[reference]);
  }
  listTags(repository: string): Promise<string[]> {
    this.calls.push(`LIST ${repository}`);
    return Promise.resolve(this.tags[repository] ?? []);
  }
}

const keychain = namedKeychain('k');

describe('highestMatchingTag', () => {
  it('picks the highest semver tag in the range, ignoring other tags', () => {
    const tags = ['latest', '1.2.0', 'v1.10.1', '1.9.0', '2.0.0', '1.11.0-rc.1', 'nightly'];
    expect(highestMatchingTag(tags, '~1.x')).toBe('v1.10.1');
    expect(highestMatchingTag(tags, '>=1.2 <2')).toBe('v1.10.1');
    expect(highestMatchingTag(tags, '^2')).toBe('2.0.0');
    expect(highestMatchingTag(tags, '>=3')).toBeUndefined();
  });
});

describe('checkTag', () => {
  it('follows the tag written in the image with one HEAD and nothing else', async () => {
    const tags = new FakeTags({ 'r.test/a:1': 'sha256:1', 'r.test/b:latest': 'sha256:2' });
    expect(await checkTag('r.test/a:1', {}, { tags, keychain })).toEqual({ image: 'r.test/a:1', tag: '1', digest: 'sha256:1' });
    expect(await checkTag('r.test/b', { tags: 'latest' }, { tags, keychain })).toEqual({ image: 'r.test/b', tag: 'latest', digest: 'sha256:2' });
    expect(tags.calls).toEqual(['HEAD r.test/a:1', 'HEAD r.test/b:latest']);
  });

  it('reads the tag list for a range, then HEADs the highest matching tag', async () => {
    const tags = new FakeTags({ 'r.test/a:1.3.0': 'sha256:3' }, { 'r.test/a': ['1.0.0', '1.3.0', '2.0.0'] });
    expect(await checkTag('r.test/a:1.0.0', { tags: '~1' }, { tags, keychain })).toEqual({ image: 'r.test/a:1.0.0', tag: '1.3.0', digest: 'sha256:3' });
    expect(tags.calls).toEqual(['LIST r.test/a', 'HEAD r.test/a:1.3.0']);
  });

  it('says which tag is missing, as a missing dependency', async () => {
    const tags = new FakeTags({}, { 'r.test/a': ['0.1.0'] });
    const gone = await checkTag('r.test/a:1', {}, { tags, keychain }).catch((e: unknown) => e);
    expect(String(gone)).toMatch(/r\.test\/a:1 does not exist/);
    expect(errorKindOf(gone)).toBe('missing-dependency');
    const none = await checkTag('r.test/a', { tags: '>=1' }, { tags, keychain }).catch((e: unknown) => e);
    expect(String(none)).toMatch(/no tag of r\.test\/a satisfies ">=1" \(1 tags listed\)/);
  });
});
