import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Digest, type Digest } from './digest.ts';
import { DigestMismatchError, LimitExceededError, OciFormatError } from './errors.ts';
import { checkLayerCount, layersWithDiffIds, manifestLimits, parseAnyManifest, parseConfigFile, parseIndexManifest, parseManifest } from './manifest.ts';
import { mediaTypes } from './media-types.ts';

const digestOf = (n: number): Digest => `sha256:${n.toString(16).padStart(64, '0')}`;
const bytes = (value: unknown): Uint8Array => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function ociManifest(layerCount = 3): Record<string, unknown> {
  return {
    schemaVersion: 2,
    config: { mediaType: mediaTypes.ociConfig, digest: digestOf(1), size: 123 },
    layers: Array.from({ length: layerCount }, (_, i) => ({ mediaType: mediaTypes.ociLayerGzip, digest: digestOf(10 + i), size: 1000 + i })),
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
    'x-unknown': { kept: [1, 2, 3] },
  };
}

function dockerManifest(): Record<string, unknown> {
  return { ...ociManifest(1), mediaType: mediaTypes.dockerManifest };
}

function index(): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: mediaTypes.ociIndex,
    manifests: [
      { mediaType: mediaTypes.ociManifest, digest: digestOf(2), size: 500, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: mediaTypes.ociManifest, digest: digestOf(3), size: 501, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ],
  };
}

function config(diffIds = 3): Record<string, unknown> {
  return {
    architecture: 'amd64',
    os: 'linux',
    created: '1980-01-01T00:00:01Z',
    config: { User: 'cnb', Env: ['PATH=/usr/bin'], Entrypoint: null, Cmd: null, Labels: { 'io.buildpacks.stack.id': 'x' }, WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: Array.from({ length: diffIds }, (_, i) => digestOf(100 + i)) },
    history: [{ created_by: 'packsmith' }],
    'moby.buildkit.buildinfo.v1': 'abc',
  };
}

/** Runs `run`, expecting a throw; returns the error. */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('parseManifest', () => {
  it('returns the document as parsed, unknown fields included', () => {
    const doc = ociManifest();
    const parsed = parseManifest(bytes(doc));
    expect(parsed).toEqual(doc);
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(doc));
  });

  it('accepts a Docker manifest with a matching Content-Type, parameters ignored', () => {
    const parsed = parseManifest(bytes(dockerManifest()), { mediaType: `${mediaTypes.dockerManifest}; charset=utf-8` });
    expect(parsed.mediaType).toBe(mediaTypes.dockerManifest);
  });

  it('accepts an OCI manifest without mediaType under an OCI Content-Type, and ignores non-manifest Content-Types', () => {
    expect(parseManifest(bytes(ociManifest()), { mediaType: mediaTypes.ociManifest }).layers).toHaveLength(3);
    expect(parseManifest(bytes(dockerManifest()), { mediaType: 'application/json' }).layers).toHaveLength(1);
  });

  it('accepts an empty layer list (artifacts) and descriptor extras', () => {
    const doc: Record<string, unknown> = {
      ...ociManifest(0),
      artifactType: 'application/x',
      subject: { mediaType: mediaTypes.ociManifest, digest: digestOf(9), size: 0 },
    };
    cfg(doc).urls = ['https://example.com/blob'];
    expect(parseManifest(bytes(doc)).subject?.size).toBe(0);
  });

  const invalid: [string, (doc: Record<string, unknown>) => void, RegExp][] = [
    ['schemaVersion 1', (d) => (d.schemaVersion = 1), /schemaVersion: Docker schema 1 manifests are not supported/],
    ['schemaVersion as a string', (d) => (d.schemaVersion = '2'), /schemaVersion: expected 2, got "2"/],
    ['missing schemaVersion', (d) => delete d.schemaVersion, /schemaVersion: expected 2, got undefined/],
    ['mediaType not a string', (d) => (d.mediaType = 5), /^invalid image manifest: mediaType: expected a string, got 5$/],
    [
      'index mediaType',
      (d) => (d.mediaType = mediaTypes.ociIndex),
      /mediaType: "application\/vnd.oci.image.index.v1\+json" is not the media type of an image manifest/,
    ],
    ['missing config', (d) => delete d.config, /config: expected a JSON object, got undefined/],
    ['missing layers', (d) => delete d.layers, /layers: expected an array, got undefined/],
    ['layers as object', (d) => (d.layers = {}), /layers: expected an array, got an object/],
    ['bad layer digest', (d) => (layer(d, 2).digest = 'sha256:xyz'), /^invalid image manifest: layers\[2\]\.digest: "sha256:xyz" is not a digest/],
    ['uppercase digest', (d) => (layer(d, 0).digest = digestOf(1).toUpperCase()), /layers\[0\]\.digest/],
    ['negative size', (d) => (layer(d, 1).size = -1), /layers\[1\]\.size: expected a non-negative integer number of bytes, got -1/],
    ['fractional size', (d) => (layer(d, 1).size = 1.5), /layers\[1\]\.size/],
    ['unsafe size', (d) => (layer(d, 1).size = 2 ** 53), /layers\[1\]\.size/],
    ['size as string', (d) => (layer(d, 1).size = '10'), /layers\[1\]\.size: .*got "10"/],
    ['missing layer mediaType', (d) => delete layer(d, 0).mediaType, /layers\[0\]\.mediaType: expected a string/],
    ['empty layer mediaType', (d) => (layer(d, 0).mediaType = ''), /layers\[0\]\.mediaType: must not be empty/],
    ['layer is null', (d) => ((d.layers as unknown[])[1] = null), /layers\[1\]: expected a JSON object, got null/],
    ['config digest', (d) => ((d.config as Record<string, unknown>).digest = 7), /config\.digest: 7 is not a digest/],
    ['annotation value', (d) => (d.annotations = { 'org.example.n': 1 }), /annotations\["org\.example\.n"\]: expected a string, got 1/],
    ['layer annotations', (d) => (layer(d, 0).annotations = []), /layers\[0\]\.annotations: expected a JSON object, got an array/],
    ['urls', (d) => (layer(d, 0).urls = ['a', 2]), /layers\[0\]\.urls\[1\]: expected a string/],
    ['subject', (d) => (d.subject = { mediaType: 'x', digest: digestOf(1) }), /subject\.size/],
    ['artifactType', (d) => (d.artifactType = true), /artifactType: expected a string, got true/],
  ];

  it.each(invalid)('%s', (_name, mutate, message) => {
    const doc = ociManifest();
    mutate(doc);
    const error = thrown(() => parseManifest(bytes(doc)));
    expect(error).toBeInstanceOf(OciFormatError);
    expect(error.message).toMatch(message);
  });

  it('checks mediaType against the Content-Type', () => {
    expect(thrown(() => parseManifest(bytes(dockerManifest()), { mediaType: mediaTypes.ociManifest })).message).toMatch(
      /mediaType: "application\/vnd.docker.distribution.manifest.v2\+json" differs from the Content-Type "application\/vnd.oci.image.manifest.v1\+json"/,
    );
    expect(thrown(() => parseManifest(bytes(ociManifest()), { mediaType: mediaTypes.dockerManifest })).message).toMatch(/mediaType: missing; Docker manifests/);
    expect(thrown(() => parseManifest(bytes(ociManifest()), { mediaType: mediaTypes.ociIndex })).message).toMatch(/the registry sent Content-Type/);
  });

  it('rejects bytes that are not a JSON object', () => {
    for (const text of ['', 'nope', '[]', 'null', '"x"', '{"schemaVersion":2', '{"a":1}{"b":2}']) {
      expect(thrown(() => parseManifest(bytes(text)))).toBeInstanceOf(OciFormatError);
    }
    expect(thrown(() => parseManifest(new Uint8Array([0x7b, 0xff, 0x7d]))).message).toMatch(/not UTF-8 JSON/);
    expect(thrown(() => parseManifest('{}' as unknown as Uint8Array)).message).toMatch(/expected bytes/);
  });

  it('enforces the size limit before anything else, naming it', () => {
    const big = new Uint8Array(manifestLimits.maxManifestBytes + 1).fill(0x20);
    const error = thrown(() => parseManifest(big, { expectedDigest: digestOf(1) }));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.message).toBe('image manifest is 4194305 bytes; the limit is 4194304 bytes (4.0 MiB)');
    const doc = bytes(ociManifest());
    expect(thrown(() => parseManifest(doc, { maxBytes: doc.length - 1 }))).toBeInstanceOf(LimitExceededError);
    expect(parseManifest(doc, { maxBytes: doc.length }).layers).toHaveLength(3);
  });

  it('accepts a manifest of exactly 4 MiB', () => {
    const doc = bytes(ociManifest());
    const padded = Buffer.concat([doc, Buffer.alloc(manifestLimits.maxManifestBytes - doc.length, 0x20)]);
    expect(parseManifest(padded).layers).toHaveLength(3);
  });

  it('enforces the layer limit', () => {
    expect(parseManifest(bytes(ociManifest(1000))).layers).toHaveLength(1000);
    const error = thrown(() => parseManifest(bytes(ociManifest(1001))));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.message).toBe('image manifest has 1001 layers; the limit is 1000 layers per image');
    expect(thrown(() => parseManifest(bytes(ociManifest(3)), { maxLayers: 2 }))).toBeInstanceOf(LimitExceededError);
  });

  it('verifies the expected digest (sha256 and sha512)', () => {
    const doc = bytes(ociManifest());
    expect(parseManifest(doc, { expectedDigest: sha256Digest(doc) }).layers).toHaveLength(3);
    const sha512 = `sha512:${createHash('sha512').update(doc).digest('hex')}` as Digest;
    expect(parseManifest(doc, { expectedDigest: sha512 }).layers).toHaveLength(3);
    const error = thrown(() => parseManifest(doc, { expectedDigest: digestOf(1) }));
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).expected).toBe(digestOf(1));
    expect((error as DigestMismatchError).actual).toBe(sha256Digest(doc));
    expect(error.message).toMatch(/^image manifest digest: expected sha256:0+1, got sha256:/);
    expect(thrown(() => parseManifest(doc, { expectedDigest: 'md5:abc' }))).toBeInstanceOf(OciFormatError);
  });
});

describe('parseIndexManifest', () => {
  it('returns the index as parsed', () => {
    expect(parseIndexManifest(bytes(index()), { mediaType: mediaTypes.ociIndex })).toEqual(index());
    const list = { ...index(), mediaType: mediaTypes.dockerManifestList };
    expect(parseIndexManifest(bytes(list), { mediaType: mediaTypes.dockerManifestList }).manifests).toHaveLength(2);
  });

  it.each<[string, (doc: Record<string, unknown>) => void, RegExp]>([
    ['image mediaType', (d) => (d.mediaType = mediaTypes.ociManifest), /^invalid image index: mediaType: .* is not the media type of an image index/],
    ['missing manifests', (d) => delete d.manifests, /manifests: expected an array/],
    ['bad platform', (d) => (entry(d, 1).platform = { os: 'linux' }), /manifests\[1\]\.platform\.architecture: expected a string, got undefined/],
    [
      'bad variant',
      (d) => (entry(d, 0).platform = { os: 'linux', architecture: 'arm', variant: 7 }),
      /manifests\[0\]\.platform\.variant: expected a string, got 7/,
    ],
    ['bad os.version', (d) => (entry(d, 0).platform = { os: 'w', architecture: 'a', 'os.version': 1 }), /manifests\[0\]\.platform\["os\.version"\]/],
    ['bad os.features', (d) => (entry(d, 0).platform = { os: 'w', architecture: 'a', 'os.features': [1] }), /manifests\[0\]\.platform\["os\.features"\]\[0\]/],
    ['bad digest', (d) => (entry(d, 1).digest = 'sha256:'), /manifests\[1\]\.digest/],
  ])('%s', (_name, mutate, message) => {
    const doc = index();
    mutate(doc);
    expect(thrown(() => parseIndexManifest(bytes(doc))).message).toMatch(message);
  });

  it('checks the header', () => {
    expect(thrown(() => parseIndexManifest(bytes(index()), { mediaType: mediaTypes.dockerManifestList })).message).toMatch(/differs from the Content-Type/);
  });
});

describe('parseConfigFile', () => {
  it('returns the config as parsed, nulls and unknown fields included', () => {
    const doc = config();
    (doc.config as Record<string, unknown>).Labels = null;
    expect(parseConfigFile(bytes(doc))).toEqual(doc);
    expect(parseConfigFile(bytes({ ...config(), config: null, history: null })).os).toBe('linux');
  });

  it.each<[string, (doc: Record<string, unknown>) => void, RegExp]>([
    ['missing os', (d) => delete d.os, /^invalid image config: os: expected a string, got undefined$/],
    ['architecture number', (d) => (d.architecture = 1), /architecture: expected a string/],
    ['variant', (d) => (d.variant = {}), /variant: expected a string/],
    ['rootfs missing', (d) => delete d.rootfs, /rootfs: expected a JSON object/],
    ['rootfs type', (d) => ((d.rootfs as Record<string, unknown>).type = 'layer'), /rootfs\.type: expected "layers", got "layer"/],
    ['diff_ids missing', (d) => delete (d.rootfs as Record<string, unknown>).diff_ids, /rootfs\.diff_ids: expected an array/],
    ['diff_id bad', (d) => ((d.rootfs as { diff_ids: unknown[] }).diff_ids[1] = 'abc'), /rootfs\.diff_ids\[1\]: "abc" is not a digest/],
    ['Labels value', (d) => (cfg(d).Labels = { 'io.buildpacks.x': 1 }), /config\.Labels\["io\.buildpacks\.x"\]: expected a string, got 1/],
    ['Env entry', (d) => (cfg(d).Env = ['A=1', null]), /config\.Env\[1\]: expected a string, got null/],
    ['Entrypoint string', (d) => (cfg(d).Entrypoint = '/bin/sh'), /config\.Entrypoint: expected an array/],
    ['User', (d) => (cfg(d).User = 1000), /config\.User: expected a string, got 1000/],
    ['config array', (d) => (d.config = []), /^invalid image config: config: expected a JSON object, got an array$/],
    ['history entry', (d) => (d.history = ['x']), /history\[0\]: expected a JSON object/],
    ['history created_by', (d) => (d.history = [{ created_by: 7 }]), /history\[0\]\.created_by: expected a string, got 7/],
    ['history empty_layer', (d) => (d.history = [{ empty_layer: 'yes' }]), /history\[0\]\.empty_layer: expected true or false, got "yes"/],
    ['created', (d) => (d.created = 0), /^invalid image config: created: expected a string, got 0$/],
    ['ExposedPorts entry', (d) => (cfg(d).ExposedPorts = { '8080/tcp': true }), /config\.ExposedPorts\["8080\/tcp"\]: expected a JSON object, got true/],
    ['Volumes string', (d) => (cfg(d).Volumes = '/data'), /config\.Volumes: expected a JSON object/],
  ])('%s', (_name, mutate, message) => {
    const doc = config();
    mutate(doc);
    expect(thrown(() => parseConfigFile(bytes(doc))).message).toMatch(message);
  });

  it('enforces the 8 MiB and diff_ids limits', () => {
    const doc = bytes(config());
    const padded = Buffer.concat([doc, Buffer.alloc(manifestLimits.maxConfigBytes - doc.length, 0x20)]);
    expect(parseConfigFile(padded).os).toBe('linux');
    const over = thrown(() => parseConfigFile(Buffer.concat([padded, Buffer.from(' ')])));
    expect(over).toBeInstanceOf(LimitExceededError);
    expect(over.message).toMatch(/^image config is 8388609 bytes; the limit is 8388608 bytes \(8\.0 MiB\)$/);
    expect(thrown(() => parseConfigFile(bytes(config(1001)))).message).toBe('image config has 1001 rootfs.diff_ids; the limit is 1000 layers per image');
    expect(thrown(() => parseConfigFile(doc, { expectedDigest: digestOf(5) }))).toBeInstanceOf(DigestMismatchError);
  });
});

describe('parseAnyManifest', () => {
  it('tells images from indexes by field, header or shape', () => {
    expect(parseAnyManifest(bytes(index())).kind).toBe('index');
    expect(parseAnyManifest(bytes(dockerManifest())).kind).toBe('image');
    expect(parseAnyManifest(bytes(ociManifest()), mediaTypes.ociManifest).kind).toBe('image');
    expect(parseAnyManifest(bytes({ ...index(), mediaType: undefined }), mediaTypes.ociIndex).kind).toBe('index');
    expect(parseAnyManifest(bytes({ ...index(), mediaType: undefined })).kind).toBe('index');
    expect(parseAnyManifest(bytes(ociManifest()), 'application/octet-stream').kind).toBe('image');
    const result = parseAnyManifest(bytes(ociManifest()));
    expect(result.kind === 'image' && result.manifest.layers).toHaveLength(3);
  });

  it('rejects disagreements and unknown types with the kind in the message', () => {
    expect(thrown(() => parseAnyManifest(bytes(index()), mediaTypes.ociManifest)).message).toMatch(
      /^invalid image index: mediaType: .*differs from the Content-Type/,
    );
    expect(thrown(() => parseAnyManifest(bytes({ ...ociManifest(), mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' }))).message).toMatch(
      /^invalid manifest: mediaType: ".*prettyjws" is not a manifest type packsmith reads/,
    );
    expect(thrown(() => parseAnyManifest(bytes({ schemaVersion: 2 }))).message).toMatch(/neither an image manifest/);
    expect(thrown(() => parseAnyManifest(bytes({ schemaVersion: 1, fsLayers: [] }))).message).toMatch(/schema 1/);
    expect(thrown(() => parseAnyManifest(bytes({ ...ociManifest(1), layers: [{}] }))).message).toMatch(/^invalid image manifest: layers\[0\]\.mediaType/);
  });

  it('applies limits and digests', () => {
    expect(thrown(() => parseAnyManifest(bytes(ociManifest(1001))))).toBeInstanceOf(LimitExceededError);
    expect(thrown(() => parseAnyManifest(bytes(index()), undefined, { expectedDigest: digestOf(1) }))).toBeInstanceOf(DigestMismatchError);
    expect(thrown(() => parseAnyManifest(bytes(index()), undefined, { maxBytes: 10 }))).toBeInstanceOf(LimitExceededError);
  });
});

describe('checkLayerCount', () => {
  it('passes when counts match and names both counts otherwise', () => {
    const manifest = parseManifest(bytes(ociManifest(3)));
    expect(() => checkLayerCount(manifest, parseConfigFile(bytes(config(3))))).not.toThrow();
    const error = thrown(() => checkLayerCount(manifest, parseConfigFile(bytes(config(2)))));
    expect(error).toBeInstanceOf(OciFormatError);
    expect(error.message).toBe("image manifest lists 3 layers but its config's rootfs.diff_ids has 2 entries; each layer needs exactly one diff_id");
  });

  it('layersWithDiffIds pairs each layer with the diff_id at its position, or throws the same error', () => {
    const manifest = parseManifest(bytes(ociManifest(2)));
    const pairs = layersWithDiffIds(manifest, parseConfigFile(bytes(config(2))));
    expect(pairs.map((p) => [p.descriptor.digest, p.diffId])).toEqual([
      [digestOf(10), digestOf(100)],
      [digestOf(11), digestOf(101)],
    ]);
    expect(thrown(() => layersWithDiffIds(manifest, parseConfigFile(bytes(config(3))))).message).toMatch(/lists 2 layers but .* has 3 entries/);
  });
});

describe('robustness', () => {
  const allowed = (error: unknown): boolean => error instanceof OciFormatError || error instanceof LimitExceededError || error instanceof DigestMismatchError;
  const parsers = [
    (b: Uint8Array) => parseManifest(b),
    (b: Uint8Array) => parseIndexManifest(b),
    (b: Uint8Array) => parseConfigFile(b),
    (b: Uint8Array) => parseAnyManifest(b),
    (b: Uint8Array) => parseAnyManifest(b, mediaTypes.dockerManifestList),
  ];

  function onlyTypedErrors(input: Uint8Array): void {
    for (const parse of parsers) {
      try {
        const result = parse(input);
        expect(typeof result).toBe('object');
      } catch (error) {
        if (!allowed(error)) throw error;
      }
    }
  }

  it('arbitrary bytes give only typed errors', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), onlyTypedErrors), { numRuns: 1000 });
  });

  it('arbitrary JSON gives only typed errors', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (text) => onlyTypedErrors(bytes(text))),
      { numRuns: 1000 },
    );
  });

  it('valid documents with one field replaced by arbitrary JSON give a result equal to the input, or a typed error', () => {
    const base = fc.constantFrom(ociManifest(2), dockerManifest(), index(), config(2));
    const mutation = fc.tuple(
      base,
      fc.array(
        fc.oneof(
          fc.constantFrom('layers', 'manifests', 'config', 'rootfs', 'mediaType', 'platform', 'digest', 'size', 'diff_ids', 'Labels', 'schemaVersion', 0, 1),
          fc.string(),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      fc.jsonValue({ maxDepth: 3 }),
    );
    fc.assert(
      fc.property(mutation, ([doc, path, value]) => {
        const copy = structuredClone<Record<string, unknown>>(doc);
        setPath(copy, path, value);
        const input = bytes(copy);
        for (const parse of parsers) {
          try {
            expect(unwrap(parse(input))).toEqual(JSON.parse(Buffer.from(input).toString('utf8')));
          } catch (error) {
            if (!allowed(error)) throw error;
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  // How long these take is measured in bench/hostile-inputs.ts; here: what comes out.
  it('deeply nested JSON is a typed format error, not a crash', () => {
    const depth = 500_000;
    const cases: Array<[string, RegExp]> = [
      [`${'['.repeat(depth)}${']'.repeat(depth)}`, /^invalid manifest: expected a JSON object, got an array$/],
      [`{"schemaVersion":2,"x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)},"layers":[]}`, /^invalid image manifest: config: /],
    ];
    for (const [text, reason] of cases) {
      expect(() => parseAnyManifest(bytes(text))).toThrow(OciFormatError);
      expect(() => parseAnyManifest(bytes(text))).toThrow(reason);
    }
  });

  it('parses a 1000-layer manifest', () => {
    const doc = bytes(ociManifest(1000));
    const manifest = parseManifest(doc, { expectedDigest: sha256Digest(doc) });
    expect(manifest.layers).toHaveLength(1000);
    expect(new Set(manifest.layers.map((l) => l.digest)).size).toBe(1000);
  });
});

function unwrap(result: object): object {
  if ('kind' in result) return 'index' in result ? (result.index as object) : (result as unknown as { manifest: object }).manifest;
  return result;
}

function layer(doc: Record<string, unknown>, i: number): Record<string, unknown> {
  return (doc.layers as Record<string, unknown>[])[i]!;
}

function entry(doc: Record<string, unknown>, i: number): Record<string, unknown> {
  return (doc.manifests as Record<string, unknown>[])[i]!;
}

function cfg(doc: Record<string, unknown>): Record<string, unknown> {
  return doc.config as Record<string, unknown>;
}

// Walks `path` as far as it exists and sets the last reachable key, so every mutation lands somewhere.
function setPath(target: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: unknown = target;
  for (const [i, key] of path.entries()) {
    const child = (node as Record<string | number, unknown>)[key];
    if (i === path.length - 1 || typeof child !== 'object' || child === null) {
      (node as Record<string | number, unknown>)[key] = value;
      return;
    }
    node = child;
  }
}
