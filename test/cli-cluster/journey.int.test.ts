// A platform operator's whole journey with nothing but the packsmith CLI, against the REAL
// kube-apiserver, docker-registry and the running controller (world.ts): a store from a registry
// image, a stack, a builder that becomes Ready (its image read back by the real
// `pack builder inspect`), a newer buildpack from a local .cnb added to the store and a patch
// rebuild the builder, removing a buildpackage, and deleting everything (store with --force).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPack } from '../harness/index.ts';
import { startCliWorld, type CliWorld } from './world.ts';

let world: CliWorld;
let tag: string;

async function ok(...args: string[]): Promise<string> {
  const result = await world.run(args);
  expect(result.stderr, `packsmith ${args.join(' ')}`).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

async function latestImage(): Promise<string> {
  const object = await world.getJson('builders.kpack.io', 'app', 'team');
  return String((object.status as { latestImage?: string } | undefined)?.latestImage);
}

beforeAll(async () => {
  world = await startCliWorld('cli-journey');
  tag = `${world.registry.host}/builders/journey`;
}, 300_000);

afterAll(async () => {
  await world.stop();
});

describe('store → stack → builder → update → clean-up, with the CLI only', () => {
  it('creates a store from a registry image, and a stack', async () => {
    // The .cnb holds test/ruby 2.0.0; the registry image holds the web meta-buildpack.
    expect(await ok('clusterstore', 'create', 'default', '-b', world.at.web)).toMatch(
      /^Creating ClusterStore...\n\tUploading '.+'\nClusterStore "default" created\n$/,
    );
    expect(await ok('clusterstack', 'create', 'default', '-b', world.at.build, '-r', world.at.run)).toMatch(/ClusterStack "default" created\n$/);
  });

  it('creates a builder that becomes Ready and that pack reads', async () => {
    const created = await ok('builder', 'create', 'app', '-n', 'team', '--tag', tag, '--store', 'default', '-b', 'test/web');
    expect(created).toBe('Builder "app" created\n');
    const status = await ok('builder', 'status', 'app', '-n', 'team');
    expect(status).toMatch(new RegExp(`^Status: +Ready\nImage: +${tag}:builder-team-app@sha256:`));
    expect(status).toMatch(/ {2}test\/web@2\.0\.0 +ClusterStore\/default\n {4}test\/node@1\.0\.0 +ClusterStore\/default\n/);
    const auths = JSON.parse(await readFile(join(String(world.env.DOCKER_CONFIG), 'config.json'), 'utf8')) as unknown;
    const pack = await runPack(['builder', 'inspect', await latestImage(), '--depth', '3'], { dockerConfig: auths });
    const remote = pack.stdout.slice(pack.stdout.indexOf('REMOTE:'), pack.stdout.indexOf('LOCAL:'));
    expect(remote).not.toMatch(/ERROR/);
    for (const id of ['test/web', 'test/node', 'test/python']) expect(remote).toContain(id);
  }, 120_000);

  it('adding a package to the store and patching the order rebuild the builder', async () => {
    const before = await latestImage();
    expect(await ok('clusterstore', 'add', 'default', '-b', world.cnb.ruby2)).toMatch(/\tAdded Buildpackage\nClusterStore "default" updated\n$/);
    expect(await ok('builder', 'patch', 'app', '-n', 'team', '-b', 'test/web', '-b', 'test/ruby')).toBe('Builder "app" patched\n');
    const after = await latestImage();
    expect(after).not.toBe(before);
    const status = await ok('builder', 'status', 'app', '-n', 'team');
    expect(status).toMatch(/ {2}test\/ruby@2\.0\.0 +ClusterStore\/default\n/);
    expect(await ok('builder', 'patch', 'app', '-n', 'team', '-b', 'test/web', '-b', 'test/ruby')).toBe('Builder "app" patched (no change)\n');
  }, 120_000);

  it('removes a buildpackage from the store by id@version', async () => {
    const removed = await ok('clusterstore', 'remove', 'default', '-b', 'test/ruby@2.0.0');
    expect(removed).toBe('Removing Buildpackages...\nRemoving buildpackage test/ruby@2.0.0\nClusterStore "default" updated\n');
    const status = await ok('clusterstore', 'status', 'default');
    expect(status).not.toContain('test/ruby');
  });

  it('deletes the builder, the stack and (with --force, no question) the store', async () => {
    expect(await ok('builder', 'delete', 'app', '-n', 'team')).toBe('Builder "app" deleted\n');
    expect(await ok('clusterstack', 'delete', 'default')).toBe('ClusterStack "default" deleted\n');
    const asked = world.questions.length;
    expect(await ok('clusterstore', 'delete', 'default', '--force')).toBe('ClusterStore "default" store deleted\n');
    expect(world.questions.length).toBe(asked);
    const list = await world.run(['clusterstore', 'list']);
    expect(list).toMatchObject({ code: 1, stderr: 'error: no ClusterStores found\n' });
  });
});
