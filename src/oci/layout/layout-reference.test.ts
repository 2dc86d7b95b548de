import { describe, expect, it } from 'vitest';
import { formatLayoutReference, parseLayoutReference } from './layout-reference.ts';

const digest = `sha256:${'ab'.repeat(32)}`;
const nothingExists = { exists: (): boolean => false };

describe('parseLayoutReference', () => {
  it.each([
    ['oci:/tmp/img', { kind: 'oci-layout', path: '/tmp/img' }],
    ['oci:/tmp/img:v1', { kind: 'oci-layout', path: '/tmp/img', tag: 'v1' }],
    ['oci:rel/dir:1.0.0-rc_1', { kind: 'oci-layout', path: 'rel/dir', tag: '1.0.0-rc_1' }],
    ['oci:/tmp/a:b:v1', { kind: 'oci-layout', path: '/tmp/a:b', tag: 'v1' }],
    ['oci:/tmp/x:y/z', { kind: 'oci-layout', path: '/tmp/x:y/z' }],
    ['oci:/tmp/img:', { kind: 'oci-layout', path: '/tmp/img:' }],
    ['oci::v1', { kind: 'oci-layout', path: ':v1' }],
    [`oci:/tmp/img@${digest}`, { kind: 'oci-layout', path: '/tmp/img', digest }],
    [`oci:/tmp/a@b@${digest}`, { kind: 'oci-layout', path: '/tmp/a@b', digest }],
    ['oci:/tmp/a@b:v1', { kind: 'oci-layout', path: '/tmp/a@b', tag: 'v1' }],
    ['file:/tmp/bp', { kind: 'cnb-file', path: '/tmp/bp' }],
    ['file:/tmp/a:b.cnb', { kind: 'cnb-file', path: '/tmp/a:b.cnb' }],
    ['./bp.cnb', { kind: 'cnb-file', path: './bp.cnb' }],
    ['/abs/x-linux-amd64.cnb', { kind: 'cnb-file', path: '/abs/x-linux-amd64.cnb' }],
  ])('%s', (input, expected) => {
    expect(parseLayoutReference(input, nothingExists)).toEqual(expected);
  });

  it('keeps the whole path when a directory with the colon in its name exists', () => {
    const exists = (path: string): boolean => path === '/tmp/img:v1';
    expect(parseLayoutReference('oci:/tmp/img:v1', { exists })).toEqual({ kind: 'oci-layout', path: '/tmp/img:v1' });
  });

  it('leaves registry references alone', () => {
    expect(parseLayoutReference('docker.io/library/busybox:latest', nothingExists)).toBeUndefined();
    expect(parseLayoutReference('127.0.0.1:5000/a/b@' + digest, nothingExists)).toBeUndefined();
  });

  it('rejects an empty path', () => {
    expect(() => parseLayoutReference('oci:', nothingExists)).toThrow(/names no path/);
    expect(() => parseLayoutReference('file:', nothingExists)).toThrow(/names no path/);
    expect(() => parseLayoutReference('oci:/tmp/img@sha256:short', nothingExists)).toThrow(/malformed digest "sha256:short"/);
  });

  it('formats references back into the same syntax', () => {
    for (const text of ['oci:/tmp/img:v1', `oci:/tmp/img@${digest}`, 'oci:/tmp/img', 'x.cnb', 'file:/tmp/bp']) {
      expect(formatLayoutReference(parseLayoutReference(text, nothingExists)!)).toBe(text);
    }
  });
});
