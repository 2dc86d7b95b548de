import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest } from '../digest.ts';
import { DigestMismatchError, LimitExceededError } from '../errors.ts';
import { mediaTypes } from '../media-types.ts';
import { parseReference } from '../reference.ts';
import { RegistryError } from './errors.ts';
import { fetchBlob, headManifest, listTags, remoteGet, remoteImage } from './puller.ts';
import { FaultServer } from './testdata/fault-server.ts';
import { RegistryTransport } from './transport.ts';

const sha = (bytes: Uint8Array | string): Digest => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const blob = Buffer.alloc(256 * 1024, 7).map((_v, i) => (i * 31) % 251);
const blobDigest = sha(blob);

describe('puller against broken responses', () => {
  const server = new FaultServer();
  let transport: RegistryTransport;
  beforeAll(async () => {
    await server.start();
    transport = new RegistryTransport({ retry: { sleep: () => Promise.resolve() } });
  });
  afterAll(async () => {
    await transport.close();
    await server.stop();
  });
  const repo = () => parseReference(`${server.host}/broken/img`, { defaultTag: null });

  it('refuses a manifest over the 4 MiB limit, whether or not its length is announced', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
    server.handler = (req, res) => {
      if (req.url === '/v2/') return res.end();
      if (req.url?.endsWith('/announced')) return res.writeHead(200, { 'Content-Length': big.length }).end(big);
      res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
      res.write(big.subarray(0, 2 * 1024 * 1024));
      res.end(big.subarray(2 * 1024 * 1024));
    };
    await expect(remoteGet(`${server.host}/broken/img:announced`, { transport })).rejects.toBeInstanceOf(LimitExceededError);
    await expect(remoteGet(`${server.host}/broken/img:streamed`, { transport })).rejects.toThrow(/over the 4194304-byte limit/);
  });

  it('refuses manifest bytes that do not match the digest asked for or the one the registry names', async () => {
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: blobDigest, size: 3 },
      layers: [],
    });
    server.handler = (req, res) => {
      if (req.url === '/v2/') return res.end();
      const headers: Record<string, string> = { 'Content-Type': mediaTypes.ociManifest };
      if (req.url?.endsWith('/lying')) headers['Docker-Content-Digest'] = `sha256:${'0'.repeat(64)}`;
      res.writeHead(200, headers).end(manifest);
    };
    const wanted = `sha256:${'a'.repeat(64)}`;
    const byDigest = await remoteGet(`${server.host}/broken/img@${wanted}`, { transport }).catch((e: unknown) => e);
    expect(byDigest).toBeInstanceOf(DigestMismatchError);
    expect((byDigest as DigestMismatchError).expected).toBe(wanted);
    expect((byDigest as DigestMismatchError).actual).toBe(sha(manifest));
    await expect(remoteGet(`${server.host}/broken/img:lying`, { transport })).rejects.toBeInstanceOf(DigestMismatchError);
    expect((await remoteGet(`${server.host}/broken/img:honest`, { transport })).descriptor.digest).toBe(sha(manifest));
  });

  it('fails a truncated blob with a size mismatch and a corrupted one with a digest mismatch', async () => {
    server.handler = (req, res) => {
      if (req.url === '/v2/') return res.end();
      if (req.url?.includes('truncated')) return res.writeHead(200, { 'Content-Length': 1000 }).end(blob.subarray(0, 1000));
      const corrupt = Buffer.from(blob);
      corrupt[5] = (corrupt[5]! + 1) % 256;
      res.writeHead(200).end(corrupt);
    };
    const truncated = await drain(await fetchBlob({ ...repo(), repository: 'truncated' }, { digest: blobDigest, size: blob.length }, { transport })).catch(
      (e: unknown) => e,
    );
    expect(truncated).toBeInstanceOf(DigestMismatchError);
    expect((truncated as DigestMismatchError).message).toContain('size');
    expect((truncated as DigestMismatchError).actual).toBe('1000');
    const corrupt = await drain(await fetchBlob(repo(), { digest: blobDigest, size: blob.length }, { transport })).catch((e: unknown) => e);
    expect(corrupt).toBeInstanceOf(DigestMismatchError);
    expect((corrupt as DigestMismatchError).actual).not.toBe(blobDigest);
  });

  it('resumes a dropped download with a Range request and verifies the whole blob', async () => {
    server.seen.length = 0;
    server.handler = (req, res) => {
      if (req.url === '/v2/') return res.end();
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (range !== null) {
        const from = Number(range[1]);
        return res
          .writeHead(206, { 'Content-Range': `bytes ${from}-${blob.length - 1}/${blob.length}`, 'Content-Length': blob.length - from })
          .end(blob.subarray(from));
      }
      res.writeHead(200, { 'Content-Length': blob.length });
      res.write(blob.subarray(0, 100_000), () => res.destroy());
    };
    const bytes = await drain(await fetchBlob(repo(), { digest: blobDigest, size: blob.length }, { transport }));
    expect(sha(bytes)).toBe(blobDigest);
    const gets = server.seen.filter((s) => s.url.includes('/blobs/'));
    expect(gets).toHaveLength(2);
    expect(gets[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(gets[1]!.range!.slice(6, -1))).toBeGreaterThan(0);
  });

  it('skips the prefix when the server ignores Range, and gives up after repeated drops', async () => {
    let calls = 0;
    server.handler = (req, res) => {
      if (req.url === '/v2/') return res.end();
      calls++;
      res.writeHead(200, { 'Content-Length': blob.length });
      if (calls === 1 || req.url?.includes('always') === true) return res.write(blob.subarray(0, 50_000), () => res.destroy());
      res.end(blob); // ignores the Range header: the whole blob again, from byte 0
    };
    const resumed = await drain(await fetchBlob(repo(), { digest: blobDigest, size: blob.length }, { transport }));
    expect(sha(resumed)).toBe(blobDigest);
    const error = await drain(await fetchBlob({ ...repo(), repository: 'always' }, { digest: blobDigest, size: blob.length }, { transport })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).retryable).toBe(true);
  });

  it('hands out lazy layers that fail on bytes not matching the manifest', async () => {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${'1'.repeat(64)}`] } });
    const layerDigest = `sha256:${'2'.repeat(64)}`;
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: sha(config), size: config.length },
      layers: [{ mediaType: mediaTypes.ociLayerGzip, digest: layerDigest, size: 5 }],
    });
    server.seen.length = 0;
    server.handler = (req, res) => {
      if (req.url === '/v2/') return res.end();
      if (req.url?.includes('/manifests/')) return res.writeHead(200, { 'Content-Type': mediaTypes.ociManifest }).end(manifest);
      if (req.url?.includes(sha(config))) return res.end(config);
      res.end('wrong');
    };
    const image = await remoteImage(`${server.host}/lazy/img:v1`, { transport });
    expect(server.seen.filter((s) => s.url.includes('/blobs/'))).toHaveLength(0);
    const [layer] = await image.layers();
    expect(await layer!.digest()).toBe(layerDigest);
    expect(server.seen.filter((s) => s.url.includes(layerDigest))).toHaveLength(0);
    await expect(drain(await layer!.compressed())).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it('names the registry manifest or config that is malformed', async () => {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: ['nope'] } });
    const good = { mediaType: mediaTypes.ociConfig, digest: sha(config), size: config.length };
    const badLayer = JSON.stringify({ schemaVersion: 2, config: good, layers: [{ mediaType: mediaTypes.ociLayerGzip, digest: 5, size: 1 }] });
    const badConfig = JSON.stringify({ schemaVersion: 2, config: good, layers: [] });
    server.handler = (req, res) => {
      if (req.url === '/v2/') return res.end();
      if (req.url?.endsWith('/manifests/layer')) return res.writeHead(200, { 'Content-Type': mediaTypes.ociManifest }).end(badLayer);
      if (req.url?.includes('/manifests/')) return res.writeHead(200, { 'Content-Type': mediaTypes.ociManifest }).end(badConfig);
      res.end(config);
    };
    await expect(remoteGet(`${server.host}/bad/img:layer`, { transport })).rejects.toThrow(
      `${server.host}/bad/img@${sha(badLayer)}: invalid image manifest: layers[0].digest: 5 is not a digest`,
    );
    const image = await remoteImage(`${server.host}/bad/img:config`, { transport });
    await expect(image.configFile()).rejects.toThrow(
      `config ${sha(config)} of ${server.host}/bad/img@${sha(badConfig)}: invalid image config: rootfs.diff_ids[0]: "nope" is not a digest`,
    );
  });
});

describe('tag list pages and single HEADs', () => {
  const server = new FaultServer();
  let transport: RegistryTransport;
  beforeAll(async () => {
    await server.start();
    transport = new RegistryTransport({ retry: { sleep: () => Promise.resolve() } });
  });
  afterAll(async () => {
    await transport.close();
    await server.stop();
  });

  it('follows the Link header page by page, as the distribution spec paginates (n, last)', async () => {
    const all = ['1.0.0', '1.1.0', '1.2.0', '2.0.0', 'latest'];
    server.handler = (req, res) => {
      if (req.url === '/v2/') return res.end();
      const url = new URL(req.url ?? '', 'http://x');
      const n = Number(url.searchParams.get('n'));
      const last = url.searchParams.get('last');
      const rest = last === null ? all : all.slice(all.indexOf(last) + 1);
      const page = rest.slice(0, n);
      if (page.length === n && rest.length > n) res.setHeader('Link', `</v2/paged/tags/list?n=${n}&last=${page.at(-1)}>; rel="next"`);
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ name: 'paged', tags: page }));
    };
    const before = server.seen.length;
    expect(await listTags(parseReference(`${server.host}/paged`, { defaultTag: null }), { transport, pageSize: 2 })).toEqual(all);
    expect(
      server.seen
        .slice(before)
        .map((s) => s.url)
        .filter((u) => u.includes('/tags/')),
    ).toEqual(['/v2/paged/tags/list?n=2', '/v2/paged/tags/list?n=2&last=1.1.0', '/v2/paged/tags/list?n=2&last=2.0.0']);
  });

  it('sends a HEAD once with retry false, so the caller can back off (a 503 is not repeated)', async () => {
    server.handler = (req, res) => {
      if (req.url === '/v2/') return res.end();
      res.statusCode = 503;
      res.end();
    };
    const before = server.seen.length;
    const failed = await headManifest(parseReference(`${server.host}/down/img:1`), { transport, retry: false }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(RegistryError);
    expect(server.seen.slice(before).filter((s) => s.method === 'HEAD')).toHaveLength(1);
    const retried = server.seen.length;
    await headManifest(parseReference(`${server.host}/down/img:1`), { transport }).catch(() => undefined);
    expect(server.seen.slice(retried).filter((s) => s.method === 'HEAD').length).toBeGreaterThan(1);
  });
});
