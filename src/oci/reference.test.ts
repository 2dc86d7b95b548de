import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OciFormatError } from './errors.ts';
import {
  InvalidReferenceError,
  familiarName,
  familiarString,
  formatReference,
  identifierOf,
  isLoopbackRegistry,
  parseReference,
  parseRepository,
  repositoryOf,
  sameRepository,
  withDigest,
  withTag,
} from './reference.ts';

const hex = 'a'.repeat(64);
const d = `sha256:${hex}`;
const d2 = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseReference: valid references', () => {
  // [input, registry, repository, tag, digest]
  const cases: [string, string, string, string | undefined, string | undefined][] = [
    ['busybox', 'index.docker.io', 'library/busybox', 'latest', undefined],
    ['busybox:1.36', 'index.docker.io', 'library/busybox', '1.36', undefined],
    ['library/busybox', 'index.docker.io', 'library/busybox', 'latest', undefined],
    ['docker.io/busybox', 'index.docker.io', 'library/busybox', 'latest', undefined],
    ['docker.io/library/busybox:latest', 'index.docker.io', 'library/busybox', 'latest', undefined],
    ['index.docker.io/busybox', 'index.docker.io', 'library/busybox', 'latest', undefined],
    ['registry-1.docker.io/paketo/builder:base', 'index.docker.io', 'paketo/builder', 'base', undefined],
    ['docker.io/x/y', 'index.docker.io', 'x/y', 'latest', undefined],
    ['x/y', 'index.docker.io', 'x/y', 'latest', undefined],
    ['x/y/z', 'index.docker.io', 'x/y/z', 'latest', undefined],
    ['gcr.io/project/app', 'gcr.io', 'project/app', 'latest', undefined],
    ['gcr.io/project/app:v1.2.3', 'gcr.io', 'project/app', 'v1.2.3', undefined],
    ['localhost/app', 'localhost', 'app', 'latest', undefined],
    ['localhost:5000/app:dev', 'localhost:5000', 'app', 'dev', undefined],
    ['127.0.0.1:5000/a/b/c', '127.0.0.1:5000', 'a/b/c', 'latest', undefined],
    ['192.168.1.1:5000/repo', '192.168.1.1:5000', 'repo', 'latest', undefined],
    ['[::1]:5000/repo', '[::1]:5000', 'repo', 'latest', undefined],
    ['[::1]/repo:tag', '[::1]', 'repo', 'tag', undefined],
    ['[2001:db8::1]:5000/repo:tag', '[2001:db8::1]:5000', 'repo', 'tag', undefined],
    ['[2001:db8:1:2:3:4:5:6]/repo', '[2001:db8:1:2:3:4:5:6]', 'repo', 'latest', undefined],
    ['example.com:8080/team/app', 'example.com:8080', 'team/app', 'latest', undefined],
    ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', 'sub-dom1.foo.com', 'bar/baz/quux', 'some-long-tag', undefined],
    ['b.gcr.io/test.example.com/my-app:test.example.com', 'b.gcr.io', 'test.example.com/my-app', 'test.example.com', undefined],
    ['xn--n3h.com/myimage:xn--n3h.com', 'xn--n3h.com', 'myimage', 'xn--n3h.com', undefined],
    ['foo_bar.com:8080', 'index.docker.io', 'library/foo_bar.com', '8080', undefined],
    ['foo/foo_bar.com:8080', 'index.docker.io', 'foo/foo_bar.com', '8080', undefined],
    ['localhost:5000', 'index.docker.io', 'library/localhost', '5000', undefined],
    ['test_com', 'index.docker.io', 'library/test_com', 'latest', undefined],
    ['a__b/c---d/e.f_g', 'index.docker.io', 'a__b/c---d/e.f_g', 'latest', undefined],
    ['lowercase:Uppercase', 'index.docker.io', 'library/lowercase', 'Uppercase', undefined],
    ['repo:_underscore', 'index.docker.io', 'library/repo', '_underscore', undefined],
    ['Registry.Example/app', 'Registry.Example', 'app', 'latest', undefined],
    ['Foo/bar', 'Foo', 'bar', 'latest', undefined],
    [`busybox@${d}`, 'index.docker.io', 'library/busybox', undefined, d],
    [`busybox:1.36@${d}`, 'index.docker.io', 'library/busybox', '1.36', d],
    [`localhost:5000/repo:tag@${d}`, 'localhost:5000', 'repo', 'tag', d],
    [`[::1]:5000/repo@${d}`, '[::1]:5000', 'repo', undefined, d],
    [`x/y@sha512:${'b'.repeat(128)}`, 'index.docker.io', 'x/y', undefined, `sha512:${'b'.repeat(128)}`],
    [`a:${'t'.repeat(128)}`, 'index.docker.io', 'library/a', 't'.repeat(128), undefined],
  ];

  it.each(cases.map((row) => ({ input: row[0], row })))('$input', ({ row: [input, registry, repository, tag, digest] }) => {
    const ref = parseReference(input);
    expect(ref.registry).toBe(registry);
    expect(ref.repository).toBe(repository);
    expect(ref.tag).toBe(tag);
    expect(ref.digest).toBe(digest);
    expect(ref.original).toBe(input);
    expect(Object.isFrozen(ref)).toBe(true);
  });

  it('leaves absent fields out of the object', () => {
    expect(Object.keys(parseReference(`x@${d}`)).sort()).toEqual(['digest', 'original', 'registry', 'repository']);
  });

  it('uses the default registry only when the text names none, and adds library/ only on Docker Hub', () => {
    expect(parseReference('app', { defaultRegistry: '127.0.0.1:5000' })).toMatchObject({ registry: '127.0.0.1:5000', repository: 'app' });
    expect(parseReference('gcr.io/p/app', { defaultRegistry: '127.0.0.1:5000' }).registry).toBe('gcr.io');
    expect(parseReference('app', { defaultRegistry: 'docker.io' })).toMatchObject({ registry: 'index.docker.io', repository: 'library/app' });
  });

  it('applies the default tag option', () => {
    expect(parseReference('app', { defaultTag: 'edge' }).tag).toBe('edge');
    expect(parseReference('app', { defaultTag: null }).tag).toBeUndefined();
    expect(parseReference('app:v1', { defaultTag: null }).tag).toBe('v1');
  });

  it('accepts a name of exactly 255 characters counted as Docker does', () => {
    const path = `a/${'b'.repeat(255 - 'docker.io/a/'.length)}`;
    expect(parseReference(path).repository).toBe(path);
    expect(() => parseReference(`${path}b`)).toThrow(/255/);
  });
});

describe('parseReference: invalid references', () => {
  // [input, a fragment the message must contain]
  const cases: [string, RegExp][] = [
    ['', /empty/],
    [':justtag', /repository path is empty/],
    [`@${d}`, /repository path is empty/],
    ['busybox:', /tag after ":" is empty/],
    ['busybox@', /digest "" is not valid/],
    ['repo@sha256:abc', /digest "sha256:abc" is not valid/],
    [`repo@sha256:${'A'.repeat(64)}`, /lowercase hex/],
    ['validname@invaliddigest:ffffffffffffffff', /not valid/],
    [`repo@${d}@${d}`, /digest .* not valid/],
    ['Uppercase:tag', /must be lowercase; use "uppercase"/],
    ['test:5000/Uppercase/lowercase:tag', /must be lowercase; use "uppercase\/lowercase"/],
    ['docker.io/Library/Busybox', /must be lowercase/],
    ['aa/asdf$$^/aa', /path component "asdf\$\$\^"/],
    ['a//b', /empty component/],
    ['a/b/', /empty component/],
    ['registry.example/', /repository path is empty/],
    ['-leading', /path component "-leading"/],
    ['trailing-', /path component "trailing-"/],
    ['a..b', /path component "a..b"/],
    ['a___b', /path component "a___b"/],
    ['a_-b', /path component/],
    ['repo:.tag', /tag ".tag" is not valid/],
    ['repo:-tag', /tag "-tag" is not valid/],
    ['repo:ta+g', /tag "ta\+g" is not valid/],
    [`a:${'t'.repeat(129)}`, /tag is 129 characters long; tags may have at most 128/],
    [hex, /image ID, not a name/],
    ['foo:bar/baz', /registry "foo:bar" is not a valid host/],
    ['-foo.com/app', /registry "-foo.com"/],
    ['foo-.com/app', /registry "foo-.com"/],
    ['foo..com/app', /registry "foo..com"/],
    ['host:port:5000/app', /registry/],
    ['[fe80::1%eth0]:5000/repo', /registry/],
    ['[::1', /./],
    ['[::1]', /path component "\[:"/],
    ['2001:db8::1/repo', /registry "2001:db8::1"/],
    ['foo/[2001:db8::1]', /path component/],
    ['a b', /path component "a b"/],
    [' busybox', /path component/],
    ['busybox\n', /./],
    ['ünïcode', /path component/],
  ];

  it.each(cases)('%j', (input, message) => {
    let thrown: unknown;
    try {
      parseReference(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidReferenceError);
    expect(thrown).toBeInstanceOf(OciFormatError);
    const error = thrown as InvalidReferenceError;
    expect(error.code).toBe('INVALID_REFERENCE');
    expect(error.reference).toBe(input);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('invalid image reference');
  });

  it('rejects names over 255 characters with the limit in the message', () => {
    const long = `registry.example/${'a'.repeat(240)}`;
    expect(() => parseReference(long)).toThrow(/is 257 characters long; the limit is 255/);
  });

  it('shortens very long inputs in messages', () => {
    let message = '';
    try {
      parseReference(`${'A'.repeat(10_000)}`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.length).toBeLessThan(400);
  });

  it('rejects an invalid default registry', () => {
    expect(() => parseReference('app', { defaultRegistry: 'bad_host' })).toThrow(InvalidReferenceError);
  });
});

describe('parseRepository', () => {
  it('normalises like parseReference', () => {
    expect(parseRepository('busybox')).toEqual({ registry: 'index.docker.io', repository: 'library/busybox' });
    expect(parseRepository('localhost:5000/a/b')).toEqual({ registry: 'localhost:5000', repository: 'a/b' });
    expect(parseRepository('app', { defaultRegistry: 'reg.example' })).toEqual({ registry: 'reg.example', repository: 'app' });
  });

  it('refuses tags and digests', () => {
    expect(() => parseRepository('busybox:1')).toThrow(/cannot carry a tag; remove ":1"/);
    expect(() => parseRepository(`busybox@${d}`)).toThrow(/cannot carry a digest/);
    expect(() => parseRepository('Busybox')).toThrow(InvalidReferenceError);
  });
});

describe('formatting', () => {
  it.each([
    ['busybox', 'index.docker.io/library/busybox:latest', 'busybox', 'busybox:latest'],
    ['x/y:1', 'index.docker.io/x/y:1', 'x/y', 'x/y:1'],
    ['library/a/b', 'index.docker.io/library/a/b:latest', 'library/a/b', 'library/a/b:latest'],
    [`gcr.io/p/a:t@${d}`, `gcr.io/p/a:t@${d}`, 'gcr.io/p/a', `gcr.io/p/a:t@${d}`],
    [`[::1]:5000/r@${d}`, `[::1]:5000/r@${d}`, '[::1]:5000/r', `[::1]:5000/r@${d}`],
  ])('%s', (input, canonical, familiar, familiarFull) => {
    const ref = parseReference(input);
    expect(formatReference(ref)).toBe(canonical);
    expect(familiarName(ref)).toBe(familiar);
    expect(familiarString(ref)).toBe(familiarFull);
  });

  it('repositoryOf and identifierOf', () => {
    expect(repositoryOf(parseReference('busybox'))).toBe('index.docker.io/library/busybox');
    expect(identifierOf(parseReference('busybox'))).toBe('latest');
    expect(identifierOf(parseReference('busybox:1'))).toBe('1');
    expect(identifierOf(parseReference(`busybox:1@${d}`))).toBe(d);
    expect(identifierOf(parseReference('busybox', { defaultTag: null }))).toBe('latest');
  });
});

describe('withTag, withDigest, sameRepository', () => {
  it('withTag replaces the tag and drops the digest', () => {
    const ref = withTag(parseReference(`x/y:1@${d}`), 'builder-ns-name');
    expect(ref).toEqual({ registry: 'index.docker.io', repository: 'x/y', tag: 'builder-ns-name', original: 'index.docker.io/x/y:builder-ns-name' });
    expect(() => withTag(ref, '-bad')).toThrow(InvalidReferenceError);
    expect(() => withTag(ref, 'x'.repeat(129))).toThrow(/at most 128/);
  });

  it('withDigest keeps the tag unless asked to drop it', () => {
    const base = parseReference('localhost:5000/b:t');
    expect(formatReference(withDigest(base, d2))).toBe(`localhost:5000/b:t@${d2}`);
    expect(formatReference(withDigest(base, d2, { dropTag: true }))).toBe(`localhost:5000/b@${d2}`);
    expect(withDigest(base, d2).original).toBe(`localhost:5000/b:t@${d2}`);
    expect(() => withDigest(base, 'sha256:nothex')).toThrow(InvalidReferenceError);
  });

  it('sameRepository compares registry (case-insensitively) and repository', () => {
    expect(sameRepository(parseReference('busybox:1'), parseReference(`docker.io/library/busybox@${d}`))).toBe(true);
    expect(sameRepository(parseReference('Reg.Example/a'), parseReference('reg.example/a:2'))).toBe(true);
    expect(sameRepository(parseReference('reg.example/a'), parseReference('reg.example:443/a'))).toBe(false);
    expect(sameRepository(parseReference('a/b'), parseReference('a/c'))).toBe(false);
  });
});

describe('isLoopbackRegistry', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST:5000', true],
    ['localhost:5000', true],
    ['127.0.0.1', true],
    ['127.0.0.1:5000', true],
    ['127.255.3.4:80', true],
    ['[::1]', true],
    ['[::1]:5000', true],
    ['[0:0:0:0:0:0:0:1]:5000', true],
    ['::1', false],
    ['128.0.0.1', false],
    ['127.0.0.256', false],
    ['127.0.0', false],
    ['127.0.0.1.example.com', false],
    ['localhost.example.com', false],
    ['localhost:abc', false],
    ['[::2]:5000', false],
    ['[::1', false],
    ['[::1]x', false],
    ['index.docker.io', false],
    ['', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackRegistry(host)).toBe(expected);
  });
});

describe('properties', () => {
  const component = fc.stringMatching(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/, { size: 'xsmall' });
  const host = fc.oneof(
    fc.constantFrom('localhost', 'docker.io', 'gcr.io', '127.0.0.1', '[::1]', 'Reg.Example', 'registry-1.docker.io'),
    fc.stringMatching(/^[a-z0-9]{1,8}\.[a-z]{2,4}$/),
  );
  const reference = fc
    .record({
      host: fc.option(host, { nil: undefined }),
      port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      path: fc.array(component, { minLength: 1, maxLength: 4 }),
      tag: fc.option(fc.stringMatching(/^\w[\w.-]{0,20}$/), { nil: undefined }),
      digest: fc.option(fc.stringMatching(/^[a-f0-9]{64}$/), { nil: undefined }),
    })
    .map(({ host, port, path, tag, digest }) => {
      const registry = host === undefined ? '' : `${host}${port === undefined ? '' : `:${port}`}/`;
      return `${registry}${path.join('/')}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@sha256:${digest}`}`;
    });

  it('format ∘ parse is idempotent on well-formed references', () => {
    fc.assert(
      fc.property(reference, (text) => {
        let ref;
        try {
          ref = parseReference(text);
        } catch (error) {
          // Generated names can exceed 255 characters or look like a bare image ID; nothing else may fail.
          expect(error).toBeInstanceOf(InvalidReferenceError);
          expect((error as Error).message).toMatch(/255|image ID/);
          return;
        }
        const again = parseReference(formatReference(ref));
        expect({ ...again, original: '' }).toEqual({ ...ref, original: '' });
        expect(formatReference(again)).toBe(formatReference(ref));
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary strings either parse or throw InvalidReferenceError', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: fc.constantFrom('a', 'B', '1', '.', '_', '-', ':', '/', '@', '[', ']', 's', 'h', '2', '5', '6'), maxLength: 60 }),
      reference.map((r) => r.toUpperCase()),
    );
    fc.assert(
      fc.property(text, (input) => {
        try {
          const ref = parseReference(input);
          expect(parseReference(formatReference(ref)).repository).toBe(ref.repository);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidReferenceError);
        }
      }),
      { numRuns: 5000 },
    );
  });

  // How fast these fail is measured in bench/hostile-inputs.ts; here: each fails for its own reason, with a short message.
  it('refuses a megabyte of junk, naming the part at fault in a short message', () => {
    const cases: Array<[string, RegExp]> = [
      ['a'.repeat(1 << 20), /the repository name is \d+ characters long; the limit is 255$/],
      [`${'a-'.repeat(1 << 19)}!`, /path component "a-a-/],
      [`${'a.'.repeat(1 << 19)}/x`, /registry "a\.a\./],
      [`x:${'a'.repeat(1 << 20)}`, /the tag is 1048576 characters long; tags may have at most 128/],
    ];
    for (const [junk, reason] of cases) {
      const error = (() => {
        try {
          parseReference(junk);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InvalidReferenceError);
      const message = (error as InvalidReferenceError).message;
      expect(message).toMatch(reason);
      expect(message.length).toBeLessThan(500);
    }
  });
});
