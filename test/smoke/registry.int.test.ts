// Smoke tests of the registry harness against the real docker-registry, skopeo and umoci: every
// auth mode round-trips an image with its digest intact, refuses what it should, and the access
// log shows cross-repository mounts (the helper packsmith's own mount tests rely on).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  layoutManifestDigest,
  makeOciFixture,
  removeDir,
  scratchDir,
  skopeo,
  skopeoCopy,
  skopeoInspect,
  skopeoInspectConfig,
  skopeoInspectRaw,
  startRegistry,
  stopAllRegistries,
  umociUnpack,
  type OciFixture,
  type RegistryHandle,
  type RegistryMode,
  type RegistryStorage,
} from '../harness/index.ts';

const cases: readonly { mode: RegistryMode; storage: RegistryStorage; tls: boolean }[] = [
  { mode: 'plain', storage: 'memory', tls: false },
  { mode: 'basic', storage: 'filesystem', tls: false },
  { mode: 'tls', storage: 'memory', tls: true },
  { mode: 'token', storage: 'filesystem', tls: false },
  // Token auth over HTTPS, with the token server on HTTPS too (as real registries run it).
  { mode: 'token', storage: 'memory', tls: true },
];

afterAll(stopAllRegistries);

describe.each(cases)('registry in $mode mode ($storage storage, tls: $tls)', ({ mode, storage, tls }) => {
  let registry: RegistryHandle;
  let fixture: OciFixture;
  let work: string;

  beforeAll(async () => {
    [registry, fixture, work] = await Promise.all([
      startRegistry({ mode, storage, tls }),
      makeOciFixture({ tag: 'v1', files: { 'hello.txt': `hello from the ${mode} registry\n`, 'etc/mode': mode } }),
      scratchDir('smoke'),
    ]);
  });
  afterAll(async () => {
    await registry?.stop();
    await removeDir(fixture?.dir ?? '');
    await removeDir(work ?? '');
  });

  const remote = (repo: string, tag = 'v1'): string => `docker://${registry.host}/${repo}:${tag}`;

  it('pushes a layout, serves the same manifest digest, and pulls it back intact', async () => {
    await skopeoCopy({ src: fixture.reference, dest: remote('smoke/img'), flags: registry.skopeoArgs({ role: 'dest' }) });

    const raw = await skopeoInspectRaw(remote('smoke/img'), registry.skopeoArgs());
    expect(raw.digest).toBe(fixture.manifestDigest);
    expect(raw.text).toBe(fixture.manifestText);
    const summary = await skopeoInspect(remote('smoke/img'), registry.skopeoArgs());
    expect(summary.Digest).toBe(fixture.manifestDigest);
    const config = await skopeoInspectConfig(remote('smoke/img'), registry.skopeoArgs());
    expect(config).toMatchObject({ rootfs: { diff_ids: [fixture.diffId] } });

    const pulled = join(work, 'pulled');
    await skopeoCopy({ src: remote('smoke/img'), dest: `oci:${pulled}:v1`, flags: registry.skopeoArgs({ role: 'src' }) });
    expect(await layoutManifestDigest(pulled, 'v1')).toBe(fixture.manifestDigest);
    const unpacked = await umociUnpack({ layout: pulled, tag: 'v1' });
    try {
      expect(await readFile(join(unpacked.rootfs, 'hello.txt'), 'utf8')).toBe(fixture.files['hello.txt']);
      expect(await readFile(join(unpacked.rootfs, 'etc/mode'), 'utf8')).toBe(mode);
    } finally {
      await removeDir(unpacked.dir);
    }

    const pushes = (await registry.accessLog()).filter((e) => e.method === 'PUT' && e.path === '/v2/smoke/img/manifests/v1');
    expect(pushes.map((e) => e.status)).toEqual([201]);
  });

  if (mode === 'basic' || mode === 'token')
    it('refuses a push without credentials', async () => {
      const result = await skopeo(['copy', ...registry.skopeoArgs({ role: 'dest', credentials: false }), fixture.reference, remote('anonymous/img')]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/unauthorized|authentication required|denied/i);
      const again = await skopeo([
        'copy',
        '--dest-authfile',
        await registry.authFile(),
        ...registry.skopeoArgs({ role: 'dest', credentials: false }),
        fixture.reference,
        remote('authfile/img'),
      ]);
      expect(again.code, again.stderr).toBe(0);
    });

  if (mode === 'token')
    it('records the scopes the client asked the token server for', async () => {
      await skopeoCopy({ src: fixture.reference, dest: remote('scoped/img'), flags: registry.skopeoArgs({ role: 'dest' }) });
      const requests = registry.tokenServer!.requests();
      const push = requests.find((r) => r.scopes.includes('repository:scoped/img:pull,push'));
      expect(push).toMatchObject({ user: registry.username, service: 'packsmith-test-registry', status: 200 });
      expect(push!.granted).toContainEqual({ type: 'repository', name: 'scoped/img', actions: ['pull', 'push'] });
      const anonymous = requests.filter((r) => r.user === undefined && r.status === 200);
      for (const r of anonymous) for (const g of r.granted) expect(g.actions).not.toContain('push');
    });

  if (tls)
    it('is reachable only with the CA', async () => {
      const without = await skopeo(['inspect', '--raw', ...registry.skopeoArgs({ ca: false }), remote('smoke/img')]);
      expect(without.code).not.toBe(0);
      expect(without.stderr).toMatch(/certificate|x509/i);
      expect(registry.caPem).toContain('BEGIN CERTIFICATE');
      expect(registry.url).toBe(`https://${registry.host}`);
      if (registry.tokenServer) expect(registry.tokenServer.realm).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/token$/);
      const withCa = await skopeo(['inspect', '--raw', ...registry.skopeoArgs(), remote('smoke/img')]);
      expect(withCa.code, withCa.stderr).toBe(0);
    });
});

describe.each(['plain', 'token'] as const)('cross-repository mount seen in the %s registry access log', (mode) => {
  let registry: RegistryHandle;
  let fixture: OciFixture;

  beforeAll(async () => {
    [registry, fixture] = await Promise.all([startRegistry({ mode }), makeOciFixture({ tag: 'v1', files: { 'mounted.txt': 'mount me\n' } })]);
  });
  afterAll(async () => {
    await registry?.stop();
    await removeDir(fixture?.dir ?? '');
  });

  it('mounts the layer from the source repository instead of uploading it', async () => {
    const src = `docker://${registry.host}/source/img:v1`;
    const dest = `docker://${registry.host}/target/img:v1`;
    await skopeoCopy({ src: fixture.reference, dest: src, flags: registry.skopeoArgs({ role: 'dest' }) });
    registry.tokenServer?.clearRequests();
    await skopeoCopy({ src, dest, flags: [...registry.skopeoArgs({ role: 'src' }), ...registry.skopeoArgs({ role: 'dest' })] });

    const mounts = await registry.mounts();
    expect(mounts).toContainEqual({ repository: 'target/img', from: 'source/img', digest: fixture.layerDigest, status: 201 });
    // skopeo uploads the small config blob again; the layer must come only from the mount.
    const uploaded = (await registry.accessLog())
      .filter((e) => e.method === 'PUT' && e.repository === 'target/img' && e.path.includes('/blobs/uploads/'))
      .map((e) => e.query.digest);
    expect(uploaded).not.toContain(fixture.layerDigest);
    expect((await skopeoInspectRaw(dest, registry.skopeoArgs())).digest).toBe(fixture.manifestDigest);

    if (mode === 'token') {
      const scopes = registry.tokenServer!.requests().flatMap((r) => r.scopes);
      expect(scopes).toContain('repository:source/img:pull');
      expect(scopes).toContain('repository:target/img:pull,push');
    }
  });
});
