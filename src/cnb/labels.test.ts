import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigFile } from '../oci/index.ts';
import { isAppError } from '../shared/index.ts';
import {
  CnbFormatError,
  labelKeys,
  maxLabelBytes,
  parseBuildpackageMetadata,
  parseBuildpackLayers,
  parseBuildpackOrder,
  parseLifecycleApis,
  parseLifecycleMetadata,
  parseStackMixins,
  readLabel,
  requireLabel,
} from './labels.ts';

const diff = `sha256:${'a'.repeat(64)}`;

function configWith(labels: unknown): ConfigFile {
  return { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: labels as Record<string, string> } };
}

function errorOf(run: () => unknown): CnbFormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof CnbFormatError) return error;
    throw error;
  }
  throw new Error('expected a CnbFormatError');
}

describe('readLabel / requireLabel', () => {
  it('reads own string labels only', () => {
    const config = configWith({ a: 'x', n: 5 });
    expect(readLabel(config, 'a')).toBe('x');
    expect(readLabel(config, 'n')).toBeUndefined();
    expect(readLabel(config, 'toString')).toBeUndefined();
    expect(readLabel(configWith(null), 'a')).toBeUndefined();
    expect(readLabel({ ...configWith({}), config: undefined }, 'a')).toBeUndefined();
  });

  it("says which label is missing, in kpack's words", () => {
    const error = errorOf(() => requireLabel(configWith({}), labelKeys.buildpackLayers));
    expect(error.message).toBe('could not find label io.buildpacks.buildpack.layers');
    expect(error.label).toBe(labelKeys.buildpackLayers);
    expect(error.code).toBe('CNB_FORMAT');
    expect(error.retryable).toBe(false);
  });
});

describe('parseBuildpackLayers', () => {
  it('reads every id/version with all the fields kpack keeps, plus targets', () => {
    const text = JSON.stringify({
      'org.meta': { '0.0.2': { api: '0.2', layerDiffID: diff, order: [{ group: [{ id: 'org.multi', version: '0.0.1', optional: true }] }], homepage: 'h' } },
      'org.multi': {
        '0.0.1': { api: '0.10', layerDiffID: diff, stacks: [{ id: 'org.stack', mixins: ['m'] }, { id: '*' }], extra: 1 },
        '0.0.2': { api: '0.10', layerDiffID: diff, targets: [{ os: 'linux', arch: 'arm64', distros: [{ name: 'ubuntu', version: '22.04' }] }], name: 'Multi' },
      },
    });
    expect(parseBuildpackLayers(text)).toStrictEqual([
      {
        id: 'org.meta',
        version: '0.0.2',
        api: '0.2',
        layerDiffID: diff,
        order: [{ group: [{ id: 'org.multi', version: '0.0.1', optional: true }] }],
        homepage: 'h',
      },
      { id: 'org.multi', version: '0.0.1', api: '0.10', layerDiffID: diff, stacks: [{ id: 'org.stack', mixins: ['m'] }, { id: '*' }] },
      {
        id: 'org.multi',
        version: '0.0.2',
        api: '0.10',
        layerDiffID: diff,
        targets: [{ os: 'linux', arch: 'arm64', distros: [{ name: 'ubuntu', version: '22.04' }] }],
        name: 'Multi',
      },
    ]);
  });

  it('reads null lists (Go nil slices) as absent', () => {
    const text = JSON.stringify({ a: { '1': { api: '0.2', layerDiffID: diff, stacks: null, order: null, targets: null } } });
    expect(parseBuildpackLayers(text)).toStrictEqual([{ id: 'a', version: '1', api: '0.2', layerDiffID: diff }]);
  });

  it('keeps a __proto__ id as plain data', () => {
    const entries = parseBuildpackLayers(`{"__proto__":{"1":{"layerDiffID":"${diff}"}}}`);
    expect(entries).toStrictEqual([{ id: '__proto__', version: '1', layerDiffID: diff }]);
    expect(({} as Record<string, unknown>).layerDiffID).toBeUndefined();
  });

  it.each([
    ['not JSON', '{', /^label io\.buildpacks\.buildpack\.layers is not valid JSON: /],
    ['an array', '[]', /^label io\.buildpacks\.buildpack\.layers: expected an object, received array$/],
    ['versions not an object', '{"a":"x"}', /^label io\.buildpacks\.buildpack\.layers: buildpack a: expected an object, received string$/],
    [
      'missing diffID',
      '{"a":{"1":{"api":"0.2"}}}',
      /^label io\.buildpacks\.buildpack\.layers: buildpack a@1: layerDiffID: expected string, received undefined$/,
    ],
    ['bad stack id', '{"a":{"1":{"layerDiffID":"x","stacks":[{"id":3}]}}}', /: buildpack a@1: stacks\[0\]\.id: expected string, received number$/],
    [
      'bad group entry',
      '{"a":{"1":{"layerDiffID":"x","order":[{"group":[{"id":"b","optional":"yes"}]}]}}}',
      /: buildpack a@1: order\[0\]\.group\[0\]\.optional: expected boolean/,
    ],
    ['empty id', '{"":{"1":{"layerDiffID":"x"}}}', /a buildpack id is empty/],
    ['empty version', '{"a":{"":{"layerDiffID":"x"}}}', /buildpack a has an empty version/],
  ])('rejects %s with a message naming label and field', (_name, text, pattern) => {
    const error = errorOf(() => parseBuildpackLayers(text));
    expect(error.message).toMatch(pattern);
    expect(error.label).toBe(labelKeys.buildpackLayers);
  });

  it('refuses labels over the size limit before parsing them', () => {
    const text = `{"a":"${'x'.repeat(maxLabelBytes)}"}`;
    expect(errorOf(() => parseBuildpackLayers(text)).message).toBe(
      `label io.buildpacks.buildpack.layers is ${maxLabelBytes + 8} bytes; packsmith reads at most 1048576 bytes per label`,
    );
  });
});

describe('small labels', () => {
  it('buildpackage metadata keeps id, version and homepage only', () => {
    const text = '{"id":"org.meta","version":"0.0.2","homepage":"h","stacks":[{"id":"s"}],"keywords":["k"]}';
    expect(parseBuildpackageMetadata(text)).toStrictEqual({ id: 'org.meta', version: '0.0.2', homepage: 'h' });
    expect(parseBuildpackageMetadata('{}')).toStrictEqual({});
    expect(errorOf(() => parseBuildpackageMetadata('{"id":1}')).message).toBe(
      'label io.buildpacks.buildpackage.metadata: id: expected string, received number',
    );
  });

  it('stack mixins are a string array, null meaning none', () => {
    expect(parseStackMixins('["a","build:b"]')).toEqual(['a', 'build:b']);
    expect(parseStackMixins('null')).toEqual([]);
    expect(errorOf(() => parseStackMixins('["a",1]')).message).toBe('label io.buildpacks.stack.mixins: [1]: expected string, received number');
  });

  it('buildpack order keeps optional only where written', () => {
    const text = '[{"group":[{"id":"a","version":"1"},{"id":"b","version":"2","optional":true}]}]';
    expect(parseBuildpackOrder(text)).toStrictEqual([
      {
        group: [
          { id: 'a', version: '1' },
          { id: 'b', version: '2', optional: true },
        ],
      },
    ]);
  });

  it('lifecycle metadata reads the version and the top-level api (kpack test fixture)', () => {
    const text = '{"lifecycle":{"version":"some-version"},"api":{"buildpack":"0.7","platform":"0.7"}}';
    expect(parseLifecycleMetadata(text)).toStrictEqual({ version: 'some-version', api: { buildpack: '0.7', platform: '0.7' } });
  });

  it('lifecycle metadata falls back to a pack-style lifecycle.api', () => {
    const text = '{"lifecycle":{"version":"0.21.0","api":{"buildpack":"0.7","platform":"0.7"}}}';
    expect(parseLifecycleMetadata(text)).toStrictEqual({ version: '0.21.0', api: { buildpack: '0.7', platform: '0.7' } });
    expect(parseLifecycleMetadata('{}')).toStrictEqual({ api: {} });
  });

  it('lifecycle apis drop empty and null lists', () => {
    const text = '{"buildpack":{"deprecated":[],"supported":["0.7","0.8"]},"platform":{"deprecated":null,"supported":["0.7"]}}';
    expect(parseLifecycleApis(text)).toStrictEqual({ buildpack: { supported: ['0.7', '0.8'] }, platform: { supported: ['0.7'] } });
    expect(parseLifecycleApis('{}')).toStrictEqual({ buildpack: {}, platform: {} });
  });
});

describe('hostile label text', () => {
  const parsers = [parseBuildpackLayers, parseBuildpackageMetadata, parseStackMixins, parseBuildpackOrder, parseLifecycleMetadata, parseLifecycleApis];

  function neverCrashes(text: string): void {
    for (const parse of parsers) {
      try {
        parse(text);
      } catch (error) {
        expect(error).toBeInstanceOf(CnbFormatError);
        expect(isAppError(error)).toBe(true);
      }
    }
  }

  it('random strings either parse or fail with CnbFormatError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), neverCrashes), { numRuns: 500 });
  });

  it('random JSON values either parse or fail with CnbFormatError', () => {
    fc.assert(fc.property(fc.json({ maxDepth: 6 }), neverCrashes), { numRuns: 500 });
  });

  it('deeply nested JSON does not blow the stack', () => {
    neverCrashes(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    neverCrashes(`{"a":{"1":{"layerDiffID":"x","order":${'['.repeat(50_000)}${']'.repeat(50_000)}}}}`);
  });
});
