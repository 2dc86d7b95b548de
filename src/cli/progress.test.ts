import { describe, expect, it } from 'vitest';
import type { LocalResource } from '../app/index.ts';
import { terminalProgress } from './progress.ts';
import { captureIo } from './testing/index.ts';

const mib = 1024 * 1024;
const digest = (n: number): `sha256:${string}` => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const builder: LocalResource = {
  apiVersion: 'kpack.io/v1alpha2',
  kind: 'ClusterBuilder',
  metadata: { name: 'team' },
  spec: { tag: 'registry.test/b', serviceAccountRef: { name: 'default', namespace: 'default' }, order: [] },
};

describe('terminalProgress', () => {
  it('shows each blob, quarters of a large upload, and what the resource wrote', () => {
    const io = { ...captureIo(), isTty: true };
    const { onResource, onProgress } = terminalProgress(io);
    onResource?.({ resource: builder, phase: 'started' });
    for (const sent of [0, 3 * mib, 5 * mib, 6 * mib, 11 * mib, 13 * mib, 16 * mib])
      onProgress?.({ digest: digest(1), size: 16 * mib, sent, state: 'uploading' });
    onProgress?.({ digest: digest(1), size: 16 * mib, sent: 16 * mib, state: 'uploaded' });
    onProgress?.({ digest: digest(2), size: 1024, sent: 0, state: 'uploading' });
    onProgress?.({ digest: digest(2), size: 1024, sent: 1024, state: 'uploaded' });
    onProgress?.({ digest: digest(3), size: 2 * mib, sent: 0, state: 'mounted' });
    onProgress?.({ digest: digest(4), size: 512, sent: 0, state: 'existing' });
    onResource?.({ resource: builder, phase: 'finished' });
    expect(io.err.join('')).toBe(
      [
        '… ClusterBuilder team',
        '  111111111111 uploading 25% of 16.0 MiB',
        '  111111111111 uploading 50% of 16.0 MiB',
        '  111111111111 uploading 75% of 16.0 MiB',
        '  111111111111 uploaded 16.0 MiB',
        '  222222222222 uploaded 1.0 KiB',
        '  333333333333 mounted  2.0 MiB',
        '  444444444444 existing 512 B',
        '  ClusterBuilder team: 4 blobs: 2 uploaded (16.0 MiB), 1 mounted (2.0 MiB), 1 existing (512 B)',
        '',
      ].join('\n'),
    );
  });

  it('says nothing off a terminal unless verbose, and nothing at all when quiet', () => {
    expect(terminalProgress({ ...captureIo(), isTty: false })).toEqual({});
    expect(terminalProgress({ ...captureIo(), isTty: true }, 'quiet')).toEqual({});
    expect(terminalProgress({ ...captureIo(), isTty: false }, 'verbose').onProgress).toBeTypeOf('function');
  });
});
