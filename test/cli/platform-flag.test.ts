// `--platform` on the read commands: a local layout holding an OCI image index of a linux/amd64
// and a linux/arm64 image; `image inspect` and `inspect builder` show the member asked for.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured, type CliRun } from '../../src/cli/testing/index.ts';
import { appendLayers, createTarLayer, emptyImage, withLabels, writeLayout } from '../../src/oci/index.ts';
import { removeDir, scratchDir } from '../harness/process.ts';

let dir = '';

const cli = (...args: string[]): Promise<CliRun> => runCaptured(args, { env: { DOCKER_CONFIG: '/nonexistent' } });

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string };
}

beforeAll(async () => {
  dir = await scratchDir('platform');
  const layout = join(dir, 'layout');
  for (const architecture of ['amd64', 'arm64']) {
    const layer = createTarLayer([{ path: 'etc/arch', type: 'file', mode: 0o644, content: `${architecture}\n` }]);
    const image = withLabels(appendLayers(emptyImage({ os: 'linux', architecture }), [layer]), { 'test.arch': architecture });
    await writeLayout(layout, image, { tag: architecture });
  }
  // An index over the two, added to the layout by hand the way any OCI tool writes one.
  const indexPath = join(layout, 'index.json');
  const top = JSON.parse(await readFile(indexPath, 'utf8')) as { manifests: Descriptor[] };
  const manifests = top.manifests.map((d) => ({
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    platform: { os: 'linux', architecture: d.annotations?.['org.opencontainers.image.ref.name'] ?? '' },
  }));
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  const hex = createHash('sha256').update(bytes).digest('hex');
  await writeFile(join(layout, 'blobs', 'sha256', hex), bytes);
  const entry = {
    mediaType: 'application/vnd.oci.image.index.v1+json',
    digest: `sha256:${hex}`,
    size: bytes.length,
    annotations: { 'org.opencontainers.image.ref.name': 'multi' },
  };
  await writeFile(indexPath, JSON.stringify({ ...top, manifests: [...top.manifests, entry] }));
});
afterAll(async () => removeDir(dir));

describe('--platform', () => {
  it('picks the member of an index that image inspect shows (linux/amd64 without it)', async () => {
    const reference = `oci:${join(dir, 'layout')}:multi`;
    const label = async (...extra: string[]): Promise<string | undefined> => {
      const result = await cli('image', 'inspect', reference, ...extra);
      expect(result.code, result.err).toBe(0);
      return (JSON.parse(result.out) as { labels: Record<string, string> }).labels['test.arch'];
    };
    expect(await label()).toBe('amd64');
    expect(await label('--platform', 'linux/arm64')).toBe('arm64');
    expect(await label('--platform', 'linux/aarch64')).toBe('arm64');
  });

  it('names the platforms on offer when none matches, and refuses a malformed one as a usage error', async () => {
    const reference = `oci:${join(dir, 'layout')}:multi`;
    const missing = await cli('inspect', 'builder', reference, '--platform', 'linux/s390x');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/linux\/s390x/);
    expect(missing.err).toMatch(/linux\/amd64/);
    expect(missing.err).toMatch(/linux\/arm64/);
    const malformed = await cli('image', 'inspect', reference, '--platform', 'linux');
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain('expected os/architecture[/variant]');
  });
});
