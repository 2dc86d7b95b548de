import { describe, expect, it } from 'vitest';
import { resolveLocalImagePath, resolveSpecImagePaths } from './relative-images.ts';

const digest = `sha256:${'a'.repeat(64)}`;

describe('resolveLocalImagePath', () => {
  it('makes relative layout and .cnb paths absolute against the base directory', () => {
    expect(resolveLocalImagePath('oci:images/run:sample', '/work/samples')).toBe('oci:/work/samples/images/run:sample');
    expect(resolveLocalImagePath(`oci:../shared/run@${digest}`, '/work/samples')).toBe(`oci:/work/shared/run@${digest}`);
    expect(resolveLocalImagePath('file:pkgs/web', '/w')).toBe('file:/w/pkgs/web');
    expect(resolveLocalImagePath('pkgs/web.cnb', '/w')).toBe('/w/pkgs/web.cnb');
    expect(resolveLocalImagePath(`web.cnb@${digest}`, '/w')).toBe(`/w/web.cnb@${digest}`);
  });

  it('leaves absolute paths, registry references and empty paths alone', () => {
    expect(resolveLocalImagePath('oci:/abs/run:sample', '/w')).toBe('oci:/abs/run:sample');
    expect(resolveLocalImagePath('/abs/web.cnb', '/w')).toBe('/abs/web.cnb');
    expect(resolveLocalImagePath('registry.example.com/team/run:v1', '/w')).toBe('registry.example.com/team/run:v1');
    expect(resolveLocalImagePath('localhost:5000/run', '/w')).toBe('localhost:5000/run');
    expect(resolveLocalImagePath('oci:', '/w')).toBe('oci:');
  });
});

describe('resolveSpecImagePaths', () => {
  it('rewrites every image field of the seven kinds and nothing else', () => {
    const spec = {
      sources: [{ image: 'oci:a' }, { image: 'gcr.io/x/y' }],
      image: 'b.cnb',
      buildImage: { image: 'oci:build' },
      runImage: { image: 'oci:run:v1' },
      tag: 'oci:out/builder',
      order: [{ group: [{ id: 'x' }, { image: 'oci:c' }] }],
      id: 'oci:not-an-image',
    };
    expect(resolveSpecImagePaths(spec, '/base')).toEqual({
      sources: [{ image: 'oci:/base/a' }, { image: 'gcr.io/x/y' }],
      image: '/base/b.cnb',
      buildImage: { image: 'oci:/base/build' },
      runImage: { image: 'oci:/base/run:v1' },
      tag: 'oci:/base/out/builder',
      order: [{ group: [{ id: 'x' }, { image: 'oci:/base/c' }] }],
      id: 'oci:not-an-image',
    });
    expect(spec.sources[0]).toEqual({ image: 'oci:a' });
  });

  it('keeps fields of unexpected shapes for validation to report', () => {
    const spec = { sources: 'oci:a', buildImage: 'oci:b', order: { group: 1 }, tag: 3 };
    expect(resolveSpecImagePaths(spec, '/base')).toEqual(spec);
    expect(resolveSpecImagePaths(null, '/base')).toBeNull();
  });
});
