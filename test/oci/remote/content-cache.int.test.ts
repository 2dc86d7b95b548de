/**
 * The registry content cache against the real docker-registry (Basic auth): a second read of a tag
 * costs one HEAD and no GET, a read by digest costs nothing, a moved tag is fetched again, a fresh
 * transport without the cache asks as before, a damaged cache file is a miss, not an error, and a
 * push over a tag it pushed before checks only the blobs the earlier manifest did not have.
 * A rerun does not ping `/v2/` again: it sends Basic credentials at once; a remembered endpoint that
 * is wrong (scheme changed, challenge changed, file damaged) costs a ping or a 401, never a failure.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskContentCache } from '../../../src/adapters/index.ts';
import { Credentials, RegistryTransport, appendLayers, pushImage, remoteImage, staticKeychain, type RequestEvent } from '../../../src/oci/index.ts';
import { randomImage, randomLayer } from '../../../src/oci/testing/index.ts';
import { removeDir, scratchDir, startRegistry, type RegistryHandle } from '../../harness/index.ts';

describe('registry content cache (docker-registry, basic auth)', () => {
  let registry: RegistryHandle;
  let dir: string;
  const transports: RegistryTransport[] = [];

  beforeAll(async () => {
    registry = await startRegistry({ mode: 'basic' });
    dir = await scratchDir('content-cache');
  });
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await registry.stop();
    await removeDir(dir);
  });

  /** A new transport (as a new process would have) over the cache in `root`, recording its registry calls. */
  function session(root: string | undefined): { transport: RegistryTransport; calls: () => string[]; exchanges: () => string[] } {
    const events: RequestEvent[] = [];
    const credentials = Credentials.of({ username: registry.username, password: registry.password });
    const transport = new RegistryTransport({
      keychain: staticKeychain({ [registry.host]: credentials }),
      onRequest: (event) => events.push(event),
      ...(root === undefined ? {} : { contentCache: new DiskContentCache(root) }),
    });
    transports.push(transport);
    const calls = (): string[] =>
      events.filter((e) => e.kind === 'registry').map((e) => `${e.method} ${new URL(e.url).pathname.replace(/sha256:[0-9a-f]{64}/, 'DIGEST')}`);
    const exchanges = (): string[] =>
      events.map(
        (e) => `${e.kind} ${e.method} ${new URL(e.url).protocol}${new URL(e.url).pathname.replace(/sha256:[0-9a-f]{64}/, 'DIGEST')} ${e.status ?? 'no answer'}`,
      );
    return { transport, calls, exchanges };
  }

  /** The endpoint file of the test registry under `root`. */
  const endpointFile = (root: string): string => join(root, 'endpoints', createHash('sha256').update(registry.host).digest('hex'));

  async function readAll(reference: string, transport: RegistryTransport): Promise<{ digest: string; config: string }> {
    const image = await remoteImage(reference, { transport });
    return { digest: await image.digest(), config: Buffer.from(await image.rawConfigFile()).toString('utf8') };
  }

  it('asks one HEAD for a cached tag, nothing for a cached digest, and fetches a moved tag again', async () => {
    const root = join(dir, 'cache-a');
    const tag = `${registry.host}/cache/app:1`;
    const pusher = session(undefined);
    const first = await pushImage(randomImage(1), tag, { transport: pusher.transport });

    const cold = session(root);
    const read = await readAll(tag, cold.transport);
    expect(read.digest).toBe(first.digest);
    expect(cold.calls()).toEqual(['GET /v2/cache/app/manifests/1', 'GET /v2/cache/app/blobs/DIGEST']);

    const warm = session(root);
    expect(await readAll(tag, warm.transport)).toEqual(read);
    expect(warm.calls()).toEqual(['HEAD /v2/cache/app/manifests/1']);

    const byDigest = session(root);
    expect((await readAll(`${registry.host}/cache/app@${first.digest}`, byDigest.transport)).digest).toBe(first.digest);
    expect(byDigest.calls()).toEqual([]);

    const second = await pushImage(randomImage(2), tag, { transport: pusher.transport });
    const moved = session(root);
    expect((await readAll(tag, moved.transport)).digest).toBe(second.digest);
    expect(moved.calls()).toEqual(['HEAD /v2/cache/app/manifests/1', 'GET /v2/cache/app/manifests/1', 'GET /v2/cache/app/blobs/DIGEST']);
  });

  it('moving a tag it pushed, checks only the blobs the manifest there lacks and reads that manifest from the cache', async () => {
    const root = join(dir, 'cache-push');
    const tag = `${registry.host}/cache/moved:1`;
    const before = randomImage(5, { layers: 2 });
    await pushImage(before, tag, { transport: session(root).transport });
    const added = randomLayer(6);
    const after = appendLayers(before, [added]);
    const again = session(root);
    await pushImage(after, tag, { transport: again.transport });
    // HEAD of the tag (names `before`), then only the new config and layer: no GET of `before`'s manifest.
    expect(again.calls().filter((c) => c.startsWith('HEAD') || c.startsWith('GET'))).toEqual([
      'HEAD /v2/cache/moved/manifests/1',
      'HEAD /v2/cache/moved/blobs/DIGEST',
      'HEAD /v2/cache/moved/blobs/DIGEST',
    ]);
    expect((await readAll(tag, session(undefined).transport)).digest).toBe(await after.digest());
  });

  it('treats a damaged entry as a miss and an unusable directory as no cache', async () => {
    const root = join(dir, 'cache-b');
    const tag = `${registry.host}/cache/other:1`;
    const pushed = await pushImage(randomImage(3), tag, { transport: session(undefined).transport });
    await readAll(tag, session(root).transport);
    for (const name of await readdir(join(root, 'manifests'))) await writeFile(join(root, 'manifests', name), 'application/json\n{"tampered":true}');

    const damaged = session(root);
    expect((await readAll(tag, damaged.transport)).digest).toBe(pushed.digest);
    expect(damaged.calls()).toEqual(['GET /v2/cache/other/manifests/1']);
    // The damaged entry was written again, so the next run finds the manifest in the cache.
    const repaired = session(root);
    expect((await readAll(tag, repaired.transport)).digest).toBe(pushed.digest);
    expect(repaired.calls()).toEqual(['HEAD /v2/cache/other/manifests/1']);

    // A file where the cache directory should be: every write fails quietly and reads still work.
    const blocked = join(dir, 'not-a-directory');
    await writeFile(blocked, '');
    const unusable = session(blocked);
    expect((await readAll(tag, unusable.transport)).digest).toBe(pushed.digest);
    expect(unusable.calls()).toEqual(['GET /v2/cache/other/manifests/1', 'GET /v2/cache/other/blobs/DIGEST']);
  });

  it('remembers how the registry was reached, so a rerun sends its first request without a ping', async () => {
    const root = join(dir, 'cache-c');
    const tag = `${registry.host}/cache/ping:1`;
    const pushed = await pushImage(randomImage(4), tag, { transport: session(undefined).transport });

    const cold = session(root);
    await readAll(tag, cold.transport);
    expect(cold.exchanges().filter((e) => e.startsWith('ping'))).not.toEqual([]);
    expect(JSON.parse(await readFile(endpointFile(root), 'utf8'))).toMatchObject({ registry: registry.host, scheme: 'http', challenge: { scheme: 'basic' } });

    const warm = session(root);
    expect((await readAll(tag, warm.transport)).digest).toBe(pushed.digest);
    // Credentials went with the first request: no ping, no 401.
    expect(warm.exchanges()).toEqual(['registry HEAD http:/v2/cache/ping/manifests/1 200']);
  });

  it('pings again when the remembered scheme no longer answers, and learns a changed challenge from a 401', async () => {
    const root = join(dir, 'cache-d');
    const tag = `${registry.host}/cache/stale:1`;
    const pushed = await pushImage(randomImage(5), tag, { transport: session(undefined).transport });
    await readAll(tag, session(root).transport);

    // HTTPS to a plain-HTTP registry fails below HTTP: the request is sent again after a new ping.
    await writeFile(endpointFile(root), JSON.stringify({ registry: registry.host, scheme: 'https', challenge: { scheme: 'basic', params: { realm: 'x' } } }));
    const wrongScheme = session(root);
    expect((await readAll(tag, wrongScheme.transport)).digest).toBe(pushed.digest);
    const exchanges = wrongScheme.exchanges();
    expect(exchanges[0]).toBe('registry HEAD https:/v2/cache/stale/manifests/1 no answer');
    expect(exchanges.slice(1).filter((e) => e.startsWith('ping')).length).toBeGreaterThan(0);
    expect(exchanges.at(-1)).toBe('registry HEAD http:/v2/cache/stale/manifests/1 200');
    expect(JSON.parse(await readFile(endpointFile(root), 'utf8'))).toMatchObject({ scheme: 'http' });

    // Remembered as anonymous, but the registry wants Basic: one 401 teaches it, and it is kept.
    await writeFile(endpointFile(root), JSON.stringify({ registry: registry.host, scheme: 'http' }));
    const wrongChallenge = session(root);
    expect((await readAll(tag, wrongChallenge.transport)).digest).toBe(pushed.digest);
    expect(wrongChallenge.exchanges()).toEqual(['registry HEAD http:/v2/cache/stale/manifests/1 401', 'registry HEAD http:/v2/cache/stale/manifests/1 200']);
    expect(JSON.parse(await readFile(endpointFile(root), 'utf8'))).toMatchObject({ challenge: { scheme: 'basic' } });

    // A remembered token realm that refuses (here a path the registry does not serve): a ping settles it.
    await writeFile(
      endpointFile(root),
      JSON.stringify({ registry: registry.host, scheme: 'http', challenge: { scheme: 'bearer', params: { realm: `http://${registry.host}/no-token-here` } } }),
    );
    const wrongRealm = session(root);
    expect((await readAll(tag, wrongRealm.transport)).digest).toBe(pushed.digest);
    expect(wrongRealm.exchanges()[0]).toMatch(/^token GET http:\/no-token-here 40\d$/);
    expect(wrongRealm.exchanges().at(-1)).toBe('registry HEAD http:/v2/cache/stale/manifests/1 200');

    // A damaged or foreign file is a miss: a ping, as without a cache.
    await writeFile(endpointFile(root), JSON.stringify({ registry: 'elsewhere.example', scheme: 'http' }));
    const foreign = session(root);
    expect((await readAll(tag, foreign.transport)).digest).toBe(pushed.digest);
    expect(foreign.exchanges().filter((e) => e.startsWith('ping')).length).toBeGreaterThan(0);
  });
});

describe('remembered registry endpoints (docker-registry with token auth over TLS)', () => {
  let registry: RegistryHandle;
  let dir: string;
  const transports: RegistryTransport[] = [];

  beforeAll(async () => {
    registry = await startRegistry({ mode: 'token', tls: true });
    dir = await scratchDir('content-cache-token');
  });
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await registry.stop();
    await removeDir(dir);
  });

  function session(root: string | undefined): { transport: RegistryTransport; exchanges: () => string[] } {
    const events: RequestEvent[] = [];
    const transport = new RegistryTransport({
      keychain: staticKeychain({ [registry.host]: Credentials.of({ username: registry.username, password: registry.password }) }),
      // The token server is another port with the same CA.
      registries: { [registry.host]: { ca: registry.caPem }, [new URL(registry.tokenServer!.realm).host]: { ca: registry.caPem } },
      onRequest: (event) => events.push(event),
      ...(root === undefined ? {} : { contentCache: new DiskContentCache(root) }),
    });
    transports.push(transport);
    const exchanges = (): string[] => events.map((e) => `${e.kind} ${e.method} ${new URL(e.url).protocol} ${e.status ?? 'no answer'}`);
    return { transport, exchanges };
  }

  it('fetches a token at once on a rerun, and pings again when plain HTTP was remembered for a TLS registry', async () => {
    const root = join(dir, 'cache');
    const tag = `${registry.host}/cache/token:1`;
    const pushed = await pushImage(randomImage(6), tag, { transport: session(undefined).transport });
    await remoteImage(tag, { transport: session(root).transport }).then((image) => image.digest());

    const warm = session(root);
    expect(await (await remoteImage(tag, { transport: warm.transport })).digest()).toBe(pushed.digest);
    expect(warm.exchanges()).toEqual(['token GET https: 200', 'registry HEAD https: 200']);

    const file = join(root, 'endpoints', createHash('sha256').update(registry.host).digest('hex'));
    const remembered = JSON.parse(await readFile(file, 'utf8')) as { challenge: { params: Record<string, string> } };
    expect(remembered.challenge.params.scope).toBeUndefined();
    await writeFile(file, JSON.stringify({ ...remembered, scheme: 'http' }));
    const downgraded = session(root);
    expect(await (await remoteImage(tag, { transport: downgraded.transport })).digest()).toBe(pushed.digest);
    const exchanges = downgraded.exchanges();
    expect(exchanges.slice(0, 2)).toEqual(['token GET https: 200', 'registry HEAD http: 400']);
    expect(exchanges.filter((e) => e.startsWith('ping')).length).toBeGreaterThan(0);
    expect(exchanges.at(-1)).toBe('registry HEAD https: 200');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ scheme: 'https' });
  });
});
