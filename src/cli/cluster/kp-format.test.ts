import { describe, expect, it } from 'vitest';
import { alignColumns } from './tabwriter.ts';
import { formatKpTable, formatStatusBlock, resultSuffix } from './kp-format.ts';
import { mergePatchOf } from './merge-patch.ts';

describe('alignColumns (Go text/tabwriter rules, padding 4)', () => {
  it('lays out kp builder status exactly as kp prints it', () => {
    const text =
      [
        'Status:\tReady',
        'Image:\tsome-registry.com/test-builder-1:tag',
        'Stack ID:\tio.buildpacks.stacks.centos',
        'Run Image:\tgcr.io/paketo-buildpacks/run@sha256:1',
        '',
        'Stack Ref:\t ',
        '  Name:\ttest-stack',
        '  Kind:\tClusterStack',
        'Store Ref:\t ',
        '  Name:\ttest-store',
        '  Kind:\tClusterStore',
        '',
        'BUILDPACK ID\tVERSION\tHOMEPAGE',
        'org.cloudfoundry.nodejs\tv0.2.1\thttps://github.com/paketo-buildpacks/nodejs',
        'org.cloudfoundry.go\tv0.0.3\thttps://github.com/paketo-buildpacks/go',
        '',
      ].join('\n') + '\n';
    expect(alignColumns(text)).toBe(
      [
        'Status:       Ready',
        'Image:        some-registry.com/test-builder-1:tag',
        'Stack ID:     io.buildpacks.stacks.centos',
        'Run Image:    gcr.io/paketo-buildpacks/run@sha256:1',
        '',
        'Stack Ref:     ',
        '  Name:       test-stack',
        '  Kind:       ClusterStack',
        'Store Ref:     ',
        '  Name:       test-store',
        '  Kind:       ClusterStore',
        '',
        'BUILDPACK ID               VERSION    HOMEPAGE',
        'org.cloudfoundry.nodejs    v0.2.1     https://github.com/paketo-buildpacks/nodejs',
        'org.cloudfoundry.go        v0.0.3     https://github.com/paketo-buildpacks/go',
        '',
      ].join('\n') + '\n',
    );
  });

  it('sizes a column over each run of lines that have a cell in it', () => {
    // The second line has no cell in column 1, so the third line's column 1 starts afresh.
    expect(alignColumns('a\tbb\tc\nx\ty\nlonger-name\tz\tw\n')).toBe('a              bb    c\nx              y\nlonger-name    z    w\n');
    expect(alignColumns('a\tb\n\nlong\tc\n')).toBe('a    b\n\nlong    c\n');
  });

  it('leaves text without tabs alone', () => {
    expect(alignColumns('plain\n\n')).toBe('plain\n\n');
  });
});

describe('kp shapes', () => {
  it('prints a status block with -- for empty values and a closing empty line', () => {
    expect(
      formatStatusBlock([
        ['Status', 'Ready'],
        ['Id', ''],
        ['Run Image', undefined],
      ]),
    ).toBe('Status:       Ready\nId:           --\nRun Image:    --\n\n');
  });

  it('prints a table with an upper-case header and a closing empty line', () => {
    expect(
      formatKpTable(
        ['Name', 'Ready'],
        [
          ['default', 'True'],
          ['other-store', 'False'],
        ],
      ),
    ).toBe('NAME           READY\ndefault        True\nother-store    False\n\n');
  });

  it('suffixes result lines by mode', () => {
    expect(resultSuffix('dry-run')).toBe(' (dry run)');
    expect(resultSuffix('dry-run-with-image-upload')).toBe(' (dry run with image upload)');
    expect(resultSuffix('apply', false)).toBe(' (no change)');
    expect(resultSuffix('apply')).toBe('');
  });
});

describe('mergePatchOf', () => {
  it('sends only changes, nulls for removed keys, arrays whole', () => {
    const before = { spec: { tag: 'a', order: [{ group: [{ id: 'x' }] }], store: { name: 's', kind: 'ClusterStore' } } };
    const after = { spec: { tag: 'b', order: [{ group: [{ id: 'x' }, { id: 'y' }] }], stack: { name: 'st' } } };
    expect(mergePatchOf(before, after)).toEqual({ spec: { tag: 'b', order: [{ group: [{ id: 'x' }, { id: 'y' }] }], store: null, stack: { name: 'st' } } });
  });

  it('is undefined when nothing changed', () => {
    expect(mergePatchOf({ spec: { a: [1, { b: 2 }] } }, { spec: { a: [1, { b: 2 }] } })).toBeUndefined();
  });
});
