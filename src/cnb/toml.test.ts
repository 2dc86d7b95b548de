import fc from 'fast-check';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import type { OrderEntry } from './records.ts';
import { renderOrderToml, renderRunToml, renderStackToml, tomlString } from './toml.ts';

describe('renderOrderToml', () => {
  it("matches kpack's order.toml byte for byte", () => {
    const order: OrderEntry[] = [
      {
        group: [
          { id: 'io.buildpack.1', version: 'v1' },
          { id: 'io.buildpack.2', version: 'v2', optional: true },
          { id: 'io.buildpack.4', version: 'v4', optional: false },
        ],
      },
    ];
    expect(renderOrderToml(order)).toBe(`[[order]]

  [[order.group]]
    id = "io.buildpack.1"
    version = "v1"

  [[order.group]]
    id = "io.buildpack.2"
    version = "v2"
    optional = true

  [[order.group]]
    id = "io.buildpack.4"
    version = "v4"
`);
  });

  it('separates several order entries by a blank line and parses back to the same order', () => {
    const order: OrderEntry[] = [{ group: [{ id: 'a', version: '1' }] }, { group: [{ id: 'b', version: '2', optional: true }, { id: 'c' }] }];
    const text = renderOrderToml(order);
    expect(text).toBe(
      '[[order]]\n\n  [[order.group]]\n    id = "a"\n    version = "1"\n\n[[order]]\n\n  [[order.group]]\n    id = "b"\n    version = "2"\n    optional = true\n\n  [[order.group]]\n    id = "c"\n',
    );
    expect(parse(text)).toEqual({ order });
  });

  it('renders empty orders and groups as valid TOML', () => {
    expect(parse(renderOrderToml([]))).toEqual({ order: [] });
    expect(parse(renderOrderToml([{ group: [] }]))).toEqual({ order: [{ group: [] }] });
  });

  it('round-trips arbitrary ids and versions through a TOML parser', () => {
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 });
    const entry = fc.record({ id: text, version: text, optional: fc.boolean() });
    fc.assert(
      fc.property(fc.array(fc.array(entry, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), (groups) => {
        const order = groups.map((group) => ({ group }));
        const expected = groups.map((group) => ({ group: group.map((g) => (g.optional ? g : { id: g.id, version: g.version })) }));
        expect(parse(renderOrderToml(order))).toEqual({ order: expected });
      }),
      { numRuns: 300 },
    );
  });
});

describe('renderStackToml', () => {
  it("matches kpack's stack.toml", () => {
    expect(renderStackToml({ image: 'paketo-buildpacks/run:full-cnb' })).toBe('[run-image]\n  image = "paketo-buildpacks/run:full-cnb"\n');
  });

  it('adds mirrors when there are some', () => {
    const text = renderStackToml({ image: 'reg/run@sha256:1', mirrors: ['m1/run', 'm2/run'] });
    expect(text).toBe('[run-image]\n  image = "reg/run@sha256:1"\n  mirrors = ["m1/run", "m2/run"]\n');
    expect(parse(text)).toEqual({ 'run-image': { image: 'reg/run@sha256:1', mirrors: ['m1/run', 'm2/run'] } });
  });
});

describe('renderRunToml', () => {
  it('lists every run image with its mirrors, the default first (D-h)', () => {
    const text = renderRunToml([{ image: 'reg/builder:tag-run-image@sha256:1' }, { image: 'other/run', mirrors: ['mirror/run'] }]);
    expect(text).toBe(
      '[[images]]\n  image = "reg/builder:tag-run-image@sha256:1"\n  mirrors = []\n\n[[images]]\n  image = "other/run"\n  mirrors = ["mirror/run"]\n',
    );
    expect(parse(text)).toEqual({
      images: [
        { image: 'reg/builder:tag-run-image@sha256:1', mirrors: [] },
        { image: 'other/run', mirrors: ['mirror/run'] },
      ],
    });
  });

  it('renders no images as an empty list', () => {
    expect(parse(renderRunToml([]))).toEqual({ images: [] });
  });
});

describe('tomlString', () => {
  it.each([
    ['plain', '"plain"'],
    ['a"b', '"a\\"b"'],
    ['back\\slash', '"back\\\\slash"'],
    ['tab\tnl\n', '"tab\\tnl\\n"'],
    ['\u0001\u007f', '"\\u0001\\u007F"'],
    ['ünï 🚀', '"ünï 🚀"'],
  ])('%j → %s', (value, expected) => {
    expect(tomlString(value)).toBe(expected);
    expect(parse(`v = ${expected}`)).toEqual({ v: value });
  });
});
