// `packsmith clusterstack`, `clusterlifecycle` and `config` end to end against a REAL kube-apiserver
// (+ etcd) and the REAL docker-registry, with the controller running in-process (see world.ts).
// Checked: a stack created from registry images is relocated into the default repository (kp's
// progress lines, spec by digest, kp-config's service account) and becomes Ready; status and list
// show what the controller resolved; patching with the same images changes nothing; a dry run
// uploads and changes nothing; -o json prints the patched object; local OCI layout archives are
// accepted; mismatched stack ids fail before any upload; a stack the controller rejects fails with
// its Ready message; delete; a lifecycle is created, resolved
// (version, APIs) and patched; the config commands set and read kp-config (run last, restored).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyImage, withLabels, writeCnbFile } from '../../src/oci/index.ts';
import { stackId, stackImage } from '../app/fixtures.ts';
import { skopeoInspectRaw, skopeoListTags } from '../harness/index.ts';
import { startCliWorld, type CliRun, type CliWorld } from './world.ts';

let world: CliWorld;
let repo: string;
const run = (...args: string[]): Promise<CliRun> => world.run(args);

interface StackJson {
  metadata: { generation?: number };
  spec: { id?: string; buildImage?: { image?: string }; runImage?: { image?: string }; serviceAccountRef?: object };
  status?: { id?: string; conditions?: { type: string; status: string }[]; buildImage?: { latestImage?: string }; runImage?: { latestImage?: string } };
}

const stackJson = async (name: string): Promise<StackJson> => (await world.getJson('clusterstacks.kpack.io', name)) as unknown as StackJson;
const digestOf = async (reference: string): Promise<string> => (await skopeoInspectRaw(`docker://${reference}`, world.registry.skopeoArgs())).digest;
const relocatedTags = async (): Promise<string[]> => skopeoListTags(`docker://${repo}`, world.registry.skopeoArgs());

/** stdout of a run that must succeed. */
async function ok(...args: string[]): Promise<string> {
  const result = await run(...args);
  expect(result.stderr, `packsmith ${args.join(' ')}`).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

beforeAll(async () => {
  world = await startCliWorld('cli-clusterstack');
  repo = world.defaultRepository;
}, 300_000);

afterAll(async () => {
  await world?.stop();
});

describe('packsmith clusterstack', () => {
  let build2: string;
  let run2: string;

  beforeAll(async () => {
    build2 = await world.publish(withLabels(stackImage('build'), { 'io.packsmith.test.variant': '2' }), 'stack/build', '2');
    run2 = await world.publish(withLabels(stackImage('run'), { 'io.packsmith.test.variant': '2' }), 'stack/run', '2');
  }, 120_000);

  it('create relocates both images into the default repository and waits until the stack is Ready', async () => {
    const [build, runImage] = [await digestOf(world.at.build), await digestOf(world.at.run)];
    const out = await ok('clusterstack', 'create', 'e2e-stack', '-b', world.at.build, '-r', world.at.run);
    expect(out).toBe(`Creating ClusterStack...
Uploading to '${repo}'...
\tUploading '${repo}@${build}'
\tUploading '${repo}@${runImage}'
ClusterStack "e2e-stack" created
`);
    const stack = await stackJson('e2e-stack');
    expect(stack.spec).toEqual({
      id: stackId,
      buildImage: { image: `${repo}@${build}` },
      runImage: { image: `${repo}@${runImage}` },
      serviceAccountRef: { name: 'kp-sa', namespace: 'kpack' },
    });
    expect(stack.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(await digestOf(`${repo}@${build}`)).toBe(build);
  });

  it('status shows what the controller resolved; -v adds the mixins', async () => {
    const { status } = await stackJson('e2e-stack');
    const block = `Status:         Ready
Id:             ${stackId}
Run Image:      ${status?.runImage?.latestImage}
Build Image:    ${status?.buildImage?.latestImage}
`;
    expect(status?.runImage?.latestImage).toMatch(/@sha256:/);
    expect(await ok('clusterstack', 'status', 'e2e-stack')).toBe(`${block}\n`);
    expect(await ok('clusterstack', 'status', 'e2e-stack', '-v')).toBe(`${block}Mixins:         --\n\n`);
  });

  it('patch with the same images changes nothing', async () => {
    const before = await stackJson('e2e-stack');
    const out = await ok('clusterstack', 'patch', 'e2e-stack', '-b', world.at.build, '-r', world.at.run);
    expect(out).toMatch(
      /^Updating ClusterStack...\nUploading to '.*'...\n\tUploading '.*'\n\tUploading '.*'\nClusterStack "e2e-stack" updated \(no change\)\n$/,
    );
    expect((await stackJson('e2e-stack')).metadata.generation).toBe(before.metadata.generation);
  });

  it('--dry-run uploads nothing and changes nothing', async () => {
    const before = await stackJson('e2e-stack');
    const build = await digestOf(build2);
    const out = await ok('clusterstack', 'update', 'e2e-stack', '-b', build2, '-r', run2, '--dry-run');
    expect(out).toBe(`Updating ClusterStack... (dry run)
Uploading to '${repo}'... (dry run)
\tSkipping '${repo}@${build}'
\tSkipping '${repo}@${await digestOf(run2)}'
ClusterStack "e2e-stack" updated (dry run)
`);
    expect((await stackJson('e2e-stack')).spec).toEqual(before.spec);
    expect(await relocatedTags()).not.toContain(build.replace(':', '-'));
  });

  it('save -o json patches the existing stack and prints it; progress goes to stderr', async () => {
    const result = await run('clusterstack', 'save', 'e2e-stack', '-b', build2, '-r', run2, '-o', 'json');
    expect(result.code).toBe(0);
    const build = await digestOf(build2);
    expect(result.stderr).toContain(`Updating ClusterStack...\nUploading to '${repo}'...\n\tUploading '${repo}@${build}'`);
    const printed = JSON.parse(result.stdout) as StackJson & { kind: string; apiVersion: string };
    expect(printed.kind).toBe('ClusterStack');
    expect(printed.apiVersion).toBe('kpack.io/v1alpha2');
    expect(printed.spec.buildImage?.image).toBe(`${repo}@${build}`);
    const stored = await stackJson('e2e-stack');
    expect(stored.spec.buildImage?.image).toBe(`${repo}@${build}`);
    expect(stored.status?.buildImage?.latestImage).toContain(build);
  });

  it('accepts local OCI layout archives, as kp accepts local tar files', async () => {
    const [buildTar, runTar] = [join(world.work, 'build.tar'), join(world.work, 'run.tar')];
    await writeCnbFile(buildTar, stackImage('build'));
    await writeCnbFile(runTar, stackImage('run'));
    const out = await ok('clusterstack', 'save', 'local-stack', '-b', buildTar, '-r', runTar);
    expect(out).toMatch(/^Creating ClusterStack...\n/);
    expect(out).toMatch(/ClusterStack "local-stack" created\n$/);
    expect((await stackJson('local-stack')).spec.buildImage?.image).toBe(`${repo}@${await digestOf(world.at.build)}`);
  });

  it('list shows NAME READY ID', async () => {
    expect(await ok('clusterstack', 'list')).toBe(`NAME           READY    ID
e2e-stack      True     ${stackId}
local-stack    True     ${stackId}

`);
  });

  it('refuses images whose stack ids differ, before uploading anything', async () => {
    const otherRun = await world.publish(withLabels(stackImage('run'), { 'io.buildpacks.stack.id': 'io.other.stack' }), 'stack/other-run');
    const result = await run('clusterstack', 'create', 'mismatched', '-b', world.at.build, '-r', otherRun);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('Creating ClusterStack...\n');
    expect(result.stderr).toBe(`error: build stack '${stackId}' does not match run stack 'io.other.stack'\n`);
    expect(await relocatedTags()).not.toContain((await digestOf(otherRun)).replace(':', '-'));
    await expect(world.kubectl(['get', 'clusterstack', 'mismatched'])).rejects.toThrow(/not found/);
  });

  it('a stack the controller rejects fails with its Ready message, and status shows it', async () => {
    const noUser = await world.publish(withLabels(emptyImage({ os: 'linux', architecture: 'amd64' }), { 'io.buildpacks.stack.id': stackId }), 'stack/no-user');
    const result = await run('clusterstack', 'create', 'no-user', '-b', noUser, '-r', world.at.run);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/ClusterStack...\n/);
    expect(result.stderr).toMatch(/^error: ClusterStack "no-user" not ready: .*CNB_USER_ID/);
    expect(await ok('clusterstack', 'status', 'no-user')).toMatch(/^Status: +Not Ready - .*CNB_USER_ID/);
    expect(await ok('clusterstack', 'delete', 'no-user')).toBe('ClusterStack "no-user" deleted\n');
  });

  it('delete removes the stacks; list then finds none', async () => {
    expect(await ok('clusterstack', 'delete', 'e2e-stack')).toBe('ClusterStack "e2e-stack" deleted\n');
    expect(await ok('clusterstack', 'delete', 'local-stack')).toBe('ClusterStack "local-stack" deleted\n');
    const empty = await run('clusterstack', 'list');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe('error: no clusterstacks found\n');
    const missing = await run('clusterstack', 'status', 'e2e-stack');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: ClusterStack "e2e-stack" not found\n');
  });
});

describe('packsmith clusterlifecycle', () => {
  it('create relocates the image and waits until the lifecycle is Ready; status shows the version', async () => {
    const digest = await digestOf(world.at.lifecycle);
    expect(await ok('clusterlifecycle', 'create', 'e2e-lifecycle', '-i', world.at.lifecycle)).toBe(`Creating ClusterLifecycle...
Uploading to '${repo}'...
\tUploading '${repo}@${digest}'
ClusterLifecycle "e2e-lifecycle" created
`);
    const status = await ok('clusterlifecycle', 'status', 'e2e-lifecycle');
    expect(status).toBe(`Status:     Ready\nImage:      ${repo}@${digest}\nVersion:    0.21.17\n\n`);
    const verbose = await ok('clusterlifecycle', 'status', 'e2e-lifecycle', '-v');
    expect(verbose).toContain('Supported Buildpack APIs:     0.7, 0.8, 0.9, 0.10, 0.11, 0.12\n');
    expect(verbose).toContain('Deprecated Buildpack APIs:    --\n');
  });

  it('patch with the same image changes nothing; list shows both lifecycles; delete', async () => {
    const patched = await ok('clusterlifecycle', 'patch', 'e2e-lifecycle', '-i', world.at.lifecycle);
    expect(patched).toMatch(/ClusterLifecycle "e2e-lifecycle" updated \(no change\)\n$/);
    const digest = await digestOf(world.at.lifecycle);
    expect(await ok('clusterlifecycle', 'list')).toBe(`NAME                 READY    VERSION    IMAGE
default-lifecycle    True     0.21.17    ${world.registry.host}/lifecycle@${digest}
e2e-lifecycle        True     0.21.17    ${repo}@${digest}

`);
    expect(await ok('clusterlifecycle', 'delete', 'e2e-lifecycle')).toBe('ClusterLifecycle "e2e-lifecycle" deleted\n');
  });

  it('refuses an image that is not a lifecycle', async () => {
    const result = await run('clusterlifecycle', 'create', 'not-a-lifecycle', '-i', world.at.run);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: invalid lifecycle image: missing label io.buildpacks.lifecycle.version\n');
  });
});

// Last: these change the settings the tests above rely on, and restore them.
describe('packsmith config', () => {
  const configData = async (): Promise<Record<string, string>> =>
    (JSON.parse(await world.kubectl(['get', 'configmap', 'kp-config', '-n', 'kpack', '-o', 'json'])) as { data: Record<string, string> }).data;

  it('default-repository sets and prints the repository (and optionally the service account)', async () => {
    expect(await ok('config', 'default-repository')).toBe(`${repo}\n`);
    expect(await ok('config', 'default-repository', `${world.registry.host}/kp-other`, '--default-service-account', 'other-sa')).toBe('kp-config set\n');
    expect(await ok('config', 'default-repository')).toBe(`${world.registry.host}/kp-other\n`);
    expect(await ok('config', 'default-service-account')).toBe('Name: other-sa\nNamespace: kpack\n');
    expect(await configData()).toMatchObject({
      'default.repository': `${world.registry.host}/kp-other`,
      'canonical.repository': `${world.registry.host}/kp-other`,
    });
    expect(await ok('config', 'default-repository', repo, '--default-service-account', 'kp-sa')).toBe('kp-config set\n');
    expect(await ok('config', 'default-repository')).toBe(`${repo}\n`);
  });

  it('default-service-account sets and prints the service account', async () => {
    expect(await ok('config', 'default-service-account')).toBe('Name: kp-sa\nNamespace: kpack\n');
    expect(await ok('config', 'default-service-account', 'builder-sa', '--namespace', 'team')).toBe('kp-config set\n');
    expect(await ok('config', 'default-service-account')).toBe('Name: builder-sa\nNamespace: team\n');
    expect(await configData()).toMatchObject({ 'default.repository.serviceaccount': 'builder-sa', 'default.repository.serviceaccount.namespace': 'team' });
    expect(await ok('config', 'default-service-account', 'kp-sa')).toBe('kp-config set\n');
    expect(await ok('config', 'default-service-account')).toBe('Name: kp-sa\nNamespace: kpack\n');
  });

  it('creates kp-config when it is missing', async () => {
    const saved = await configData();
    await world.kubectl(['delete', 'configmap', 'kp-config', '-n', 'kpack']);
    const missing = await run('config', 'default-repository');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: failed to get default repository: use "packsmith config default-repository" to set\n');
    expect(await ok('config', 'default-service-account')).toBe('Name: default\nNamespace: kpack\n');
    expect(await ok('config', 'default-repository', saved['default.repository'] ?? '')).toBe('kp-config set\n');
    expect(await ok('config', 'default-service-account', 'kp-sa')).toBe('kp-config set\n');
    expect(await configData()).toMatchObject({ 'default.repository': repo, 'default.repository.serviceaccount': 'kp-sa' });
  });
});

// `resync`: a stack that names a moving tag re-reads it when asked, not only at the 10 h resync.
describe('packsmith clusterstack resync', () => {
  it('makes the controller re-read a tag that moved and record its new digest', async () => {
    const build = await world.publish(stackImage('build'), 'moving/build', 'current');
    const runImage = await world.publish(stackImage('run'), 'moving/run', 'current');
    const stack = `apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: moving}
spec:
  id: ${stackId}
  serviceAccountRef: {name: kp-sa, namespace: kpack}
  buildImage: {image: ${build}}
  runImage: {image: ${runImage}}
`;
    await world.kubectl(['apply', '-f', '-'], stack);
    const first = await digestOf(build);
    const latestBuild = async (): Promise<string | undefined> => (await stackJson('moving')).status?.buildImage?.latestImage;
    await world.until(async () => (await latestBuild())?.endsWith(first) === true, 60_000, 'the stack resolves its build image');

    // The tag moves; only the resync below tells the controller to look again.
    await world.publish(withLabels(stackImage('build'), { 'io.packsmith.test.variant': 'moved' }), 'moving/build', 'current');
    const moved = await digestOf(build);
    expect(moved).not.toBe(first);
    const out = await ok('clusterstack', 'resync', 'moving');
    expect(out).toMatch(/^ClusterStack "moving" resync requested at \d{4}-\d\d-\d\dT[\d:.]+Z: the controller re-reads its inputs now\n$/);
    await world.until(async () => (await latestBuild())?.endsWith(moved) === true, 60_000, 'the stack records the moved tag after resync');
    const annotations = ((await world.getJson('clusterstacks.kpack.io', 'moving')) as { metadata: { annotations?: Record<string, string> } }).metadata
      .annotations;
    expect(annotations?.['packsmith.kpack.io/resync']).toMatch(/^\d{4}-/);

    const missing = await run('clusterstack', 'resync', 'no-such-stack');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ClusterStack "no-such-stack" not found');
  });
});
