/**
 * The registry content cache against the real docker-registry (Basic auth): a second read of a tag
 * costs one HEAD and no GET, a read by digest costs nothing, a moved tag is fetched again, a fresh
 * transport without the cache asks as before, a damaged cache file is a miss, not an error, and a
 * push over a tag it pushed before checks only the blobs the earlier manifest did not have.
 */
import { readdir, writeFile } from 'node:fs/promises';
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
  function session(root: string | undefined): { transport: RegistryTransport; calls: () => string[] } {
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
    return { transport, calls };
  }

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

    // A file where the cache directory should be: every write fails quietly and reads still work.
    const blocked = join(dir, 'not-a-directory');
    await writeFile(blocked, '');
    const unusable = session(blocked);
    expect((await readAll(tag, unusable.transport)).digest).toBe(pushed.digest);
    expect(unusable.calls()).toEqual(['GET /v2/cache/other/manifests/1', 'GET /v2/cache/other/blobs/DIGEST']);
  });
});
