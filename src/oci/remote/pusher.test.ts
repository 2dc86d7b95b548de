import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureIndex } from '../layout/testdata/fixture-image.ts';
import { randomImage } from '../testing/index.ts';
import { pushImage, pushIndex } from './pusher.ts';
import { FaultServer } from './testdata/fault-server.ts';
import { RegistryTransport } from './transport.ts';

/**
 * Upload-flow corners the real registry never produces: relative upload Locations and a 503 in the
 * middle of an upload. The server below answers just enough of the protocol for one push.
 */
describe('pusher against a registry that answers unusually', () => {
  const server = new FaultServer();
  let transport: RegistryTransport;
  let sessions = 0;
  let failNextPut = false;
  const refused = new Set<string>();
  // A tag that names a manifest the server then fails to serve (500 on every GET).
  let brokenTag: string | undefined;

  beforeAll(async () => {
    await server.start();
    transport = new RegistryTransport({ retry: { sleep: () => Promise.resolve() } });
    server.handler = (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/v2/') return res.end();
      if (brokenTag !== undefined && url.pathname.endsWith(`/manifests/${brokenTag}`) && req.method === 'HEAD') {
        const digest = `sha256:${'a'.repeat(64)}`;
        return res
          .writeHead(200, { 'Docker-Content-Digest': digest, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Content-Length': '100' })
          .end();
      }
      if (req.method === 'GET' && url.pathname.includes('/manifests/')) return res.writeHead(500).end();
      if (req.method === 'HEAD') return res.writeHead(404).end();
      if (req.method === 'POST') {
        sessions++;
        return res.writeHead(202, { Location: `/v2/r/img/blobs/uploads/s${sessions}?_state=opaque-${sessions}` }).end();
      }
      if (req.method === 'PUT' && url.pathname.includes('/blobs/uploads/')) {
        if (refused.has(url.searchParams.get('digest') ?? '')) return res.writeHead(400).end();
        if (failNextPut) {
          failNextPut = false;
          return res.writeHead(503).end();
        }
        const stateMatches = url.searchParams.get('_state') === `opaque-${url.pathname.split('/s').at(-1)}`;
        return res.writeHead(stateMatches && url.searchParams.has('digest') ? 201 : 400).end();
      }
      if (req.method === 'PUT') return res.writeHead(201).end();
      res.writeHead(500).end();
    };
  });
  afterAll(async () => {
    await transport.close();
    await server.stop();
  });

  it('resolves relative upload Locations and keeps their _state', async () => {
    server.seen.length = 0;
    const image = randomImage(3, { layers: 1 });
    const result = await pushImage(image, `${server.host}/r/img:v1`, { transport });
    expect(Object.values(result.blobs)).toEqual(['uploaded', 'uploaded']);
    const puts = server.seen.filter((s) => s.method === 'PUT' && s.url.includes('/blobs/uploads/'));
    expect(puts.every((s) => /_state=opaque-\d+&digest=sha256%3A/.test(s.url))).toBe(true);
  });

  it('restarts a failed upload in a new session', async () => {
    server.seen.length = 0;
    failNextPut = true;
    const image = randomImage(4, { layers: 1 });
    const result = await pushImage(image, `${server.host}/r/img:v2`, { transport, jobs: 1 });
    expect(result.changed).toBe(true);
    const steps = server.seen.filter((s) => s.url.includes('/blobs/uploads/')).map((s) => s.method);
    // Config: POST, PUT(503), POST, PUT(201); then the layer: POST, PUT.
    expect(steps).toEqual(['POST', 'PUT', 'POST', 'PUT', 'POST', 'PUT']);
  });

  it('fails an index push when one image fails, and writes no manifest of the index', async () => {
    server.seen.length = 0;
    const amd = randomImage(5, { layers: 1, platform: { os: 'linux', architecture: 'amd64' } });
    const arm = randomImage(6, { layers: 1, platform: { os: 'linux', architecture: 'arm64' } });
    const [armLayer] = await arm.layers();
    refused.add(await armLayer!.digest());
    try {
      const index = await fixtureIndex([amd, arm]);
      await expect(pushIndex(index, `${server.host}/r/multi:v1`, { transport })).rejects.toThrow(/400/);
      expect(server.seen.filter((s) => s.method === 'PUT' && s.url.includes('/manifests/v1'))).toEqual([]);
    } finally {
      refused.clear();
    }
  });

  it('moving a tag whose manifest cannot be read, checks every blob as before', async () => {
    server.seen.length = 0;
    brokenTag = 'v3';
    try {
      const image = randomImage(7, { layers: 2 });
      const result = await pushImage(image, `${server.host}/r/img:v3`, { transport });
      expect(Object.values(result.blobs)).toEqual(['uploaded', 'uploaded', 'uploaded']);
      expect(server.seen.some((s) => s.method === 'GET' && s.url.endsWith(`/manifests/sha256:${'a'.repeat(64)}`))).toBe(true);
      expect(server.seen.filter((s) => s.method === 'HEAD' && s.url.includes('/blobs/'))).toHaveLength(3);
    } finally {
      brokenTag = undefined;
    }
  });
});

/** What the transport's known blobs save, and that a failed push makes it ask again. */
describe('pusher with blobs the transport has seen', () => {
  const server = new FaultServer();
  let transport: RegistryTransport;
  let manifestStatus = 201;

  beforeAll(async () => {
    await server.start();
    transport = new RegistryTransport({ retry: { sleep: () => Promise.resolve() } });
    server.handler = (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/v2/') return res.end();
      // Every blob is there; no tag is.
      if (req.method === 'HEAD') return res.writeHead(url.pathname.includes('/blobs/') ? 200 : 404).end();
      if (req.method === 'PUT' && url.pathname.includes('/manifests/')) {
        const body = manifestStatus === 201 ? '' : JSON.stringify({ errors: [{ code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry' }] });
        return res.writeHead(manifestStatus, { 'Content-Type': 'application/json' }).end(body);
      }
      res.writeHead(500).end();
    };
  });
  afterAll(async () => {
    await transport.close();
    await server.stop();
  });

  const blobHeads = (): number => server.seen.filter((s) => s.method === 'HEAD' && s.url.includes('/blobs/')).length;

  it('asks about each blob once per repository', async () => {
    server.seen.length = 0;
    await pushImage(randomImage(5, { layers: 2 }), `${server.host}/r/known:v1`, { transport });
    expect(blobHeads()).toBe(3);
    // The same layers under another config: only the new config is asked about.
    const second = await pushImage(randomImage(5, { layers: 2, platform: { os: 'linux', architecture: 'arm64' } }), `${server.host}/r/known:v2`, {
      transport,
    });
    expect(blobHeads()).toBe(4);
    expect(Object.values(second.blobs)).toEqual(['existing', 'existing', 'existing']);
    // Another repository asks again.
    await pushImage(randomImage(5, { layers: 2 }), `${server.host}/r/elsewhere:v1`, { transport });
    expect(blobHeads()).toBe(7);
  });

  it('forgets a repository’s blobs when a push into it fails, and asks again next time', async () => {
    const image = randomImage(6, { layers: 1 });
    await pushImage(image, `${server.host}/r/gone:v1`, { transport });
    server.seen.length = 0;
    manifestStatus = 400;
    await expect(pushImage(image, `${server.host}/r/gone:v2`, { transport })).rejects.toThrow(/MANIFEST_BLOB_UNKNOWN|blob unknown/);
    expect(blobHeads()).toBe(0);
    manifestStatus = 201;
    await pushImage(image, `${server.host}/r/gone:v3`, { transport });
    expect(blobHeads()).toBe(2);
  });

  it('puts the extra tags of a new push without asking whether they exist', async () => {
    server.seen.length = 0;
    await pushImage(randomImage(7, { layers: 1 }), `${server.host}/r/tags:v1`, { transport, tags: ['stamp-1'], tagsOnlyWhenPushed: true });
    const manifests = server.seen.filter((s) => s.url.includes('/manifests/')).map((s) => `${s.method} ${s.url.split('/').at(-1) ?? ''}`);
    expect(manifests).toEqual(['HEAD v1', 'PUT v1', 'PUT stamp-1']);
  });
});
