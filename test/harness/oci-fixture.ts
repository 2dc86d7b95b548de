/**
 * Makes a tiny, valid, reproducible single-layer OCI image layout for smoke tests, using the GNU
 * `tar` and `gzip` CLIs with deterministic flags. It deliberately does not use src/oci, so the
 * harness can check that code instead of depending on it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HarnessError } from './harness-error.ts';
import { removeDir, runCommand, scratchDir } from './process.ts';
import { makeReadableByAll } from './umoci.ts';

/** Options for `makeOciFixture`. */
export interface OciFixtureOptions {
  /** Where to create `layout/` (default: a new scratch dir, which the caller removes). */
  readonly dir?: string;
  /** The tag recorded in `index.json` (default `latest`). */
  readonly tag?: string;
  /** Layer contents: relative file path → text (default one `hello.txt`). Different contents give different digests. */
  readonly files?: Readonly<Record<string, string>>;
  /** Labels in the image config. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A written layout and the digests a registry must report for it. */
export interface OciFixture {
  readonly dir: string;
  readonly layoutDir: string;
  readonly tag: string;
  /** The skopeo reference `oci:<layoutDir>:<tag>`. */
  readonly reference: string;
  readonly manifestDigest: string;
  readonly manifestText: string;
  readonly configDigest: string;
  /** Digest of the gzipped layer blob. */
  readonly layerDigest: string;
  /** Digest of the uncompressed layer tar. */
  readonly diffId: string;
  readonly files: Readonly<Record<string, string>>;
}

const mediaTypes = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

// Fixed time, owner, modes, order and pax header names make the tar byte-identical on every run.
const tarFlags = [
  '--sort=name',
  '--mtime=1980-01-01 00:00:01Z',
  '--owner=0',
  '--group=0',
  '--numeric-owner',
  '--mode=a+rX,u+w,go-w',
  '--format=posix',
  '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
];

function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  const result = await runCommand(command, args, { cwd });
  if (result.code !== 0) throw new HarnessError(`${command} failed (exit ${result.code}): ${result.stderr.trim()}`);
}

/** Writes a blob into the layout under its sha256 digest and returns its descriptor. */
async function putBlob(layoutDir: string, mediaType: string, bytes: Buffer): Promise<{ mediaType: string; digest: string; size: number }> {
  const digest = sha256(bytes);
  await writeFile(join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
  return { mediaType, digest, size: bytes.length };
}

/** Builds the layer with tar + gzip -n; returns the compressed bytes and the diffID. */
async function buildLayer(workDir: string, files: Readonly<Record<string, string>>): Promise<{ gz: Buffer; diffId: string }> {
  const content = join(workDir, 'content');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(content, path)), { recursive: true });
    await writeFile(join(content, path), text);
  }
  const topLevel = [...new Set(Object.keys(files).map((p) => p.split('/')[0]!))].sort();
  await run('tar', [...tarFlags, '-C', content, '-cf', join(workDir, 'layer.tar'), ...topLevel], workDir);
  await run('gzip', ['-n', '-6', '-k', 'layer.tar'], workDir);
  const [tar, gz] = await Promise.all([readFile(join(workDir, 'layer.tar')), readFile(join(workDir, 'layer.tar.gz'))]);
  return { gz, diffId: sha256(tar) };
}

/** Makes the layout (readable by every user, for unprivileged umoci) and returns its digests. */
export async function makeOciFixture(options: OciFixtureOptions = {}): Promise<OciFixture> {
  const dir = options.dir ?? (await scratchDir('oci-fixture'));
  const tag = options.tag ?? 'latest';
  const files = options.files ?? { 'hello.txt': 'hello from packsmith\n' };
  const workDir = join(dir, 'work');
  const layoutDir = join(dir, 'layout');
  await mkdir(workDir, { recursive: true });
  await mkdir(join(layoutDir, 'blobs', 'sha256'), { recursive: true });

  const { gz, diffId } = await buildLayer(workDir, files);
  const layer = await putBlob(layoutDir, mediaTypes.layer, gz);
  const config = {
    created: '1980-01-01T00:00:01Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { ...options.labels }, Env: ['PATH=/usr/local/bin:/usr/bin:/bin'] },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: '1980-01-01T00:00:01Z', created_by: 'packsmith test fixture' }],
  };
  const configDesc = await putBlob(layoutDir, mediaTypes.config, Buffer.from(JSON.stringify(config)));
  const manifestText = JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.manifest, config: configDesc, layers: [layer] });
  const manifestDesc = await putBlob(layoutDir, mediaTypes.manifest, Buffer.from(manifestText));
  const index = {
    schemaVersion: 2,
    mediaType: mediaTypes.index,
    manifests: [{ ...manifestDesc, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  };
  await writeFile(join(layoutDir, 'index.json'), JSON.stringify(index));
  await writeFile(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await removeDir(workDir);
  await makeReadableByAll(dir);
  return {
    dir,
    layoutDir,
    tag,
    reference: `oci:${layoutDir}:${tag}`,
    manifestDigest: manifestDesc.digest,
    manifestText,
    configDigest: configDesc.digest,
    layerDigest: layer.digest,
    diffId,
    files,
  };
}

/** The manifest digest that `index.json` of a layout records for `tag` (for checking pulled layouts). */
export async function layoutManifestDigest(layoutDir: string, tag: string): Promise<string> {
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as {
    manifests?: { digest: string; annotations?: Record<string, string> }[];
  };
  const entry = index.manifests?.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!entry) throw new HarnessError(`no manifest tagged ${tag} in ${layoutDir}/index.json`);
  return entry.digest;
}
