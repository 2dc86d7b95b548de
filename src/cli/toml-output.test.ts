import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { formatToml } from './toml-output.ts';

describe('formatToml', () => {
  it('writes tables, arrays of tables and inline lists that a TOML parser reads back', () => {
    const value = {
      reference: 'r.test/b:1',
      'odd key': 'tab\there "quoted" \u007f',
      runImages: ['r.test/run', 'mirror.test/run'],
      skipped: undefined,
      nothing: null,
      lifecycle: { version: '0.21.17', apis: { buildpack: { supported: ['0.7', '0.10'] } } },
      order: [{ group: [{ id: 'a', optional: true, order: [{ group: [{ id: 'b' }] }] }, { id: 'c' }] }, { group: [{ id: 'd' }] }],
      grid: [
        [1, 2],
        [3, 4],
      ],
    };
    const text = formatToml(value);
    expect(text).toContain('[[order.group]]');
    expect(text).toContain('[[order.group.order.group]]');
    const { skipped: _skipped, nothing: _nothing, ...expected } = value;
    expect(parse(text)).toEqual(expected);
  });
});
