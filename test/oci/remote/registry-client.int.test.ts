/**
 * The registry client against the real docker-registry 2.8 in each mode (plain HTTP, htpasswd
 * Basic, TLS with a private CA, Docker token auth), with skopeo as the independent checker: what we
 * push skopeo reads, what skopeo pushes we read, copies within a registry mount instead of upload,
 * repeated pushes send nothing, large blobs go up in chunks, and failures are typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Credentials,
  RegistryError,
  appendLayers,
  emptyImage,
  anonymousKeychain,
  dockerConfigKeychain,
  loadDockerConfig,
  RegistryTransport,
  headManifest,
  listTags,
  parseReference,
  pushImage,
  pushIndex,
  remoteGet,
  remoteImage,
  remoteIndex,
  staticKeychain,
  withConfig,
  type Image,
  type Layer,
  type RequestEvent,
  type TransportOptions,
} from '../../../src/oci/index.ts';
import { fixtureIndex } from '../../../src/oci/layout/testdata/fixture-image.ts';
import { checkImageConformance, digestOfStream, randomImage, randomLayer } from '../../../src/oci/testing/index.ts';
import {
  makeOciFixture,
  removeDir,
  skopeoCopy,
  skopeoInspectRaw,
  startRegistry,
  startTcpProxy,
  type RegistryHandle,
  type RegistryMode,
} from '../../harness/index.ts';

/** Defines a test only where it applies, so that nothing is reported as skipped. */
const itWhere = (applies: boolean): typeof it => (applies ? it : ((() => undefined) as unknown as typeof it));

const modes: RegistryMode[] = ['plain', 'basic', 'tls', 'token'];

describe.each(modes)('registry client against docker-registry (%s)', (mode) => {
  let registry: RegistryHandle;
  const events: RequestEvent[] = [];
  const transports: RegistryTransport[] = [];

  beforeAll(async () => {
    registry = await startRegistry({ mode });
  });
  afterAll(async () => {
    await Promise.all(transports.map(async (t) => t.close()));
    await registry.stop();
  });

  function transport(extra: Partial<TransportOptions> = {}): RegistryTransport {
    const credentials = registry.username === undefined ? undefined : Credentials.of({ username: registry.username, password: registry.password });
    const created = new RegistryTransport({
      keychain: staticKeychain(credentials === undefined ? {} : { [registry.host]: credentials }),
      registries: registry.caPem === undefined ? undefined : { [registry.host]: { ca: registry.caPem } },
      onRequest: (event) => events.push(event),
      ...extra,
    });
    transports.push(created);
    return created;
  }
  const ref = (name: string): string => `${registry.host}/${name}`;
  const docker = (name: string): string => `docker://${ref(name)}`;

  it('pushes an in-memory image, pulls it back with equal digests, and skopeo reads it', async () => {
    const client = transport();
    const image = randomImage(11, { layers: 2 });
    const result = await pushImage(image, ref('test/img:v1'), { transport: client, tags: ['extra'] });
    expect(result.digest).toBe(await image.digest());
    expect(result.changed).toBe(true);
    expect(Object.values(result.blobs)).toEqual(['uploaded', 'uploaded', 'uploaded']);

    const pulled = await remoteImage(ref('test/img:v1'), { transport: client });
    expect(await pulled.digest()).toBe(await image.digest());
    expect(Buffer.from(await pulled.rawConfigFile())).toEqual(Buffer.from(await image.rawConfigFile()));
    expect(await checkImageConformance(pulled)).toEqual([]);
    const layers = await pulled.layers();
    expect(layers[0]!.locations).toEqual([{ registry: registry.host, repository: 'test/img' }]);
    expect(await digestOfStream(await layers[1]!.compressed())).toEqual({ digest: await layers[1]!.digest(), size: await layers[1]!.size() });

    const raw = await skopeoInspectRaw(docker('test/img:v1'), registry.skopeoArgs());
    expect(raw.digest).toBe(result.digest);
    expect((await skopeoInspectRaw(docker('test/img:extra'), registry.skopeoArgs())).digest).toBe(result.digest);
    expect(await headManifest(ref('test/img:extra'), { transport: client })).toBe(result.digest);
    expect((await listTags(parseReference(ref('test/img')), { transport: client })).sort()).toEqual(['extra', 'v1']);
  });

  it('with tagsOnlyWhenPushed, an image the tag already names gets no new tags (one HEAD, nothing written)', async () => {
    const client = transport();
    const image = randomImage(12, { layers: 1 });
    await pushImage(image, ref('test/once:v1'), { transport: client, tags: ['first'], tagsOnlyWhenPushed: true });
    const before = events.length;
    const again = await pushImage(image, ref('test/once:v1'), { transport: client, tags: ['second'], tagsOnlyWhenPushed: true });
    expect(again.changed).toBe(false);
    expect(events.slice(before).map((e) => e.method)).toEqual(['HEAD']);
    expect((await listTags(parseReference(ref('test/once')), { transport: client })).sort()).toEqual(['first', 'v1']);
    // Without the option the extra tag is written to the unchanged image.
    const tagged = await pushImage(image, ref('test/once:v1'), { transport: client, tags: ['second'] });
    expect(tagged.changed).toBe(true);
    expect((await listTags(parseReference(ref('test/once')), { transport: client })).sort()).toEqual(['first', 'second', 'v1']);
  });

  it('lists every tag with a page size (distribution 2.8 answers in one page; pages are unit-tested), and HEADs once without retries when told to', async () => {
    const client = transport();
    const image = randomImage(13, { layers: 1 });
    await pushImage(image, ref('test/paged:1.0.0'), { transport: client, tags: ['1.1.0', '1.2.0', '2.0.0', 'latest'] });
    expect((await listTags(parseReference(ref('test/paged')), { transport: client, pageSize: 2 })).sort()).toEqual([
      '1.0.0',
      '1.1.0',
      '1.2.0',
      '2.0.0',
      'latest',
    ]);
    const start = events.length;
    expect(await headManifest(ref('test/paged:1.2.0'), { transport: client, retry: false })).toBe(await image.digest());
    expect(
      events
        .slice(start)
        .filter((e) => e.kind !== 'token')
        .map((e) => e.method),
    ).toEqual(['HEAD']);
  });

  it('reads an image that skopeo pushed', async () => {
    const fixture = await makeOciFixture({ files: { 'hello.txt': `hello ${mode}` }, labels: { mode } });
    try {
      await skopeoCopy({ src: fixture.reference, dest: docker('skopeo/img:v1'), flags: registry.skopeoArgs({ role: 'dest' }) });
      const client = transport();
      const described = await remoteGet(ref('skopeo/img:v1'), { transport: client });
      expect(described.kind).toBe('image');
      expect(described.descriptor.digest).toBe(fixture.manifestDigest);
      const image = await remoteImage(ref(`skopeo/img@${fixture.manifestDigest}`), { transport: client });
      expect((await image.configFile()).config?.Labels).toEqual({ mode });
      const [layer] = await image.layers();
      expect(await layer!.diffId()).toBe(fixture.diffId);
      expect(await digestOfStream(await layer!.uncompressed())).toMatchObject({ digest: fixture.diffId });
    } finally {
      await removeDir(fixture.dir);
    }
  });

  it('copies within the registry by mounting, not uploading', async () => {
    const client = transport();
    const source = await remoteImage(ref('test/img:v1'), { transport: client });
    const before = (await registry.accessLog()).length;
    const tokensBefore = registry.tokenServer?.requests().length ?? 0;
    const result = await pushImage(source, ref('mounted/img:v1'), { transport: client });
    expect(result.digest).toBe(await source.digest());
    expect(Object.values(result.blobs)).toEqual(['mounted', 'mounted', 'mounted']);

    const log = (await registry.accessLog()).slice(before);
    const mounts = log.filter((e) => e.method === 'POST' && e.query.mount !== undefined);
    expect(mounts.map((e) => [e.repository, e.query.from, e.status])).toEqual(Array(3).fill(['mounted/img', 'test/img', 201]));
    expect(log.filter((e) => e.method === 'PATCH' || (e.method === 'PUT' && e.path.includes('/blobs/')))).toEqual([]);
    if (registry.tokenServer !== undefined) {
      const asked = registry.tokenServer
        .requests()
        .slice(tokensBefore)
        .flatMap((r) => r.scopes);
      expect(asked).toContain('repository:test/img:pull');
      expect(asked).toContain('repository:mounted/img:pull,push');
    }
    expect((await skopeoInspectRaw(docker('mounted/img:v1'), registry.skopeoArgs())).digest).toBe(result.digest);
  });

  it('uploads into the session a refused mount opened (202)', async () => {
    const client = transport();
    const [layer] = await randomImage(61, { layers: 1 }).layers();
    // Claims a location that does not hold the blob, so the registry answers the mount with 202.
    const claimed: Layer = Object.assign(Object.create(layer!) as Layer, { locations: [{ registry: registry.host, repository: 'nowhere/img' }] });
    const image = appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [claimed]);
    const before = (await registry.accessLog()).length;
    const result = await pushImage(image, ref('fallback/img:v1'), { transport: client });
    expect(Object.values(result.blobs)).toEqual(['uploaded', 'uploaded']);
    const log = (await registry.accessLog()).slice(before).filter((e) => e.path.includes('/blobs/uploads/'));
    // Config and layer each: one mount POST answered 202, then the PUT into that same session.
    const digests = [(await image.manifest()).config.digest, await layer!.digest()].sort();
    const posts = log.filter((e) => e.method === 'POST');
    expect(posts.map((e) => [e.query.mount, e.query.from, e.status]).sort()).toEqual(digests.map((d) => [d, 'nowhere/img', 202]));
    expect(
      log
        .filter((e) => e.method === 'PUT')
        .map((e) => [e.query.digest, e.status])
        .sort(),
    ).toEqual(digests.map((d) => [d, 201]));
    expect(log.filter((e) => e.method === 'PATCH')).toEqual([]);
  });

  it('sends nothing but a HEAD when the tag already names the digest', async () => {
    const client = transport();
    const image = randomImage(11, { layers: 2 });
    await pushImage(image, ref('test/img:v1'), { transport: client }); // warm: ping and token
    events.length = 0;
    const result = await pushImage(image, ref('test/img:v1'), { transport: client });
    expect(result.changed).toBe(false);
    expect(events.filter((e) => e.kind === 'registry').map((e) => e.method)).toEqual(['HEAD']);
  });

  it('keeps the connection open after a HEAD, so a run of HEADs shares one connection', async () => {
    const image = randomImage(12, { layers: 1 });
    await pushImage(image, ref('test/keepalive:v1'), { transport: transport() });
    const proxy = await startTcpProxy(new URL(`http://${registry.host}`));
    try {
      // The registry's certificate names 127.0.0.1 whatever the port, and its credentials go by host.
      const host = `127.0.0.1:${proxy.port}`;
      const credentials = registry.username === undefined ? undefined : Credentials.of({ username: registry.username, password: registry.password });
      const client = transport({
        keychain: staticKeychain(credentials === undefined ? {} : { [host]: credentials }),
        registries: registry.caPem === undefined ? undefined : { [host]: { ca: registry.caPem } },
      });
      const head = async () => expect(await headManifest(`${host}/test/keepalive:v1`, { transport: client })).toBe(await image.digest());
      await head(); // after the ping (in plain HTTP, an HTTPS attempt first)
      const opened = proxy.accepted;
      for (let i = 0; i < 8; i++) await head();
      // undici, the client before Node's, closed the connection after every HEAD: eight more connections.
      // The registry may close one on its own (in token mode it closes the ping's once).
      expect(proxy.accepted - opened).toBeLessThanOrEqual(1);
    } finally {
      await proxy.down();
    }
  });

  it('pushes again a blob of the tagged image that was deleted by hand, instead of skipping it as held', async () => {
    const client = transport();
    const tag = ref('test/lost:v1');
    const base = randomImage(12, { layers: 3 });
    await pushImage(base, tag, { transport: client });
    const lost = await (await base.layers())[1]!.digest();
    const blobRequest = async (method: string, expected: number): Promise<void> => {
      const path = `/v2/test/lost/blobs/${lost}`;
      await (await client.request({ registry: registry.host, method, path, scopes: ['repository:test/lost:*'], expect: [expected] })).arrayBuffer();
    };
    await blobRequest('DELETE', 202);

    const next = appendLayers(base, [randomLayer(1299)]);
    const pushed = await pushImage(next, tag, { transport: client });
    expect(pushed.blobs[lost]).toBe('uploaded');
    expect(await (await remoteImage(tag, { transport: transport() })).digest()).toBe(await next.digest());
    await blobRequest('HEAD', 200);
  });

  it('uploads a 20 MiB blob in PATCH chunks', async () => {
    const client = transport();
    const image = randomImage(21, { layers: 1, files: 1, maxFileSize: 20 * 1024 * 1024, compression: 'none' });
    const [layer] = await image.layers();
    const size = await layer!.size();
    const before = (await registry.accessLog()).length;
    const progress: number[] = [];
    await pushImage(image, ref('big/img:v1'), {
      transport: client,
      chunkSize: 4 * 1024 * 1024,
      onProgress: (p) => p.digest === undefined || (p.size === size && progress.push(p.sent)),
    });
    const log = (await registry.accessLog()).slice(before);
    const patches = log.filter((e) => e.method === 'PATCH');
    expect(patches.length).toBe(Math.ceil(size / (4 * 1024 * 1024)));
    expect(patches.every((e) => e.status === 202)).toBe(true);
    expect(progress.at(-1)).toBe(size);
    const pulled = await remoteImage(ref('big/img:v1'), { transport: client });
    const [pulledLayer] = await pulled.layers();
    expect(await digestOfStream(await pulledLayer!.compressed())).toEqual({ digest: await layer!.digest(), size });
  });

  it('pushes an index and picks a platform from it', async () => {
    const client = transport();
    const amd = randomImage(31, { layers: 1, platform: { os: 'linux', architecture: 'amd64' } });
    const arm = randomImage(32, { layers: 1, platform: { os: 'linux', architecture: 'arm64' } });
    const index = await fixtureIndex([amd, arm]);
    const result = await pushIndex(index, ref('multi/img:v1'), { transport: client });
    expect(result.digest).toBe(await index.digest());
    expect((await skopeoInspectRaw(docker('multi/img:v1'), registry.skopeoArgs())).digest).toBe(result.digest);
    const picked = await remoteImage(ref('multi/img:v1'), { transport: client, platform: { os: 'linux', architecture: 'arm64' } });
    expect(await picked.digest()).toBe(await arm.digest());
    expect(await (await remoteIndex(ref('multi/img:v1'), { transport: client })).digest()).toBe(result.digest);
  });

  it('pushes the images of an index together, checking and uploading a blob they share once', async () => {
    const client = transport();
    const amd = randomImage(33, { layers: 2, platform: { os: 'linux', architecture: 'amd64' } });
    // The arm64 twin: the same layers under its own config, as a multi-arch builder's members are.
    const arm = withConfig(amd, (config) => ({ ...config, architecture: 'arm64' }));
    const index = await fixtureIndex([amd, arm]);
    const before = (await registry.accessLog()).length;
    const result = await pushIndex(index, ref('twins/img:v1'), { transport: client });
    const log = (await registry.accessLog()).slice(before);
    const layers = await Promise.all((await amd.layers()).map((l) => l.digest()));
    const configs = [(await amd.manifest()).config.digest, (await arm.manifest()).config.digest];
    const heads = log.filter((e) => e.method === 'HEAD' && e.path.includes('/blobs/')).map((e) => e.path.split('/').pop());
    expect(heads.sort()).toEqual([...layers, ...configs].sort());
    const uploaded = log.filter((e) => e.method === 'PUT' && e.query.digest !== undefined).map((e) => e.query.digest);
    expect(uploaded.sort()).toEqual([...layers, ...configs].sort());
    expect(Object.keys(result.blobs).sort()).toEqual([...layers, ...configs].sort());
    expect((await skopeoInspectRaw(docker('twins/img:v1'), registry.skopeoArgs())).digest).toBe(result.digest);
    const picked = await remoteImage(ref('twins/img:v1'), { transport: client, platform: { os: 'linux', architecture: 'arm64' } });
    expect(await picked.digest()).toBe(await arm.digest());
  });

  it('moving a tag, reads the manifest it named once and checks only the blobs that manifest lacks', async () => {
    const client = transport();
    const before = randomImage(34, { layers: 2 });
    await pushImage(before, ref('moved/img:v1'), { transport: client });
    const [extra] = await randomImage(35, { layers: 1 }).layers();
    const after = appendLayers(before, [extra!]);
    const log0 = (await registry.accessLog()).length;
    await pushImage(after, ref('moved/img:v1'), { transport: client });
    const log = (await registry.accessLog()).slice(log0);
    const newBlobs = [(await after.manifest()).config.digest, await (await after.layers())[2]!.digest()].sort();
    const heads = log.filter((e) => e.method === 'HEAD' && e.path.includes('/blobs/')).map((e) => e.path.split('/').pop());
    expect(heads.sort()).toEqual(newBlobs);
    expect(log.filter((e) => e.method === 'GET' && e.path.includes('/manifests/')).map((e) => e.path.split('/').pop())).toEqual([await before.digest()]);
    expect((await skopeoInspectRaw(docker('moved/img:v1'), registry.skopeoArgs())).digest).toBe(await after.digest());
  });

  it('answers a missing image with a typed 404', async () => {
    const client = transport();
    const error = await remoteImage(ref('test/img:missing'), { transport: client }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(404);
    expect((error as RegistryError).errors[0]?.code).toBe('MANIFEST_UNKNOWN');
    expect((error as RegistryError).retryable).toBe(false);
    expect(await headManifest(ref('test/img:missing'), { transport: client })).toBeUndefined();
  });

  itWhere(mode === 'basic' || mode === 'token')('authenticates with credentials read from a Docker config.json', async () => {
    const path = await registry.authFile();
    const client = transport({ keychain: dockerConfigKeychain(await loadDockerConfig(path)) });
    const image = randomImage(45, { layers: 1 });
    const result = await pushImage(image, ref('config-json/img:v1'), { transport: client });
    expect(await headManifest(ref('config-json/img:v1'), { transport: client })).toBe(result.digest);
    const anonymous = transport({ keychain: anonymousKeychain });
    const anonymousHead = headManifest(ref('config-json/img:v1'), { transport: anonymous });
    // htpasswd refuses anonymous reads; the token server grants anonymous users pull only.
    if (mode === 'basic') await expect(anonymousHead).rejects.toMatchObject({ status: 401 });
    else expect(await anonymousHead).toBe(result.digest);
  });

  itWhere(mode === 'token')('refuses an anonymous push after one token renewal, with a typed 401', async () => {
    const seen: RequestEvent[] = [];
    const client = transport({ keychain: anonymousKeychain, onRequest: (event) => seen.push(event) });
    const error = await pushImage(randomImage(47), ref('test/anonymous:v1'), { transport: client, jobs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(401);
    expect((error as RegistryError).errors[0]?.code).toBe('UNAUTHORIZED');
    expect((error as Error).message).not.toMatch(/eyJ/);
    // One upload refused, its token renewed once and refused again; the queued blobs never start.
    const uploads = seen.filter((e) => e.kind === 'registry' && e.method === 'POST');
    expect(uploads.map((e) => e.status)).toEqual([401, 401]);
  });

  itWhere(mode === 'basic' || mode === 'token')('fails with a 401 that is not retried when the password is wrong', async () => {
    const seen: RequestEvent[] = [];
    const client = transport({
      keychain: staticKeychain({ [registry.host]: Credentials.of({ username: registry.username, password: 'wrong' }) }),
      onRequest: (event) => seen.push(event),
    });
    const error = await pushImage(randomImage(41), ref('test/denied:v1'), { transport: client }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(401);
    expect((error as RegistryError).retryable).toBe(false);
    expect((error as Error).message).not.toContain('wrong');
    // One ping (plus the https probe on plain loopback) and one refused request: no retries.
    const refused = seen.filter((e) => e.status === 401 && e.kind !== 'ping');
    expect(refused).toHaveLength(1);
    expect(seen.filter((e) => e.kind !== 'ping')).toHaveLength(1);
  });
});

describe('connection settings against docker-registry', () => {
  let registry: RegistryHandle;
  beforeAll(async () => {
    registry = await startRegistry({ mode: 'tls' });
  });
  afterAll(async () => registry.stop());

  it('rejects a private CA it was not given, without retrying, and accepts it when explicitly insecure', async () => {
    const strict = new RegistryTransport();
    const error = await remoteGet(`${registry.host}/none/img:v1`, { transport: strict }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/certificate/i);
    await strict.close();

    const insecure = new RegistryTransport({ insecureRegistries: [registry.host] });
    const image: Image = randomImage(51, { layers: 1 });
    const result = await pushImage(image, `${registry.host}/insecure/img:v1`, { transport: insecure });
    expect(result.digest).toBe(await image.digest());
    expect((await insecure.baseUrl(registry.host)).protocol).toBe('https:');
    await insecure.close();
  });
});
