// `packsmith builder ...` and `packsmith clusterbuilder ...` end to end against the REAL
// kube-apiserver, docker-registry and the in-process controller (world.ts). The store and stack
// are applied with kubectl (not with the clusterstore/clusterstack commands), then: a Builder is
// created from --buildpack and waits until Ready; status shows its image and the detection order
// as a tree with the store each buildpack came from; a patch with a new order rebuilds it, the same
// order again is "(no change)"; dry runs store nothing; -o yaml; a ClusterBuilder takes its tag and
// service account from kp-config and its order from the first builder's image; list; delete; a
// missing buildpack fails with the controller's reason; usage errors exit 2.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { stackId } from '../app/fixtures.ts';
import { startCliWorld, type CliRun, type CliWorld } from './world.ts';

let world: CliWorld;
let tag: string;

interface BuilderJson {
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: { conditions?: { type: string; status: string }[]; latestImage?: string; order?: unknown[] };
}

const builderJson = async (kind: string, name: string, namespace?: string): Promise<BuilderJson> =>
  (await world.getJson(kind, name, namespace)) as unknown as BuilderJson;
const ready = (object: { status?: Record<string, unknown> }): boolean =>
  ((object.status?.conditions ?? []) as { type: string; status: string }[]).some((c) => c.type === 'Ready' && c.status === 'True');

function expectOk(run: CliRun): void {
  expect(run.stderr, run.stdout).toBe('');
  expect(run.code).toBe(0);
}

/** Lines with runs of spaces after text collapsed (indentation kept) and trailing spaces dropped (the exact layout is golden-tested). */
const squeezed = (text: string): string[] => text.split('\n').map((line) => line.replace(/(\S) {2,}/g, '$1  ').trimEnd());

beforeAll(async () => {
  world = await startCliWorld('cli-builder');
  tag = `${world.registry.host}/builders/app`;
  await world.kubectl(
    ['apply', '-f', '-'],
    `apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: default}
spec:
  serviceAccountRef: {name: kp-sa, namespace: kpack}
  sources: [{image: ${world.at.web}}, {image: ${world.at.ruby}}]
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: default}
spec:
  id: ${stackId}
  serviceAccountRef: {name: kp-sa, namespace: kpack}
  buildImage: {image: ${world.at.build}}
  runImage: {image: ${world.at.run}}
`,
  );
  await world.until(
    async () => ready(await world.getJson('clusterstore', 'default')) && ready(await world.getJson('clusterstack', 'default')),
    120_000,
    'store and stack Ready',
  );
}, 300_000);

afterAll(async () => {
  await world.stop();
});

describe('builder', () => {
  it("create waits until the Builder is Ready and writes kp's spec", async () => {
    const run = await world.run(['builder', 'create', 'app', '-n', 'team', '--tag', tag, '--store', 'default', '-b', 'test/web', '-b', 'test/ruby']);
    expectOk(run);
    expect(run.stdout).toBe('Builder "app" created\n');
    const builder = await builderJson('builder', 'app', 'team');
    expect(builder.spec).toEqual({
      tag,
      stack: { name: 'default', kind: 'ClusterStack' },
      store: { name: 'default', kind: 'ClusterStore' },
      order: [{ group: [{ id: 'test/web' }, { id: 'test/ruby' }] }],
      serviceAccountName: 'default',
    });
    expect(JSON.parse(builder.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}')).toMatchObject({
      kind: 'Builder',
      spec: { tag },
    });
    expect(ready(builder)).toBe(true);
    expect(builder.status?.latestImage).toMatch(new RegExp(`^${tag.replaceAll('.', '\\.')}(:[^@]+)?@sha256:[0-9a-f]{64}$`));
  });

  it('status shows the image, the stack and the detection order as a tree with sources', async () => {
    const builder = await builderJson('builder', 'app', 'team');
    const run = await world.run(['builder', 'status', 'app', '-n', 'team']);
    expectOk(run);
    const lines = squeezed(run.stdout);
    expect(lines.slice(0, 3)).toEqual(['Status:  Ready', `Image:  ${builder.status?.latestImage ?? ''}`, `Stack ID:  ${stackId}`]);
    expect(lines[3]).toMatch(new RegExp(`^Run Image:  ${tag.replaceAll('.', '\\.')}\\S*-run-image@sha256:[0-9a-f]{64}$`));
    expect(run.stdout).toContain('Store Ref:     \n  Name:       default\n  Kind:       ClusterStore\n');
    expect(lines.slice(lines.indexOf('DETECTION ORDER  SOURCE'))).toEqual([
      'DETECTION ORDER  SOURCE',
      'Group #1',
      '  test/web@2.0.0  ClusterStore/default',
      '    test/node@1.0.0  ClusterStore/default',
      '    test/python@1.0.0  (Optional)  ClusterStore/default',
      '  test/ruby@1.0.0  ClusterStore/default',
      '',
      '',
    ]);
  });

  it('patch with a new order rebuilds; the same order again is no change', async () => {
    const before = await builderJson('builder', 'app', 'team');
    const order = join(world.work, 'order.yaml');
    await writeFile(order, '- group:\n  - id: test/ruby\n- group:\n  - id: test/web\n');
    const run = await world.run(['builder', 'patch', 'app', '-n', 'team', '--order', order]);
    expectOk(run);
    expect(run.stdout).toBe('Builder "app" patched\n');
    const after = await builderJson('builder', 'app', 'team');
    expect(after.status?.order).toEqual([{ group: [{ id: 'test/ruby', version: '1.0.0' }] }, { group: [{ id: 'test/web', version: '2.0.0' }] }]);
    expect(after.status?.latestImage).not.toBe(before.status?.latestImage);

    const again = await world.run(['builder', 'patch', 'app', '-n', 'team', '--order', order, '--stack', 'default']);
    expectOk(again);
    expect(again.stdout).toBe('Builder "app" patched (no change)\n');
    expect((await builderJson('builder', 'app', 'team')).metadata.resourceVersion).toBe(after.metadata.resourceVersion);
  });

  it('a store dry run says which builders the change would rebuild, and how, writing nothing', async () => {
    const store = (await world.getJson('clusterstore', 'default')) as { metadata: { resourceVersion: string } };
    const builder = await builderJson('builder', 'app', 'team');
    const registryWrites = async (): Promise<number> => (await world.registry.accessLog()).filter((e) => ['POST', 'PUT', 'PATCH'].includes(e.method)).length;
    const writesBefore = await registryWrites();

    const add = await world.run(['clusterstore', 'add', 'default', '-b', world.cnb.ruby2, '--dry-run']);
    expectOk(add);
    const lines = add.stdout.split('\n');
    expect(lines.slice(-4)).toEqual([
      'ClusterStore "default" updated (dry run)',
      'Builders using ClusterStore "default" (1 of 1 would be rebuilt):',
      '\tBuilder team/app: would be rebuilt: test/ruby 1.0.0 → 2.0.0',
      '',
    ]);

    const again = await world.run(['clusterstore', 'add', 'default', '-b', world.at.web, '--dry-run']);
    expectOk(again);
    expect(again.stdout).toMatch(/\n\tBuilder team\/app: unchanged\n$/);

    const remove = await world.run(['clusterstore', 'remove', 'default', '-b', 'test/ruby@1.0.0', '--dry-run']);
    expectOk(remove);
    expect(remove.stdout).toMatch(
      /\(0 of 1 would be rebuilt\):\n\tBuilder team\/app: would fail: spec\.order\[0\]\.group\[0\]: could not find buildpack with id 'test\/ruby'\n$/,
    );

    // A new ClusterBuildpack offering a newer test/ruby reaches the builder through the id it asks for.
    const clusterBuildpack = await world.run(['clusterbuildpack', 'create', 'ruby-next', '-i', world.cnb.ruby2, '--dry-run']);
    expectOk(clusterBuildpack);
    expect(clusterBuildpack.stdout).toMatch(
      /\nBuilders using ClusterBuildpack "ruby-next" \(1 of 1 would be rebuilt\):\n\tBuilder team\/app: would be rebuilt: test\/ruby 1\.0\.0 → 2\.0\.0\n$/,
    );
    await expect(world.kubectl(['get', 'clusterbuildpack', 'ruby-next'])).rejects.toThrow(/not found/);

    expect(await registryWrites()).toBe(writesBefore);
    expect(((await world.getJson('clusterstore', 'default')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toBe(
      store.metadata.resourceVersion,
    );
    expect((await builderJson('builder', 'app', 'team')).status?.latestImage).toBe(builder.status?.latestImage);
  });

  it('dry runs change nothing; -o yaml prints the Builder instead of the result line', async () => {
    const before = await builderJson('builder', 'app', 'team');
    const patch = await world.run(['builder', 'patch', 'app', '-n', 'team', '-b', 'test/web', '--dry-run']);
    expectOk(patch);
    expect(patch.stdout).toBe('Builder "app" patched (dry run)\n');
    expect((await builderJson('builder', 'app', 'team')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);

    const create = await world.run(['builder', 'create', 'draft', '-n', 'team', '--tag', `${tag}-draft`, '-b', 'test/ruby@1.0.0', '--dry-run', '-o', 'yaml']);
    expectOk(create);
    const printed = parse(create.stdout) as { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> };
    expect(printed).toMatchObject({ apiVersion: 'kpack.io/v1alpha2', kind: 'Builder', metadata: { name: 'draft', namespace: 'team' } });
    expect(printed.spec.order).toEqual([{ group: [{ id: 'test/ruby', version: '1.0.0' }] }]);
    await expect(world.kubectl(['get', 'builder', 'draft', '-n', 'team'])).rejects.toThrow(/not found/);
  });

  it("a buildpack that does not exist fails with the controller's reason", async () => {
    const run = await world.run(['builder', 'create', 'broken', '-n', 'team', '--tag', `${tag}-broken`, '--store', 'default', '-b', 'test/nope']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: Builder "broken" not ready: Builder has no latestImage: .*test\/nope/);
    const status = await world.run(['builder', 'status', 'broken', '-n', 'team']);
    expect(status.stdout).toMatch(/^Status: {4}Not Ready\nReason: {4}Builder has no latestImage: .*test\/nope/);
    expect(run.stderr).not.toContain('no --store was given');
  });

  it('without --store, an unknown id comes with a hint that ids then resolve only from Buildpack resources', async () => {
    const run = await world.run(['builder', 'create', 'storeless', '-n', 'team', '--tag', `${tag}-storeless`, '-b', 'test/ruby']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("could not find buildpack with id 'test/ruby'");
    expect(run.stderr).toContain(
      'no --store was given: buildpack ids are looked up only in Buildpack and ClusterBuildpack resources; add --store <ClusterStore>',
    );
    await world.kubectl(['delete', 'builder', 'storeless', '-n', 'team']);
  });

  it('a patch the controller cannot build succeeds as in kp, with a warning, and status says why', async () => {
    const before = await builderJson('builder', 'app', 'team');
    const run = await world.run(['builder', 'patch', 'app', '-n', 'team', '-b', 'test/missing']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Builder "app" patched\n');
    expect(run.stderr).toMatch(/^warning: Builder "app" is not up to date \(it keeps its previous image\): .*test\/missing/);
    const status = await world.run(['builder', 'status', 'app', '-n', 'team']);
    expect(status.stdout).toMatch(/^Status: {7}Ready\nReason: {7}not up to date, the previous image is kept: .*test\/missing.*\nImage: {8}/);
    expect((await builderJson('builder', 'app', 'team')).status?.latestImage).toBe(before.status?.latestImage);
  });

  it('save needs --tag to create, and patches an existing Builder', async () => {
    const missing = await world.run(['builder', 'save', 'saved', '-n', 'team', '-b', 'test/ruby']);
    expect(missing).toMatchObject({ code: 1, stderr: 'error: --tag is required to create the resource\n' });
    const save = await world.run(['builder', 'save', 'app', '-n', 'team', '--order', '-', '--service-account', 'default', '-b', 'test/web']);
    expect(save.code).toBe(2);
    const patched = await world.run(['builder', 'save', 'app', '-n', 'team', '--tag', tag, '-b', 'test/web']);
    expectOk(patched);
    expect(patched.stdout).toBe('Builder "app" patched\n');
    expect((await builderJson('builder', 'app', 'team')).spec.order).toEqual([{ group: [{ id: 'test/web' }] }]);
  });

  it('usage errors exit 2 before anything is sent', async () => {
    const run = await world.run(['builder', 'create', 'x', '-n', 'team', '--tag', tag, '-b', 'test/web', '--order-from', world.at.web]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'error: only one of --order, --buildpack, or --order-from can be specified\n' });
    await expect(world.kubectl(['get', 'builder', 'x', '-n', 'team'])).rejects.toThrow(/not found/);
  });
});

describe('clusterbuilder', () => {
  it('create defaults the tag and service account from kp-config and reads --order-from an image', async () => {
    const app = await builderJson('builder', 'app', 'team');
    const run = await world.run(['clusterbuilder', 'create', 'base', '--store', 'default', '--order-from', app.status?.latestImage ?? '']);
    expectOk(run);
    expect(run.stdout).toBe('ClusterBuilder "base" created\n');
    const builder = await builderJson('clusterbuilder', 'base');
    expect(builder.spec).toEqual({
      tag: `${world.defaultRepository}:clusterbuilder-base`,
      stack: { name: 'default', kind: 'ClusterStack' },
      store: { name: 'default', kind: 'ClusterStore' },
      order: [{ group: [{ id: 'test/web', version: '2.0.0' }] }],
      serviceAccountRef: { name: 'kp-sa', namespace: 'kpack' },
    });
    expect(ready(builder)).toBe(true);
    const status = await world.run(['clusterbuilder', 'status', 'base']);
    expectOk(status);
    expect(status.stdout).toContain('CLUSTERBUILDPACK NAME         CLUSTERBUILDPACK KIND\n');
    expect(squeezed(status.stdout)).toContain('    test/node@1.0.0  ClusterStore/default');
  });

  it("list prints kp's tables; an empty namespace is an error", async () => {
    const builders = await world.run(['builder', 'list', '-n', 'team']);
    expectOk(builders);
    const app = await builderJson('builder', 'app', 'team');
    expect(squeezed(builders.stdout)).toEqual([
      'NAME  READY  STACK  IMAGE',
      `app  true  ${stackId}  ${app.status?.latestImage ?? ''}`,
      'broken  false',
      '',
      '',
    ]);
    const cluster = await world.run(['clusterbuilder', 'list']);
    expectOk(cluster);
    expect(squeezed(cluster.stdout)[1]).toMatch(
      new RegExp(`^base  true  ${stackId.replaceAll('.', '\\.')}  ${world.defaultRepository.replaceAll('.', '\\.')}:clusterbuilder-base@sha256:`),
    );
    expect(await world.run(['builder', 'list', '-n', 'kpack'])).toEqual({ code: 1, stdout: '', stderr: 'error: no builders found\n' });
  });

  it('delete removes Builders and ClusterBuilders', async () => {
    expect(await world.run(['builder', 'delete', 'broken', '-n', 'team'])).toEqual({ code: 0, stdout: 'Builder "broken" deleted\n', stderr: '' });
    expect(await world.run(['clusterbuilder', 'delete', 'base'])).toEqual({ code: 0, stdout: 'ClusterBuilder "base" deleted\n', stderr: '' });
    await expect(world.kubectl(['get', 'clusterbuilder', 'base'])).rejects.toThrow(/not found/);
    expect(await world.run(['clusterbuilder', 'list'])).toEqual({ code: 1, stdout: '', stderr: 'error: no clusterbuilders found\n' });
  });
});
