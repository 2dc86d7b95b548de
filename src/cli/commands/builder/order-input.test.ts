// The three order inputs of builder create/patch/save: --buildpack values, an order file and an
// image's order label; and kp's rule that at most one of them is given.
import { describe, expect, it } from 'vitest';
import { CliError } from '../../errors.ts';
import { checkOneOrderSource, orderFromBuildpacks, parseOrderLabel, parseOrderYaml, readOrderFlags, readOrderInput } from './order-input.ts';

describe('order flags', () => {
  it('splits comma-separated --buildpack values and keeps their order', () => {
    expect(readOrderFlags({ buildpack: ['test/web,test/ruby@1.0.0', 'test/go'] }).buildpacks).toEqual(['test/web', 'test/ruby@1.0.0', 'test/go']);
  });

  it('makes one group of id and id@version', () => {
    expect(orderFromBuildpacks(['test/web', 'test/ruby@1.0.0'])).toEqual([{ group: [{ id: 'test/web' }, { id: 'test/ruby', version: '1.0.0' }] }]);
  });

  it("refuses two ways of giving the order with kp's message, as a usage error", () => {
    let caught: unknown;
    try {
      checkOneOrderSource({ order: 'order.yaml', buildpacks: ['test/web'] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).message).toBe('only one of --order, --buildpack, or --order-from can be specified');
    expect((caught as CliError).exitCode).toBe(2);
    expect(() => checkOneOrderSource({ buildpacks: [], orderFrom: 'img', order: '-' })).toThrow('only one of');
    expect(() => checkOneOrderSource({ buildpacks: ['a'] })).not.toThrow();
  });
});

describe('order file', () => {
  it('reads a YAML list of groups with ids, versions, optional flags and object references', () => {
    const yaml = '- group:\n  - id: test/web\n  - id: test/ruby\n    version: 1.0.0\n    optional: true\n- group:\n  - kind: ClusterBuildpack\n    name: go\n';
    expect(parseOrderYaml(yaml, 'order.yaml')).toEqual([
      { group: [{ id: 'test/web' }, { id: 'test/ruby', version: '1.0.0', optional: true }] },
      { group: [{ kind: 'ClusterBuildpack', name: 'go' }] },
    ]);
  });

  it('names the file and the bad field', () => {
    expect(() => parseOrderYaml('- group:\n  - id: test/web\n    versoin: 1\n', 'order.yaml')).toThrow(
      /order\.yaml is not a valid order[\s\S]*order\.0\.group\.0/,
    );
    expect(() => parseOrderYaml('group: [', 'order.yaml')).toThrow(/^order\.yaml: /);
  });

  it('takes an empty file as an empty order', () => {
    expect(parseOrderYaml('', 'order.yaml')).toEqual([]);
  });
});

describe('order label', () => {
  it('reads io.buildpacks.buildpack.order', () => {
    const labels = {
      'io.buildpacks.buildpack.order': JSON.stringify([
        {
          group: [
            { id: 'test/web', version: '2.0.0' },
            { id: 'test/ruby', version: '1.0.0', optional: true },
          ],
        },
      ]),
    };
    expect(parseOrderLabel(labels, 'r/builder')).toEqual([
      {
        group: [
          { id: 'test/web', version: '2.0.0' },
          { id: 'test/ruby', version: '1.0.0', optional: true },
        ],
      },
    ]);
  });

  it('says so when the image has no order label', () => {
    expect(() => parseOrderLabel({}, 'r/not-a-builder')).toThrow('image r/not-a-builder does not contain the io.buildpacks.buildpack.order label');
  });

  it('is read only when --order-from is given', async () => {
    const asked: string[] = [];
    const readers = {
      imageLabels: (reference: string): Promise<Record<string, string>> => {
        asked.push(reference);
        return Promise.resolve({ 'io.buildpacks.buildpack.order': '[{"group":[{"id":"a"}]}]' });
      },
      readText: (): Promise<string> => Promise.resolve('- group: [{id: b}]'),
    };
    expect(await readOrderInput({ buildpacks: [] }, readers)).toBeUndefined();
    expect(await readOrderInput({ buildpacks: [], order: 'o.yaml' }, readers)).toEqual([{ group: [{ id: 'b' }] }]);
    expect(await readOrderInput({ buildpacks: [], orderFrom: 'r/b' }, readers)).toEqual([{ group: [{ id: 'a' }] }]);
    expect(asked).toEqual(['r/b']);
  });
});
