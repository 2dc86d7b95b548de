// `packsmith buildpack …` and `packsmith clusterbuildpack …` end to end against the REAL
// kube-apiserver, docker-registry and the in-process controller (world.ts). Checked: a
// ClusterBuildpack created from a registry buildpackage is relocated into the default repository,
// refers to kp-config's service account and becomes Ready with test/ruby 1.0.0; a Buildpack created
// in namespace team from a local .cnb shows the meta-buildpack test/web, its children and their
// detection order; patching to another .cnb updates it, patching again with the same file changes
// nothing; dry runs change nothing on the server; -o json prints the object only; list, save and
// delete; a missing image or resource is a clear error with exit 1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { conditionOf } from '../controller/world.ts';
import { startCliWorld, type CliWorld } from './world.ts';

let world: CliWorld;

beforeAll(async () => {
  world = await startCliWorld('cli-buildpack');
}, 300_000);

afterAll(async () => {
  await world.stop();
});

const digestRef = (): RegExp => new RegExp(`${world.defaultRepository.replaceAll('.', '\\.')}@sha256:[0-9a-f]{64}`);

interface Resource {
  metadata: { generation?: number; annotations?: Record<string, string> };
  spec: { image?: string; serviceAccountName?: string; serviceAccountRef?: { name?: string; namespace?: string } };
  status?: Record<string, unknown>;
}

const get = async (kind: string, name: string, namespace?: string): Promise<Resource> => (await world.getJson(kind, name, namespace)) as unknown as Resource;

const exists = async (kind: string, name: string, namespace?: string): Promise<boolean> => {
  try {
    await world.kubectl(['get', kind, name, ...(namespace ? ['-n', namespace] : [])]);
    return true;
  } catch (error) {
    if (String(error).includes('NotFound') || String(error).includes('not found')) return false;
    throw error;
  }
};

describe('clusterbuildpack', () => {
  it("create relocates a registry buildpackage, uses kp-config's service account and waits until Ready", async () => {
    const result = await world.run(['clusterbuildpack', 'create', 'ruby', '--image', world.at.ruby]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('Creating Cluster Buildpack...');
    expect(lines[1]).toMatch(new RegExp(`^\\tUploading '${digestRef().source}'$`));
    expect(lines[2]).toBe('Cluster Buildpack "ruby" created');
    const object = await get('clusterbuildpack', 'ruby');
    expect(object.spec.image).toMatch(new RegExp(`^${digestRef().source}$`));
    expect(lines[1]).toContain(object.spec.image);
    expect(object.spec.serviceAccountRef).toEqual({ name: 'kp-sa', namespace: 'kpack' });
    expect(object.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"kind":"ClusterBuildpack"');
    // The command returned only after the controller's verdict.
    expect(conditionOf(object.status, 'Ready')?.status).toBe('True');
  });

  it('status lists test/ruby 1.0.0 from the relocated image', async () => {
    const object = await get('clusterbuildpack', 'ruby');
    const result = await world.run(['clusterbuildpack', 'status', 'ruby']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Status:    Ready
Source:    ${object.spec.image}

BUILDPACK ID    VERSION    HOMEPAGE
test/ruby       1.0.0      https://example.test/test/ruby

`);
  });

  it('-o json prints only the object (progress on stderr)', async () => {
    const result = await world.run(['cbp', 'create', 'ruby-json', '-i', world.at.ruby, '-o', 'json']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Resource & { apiVersion: string; kind: string };
    expect(printed.apiVersion).toBe('kpack.io/v1alpha2');
    expect(printed.kind).toBe('ClusterBuildpack');
    expect(printed.spec.image).toMatch(digestRef());
    expect(conditionOf(printed.status, 'Ready')?.status).toBe('True');
    expect(result.stderr).toContain('Creating Cluster Buildpack...\n\tUploading ');
    expect(result.stdout).not.toContain('created');
  });

  it('list shows NAME READY IMAGE sorted by name', async () => {
    const [ruby, json] = await Promise.all([get('clusterbuildpack', 'ruby'), get('clusterbuildpack', 'ruby-json')]);
    const result = await world.run(['clusterbuildpack', 'list']);
    expect(result.code).toBe(0);
    const pad = 'ruby-json'.length + 4;
    expect(result.stdout).toBe(`${'NAME'.padEnd(pad)}READY    IMAGE
${'ruby'.padEnd(pad)}true     ${ruby.spec.image}
${'ruby-json'.padEnd(pad)}true     ${json.spec.image}

`);
  });

  it('delete removes it; deleting or reading it again is an error', async () => {
    const result = await world.run(['clusterbuildpack', 'delete', 'ruby-json']);
    expect(result).toMatchObject({ code: 0, stdout: 'Cluster Buildpack "ruby-json" deleted\n' });
    expect(await exists('clusterbuildpack', 'ruby-json')).toBe(false);
    const again = await world.run(['clusterbuildpack', 'delete', 'ruby-json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: .*"ruby-json" not found/);
    const status = await world.run(['clusterbuildpack', 'status', 'ruby-json']);
    expect(status.code).toBe(1);
    expect(status.stderr).toBe('error: ClusterBuildpack "ruby-json" not found\n');
  });
});

describe('buildpack (namespaced)', () => {
  it('create from a local .cnb in namespace team becomes Ready with the default service account', async () => {
    const result = await world.run(['buildpack', 'create', 'web', '-n', 'team', '--image', world.cnb.web]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Creating Buildpack\\.\\.\\.\\n\\tUploading '${digestRef().source}'\\nBuildpack "web" created\\n$`));
    const object = await get('buildpack', 'web', 'team');
    expect(object.spec).toEqual({ image: expect.stringMatching(digestRef()) as string, serviceAccountName: 'default' });
    expect(conditionOf(object.status, 'Ready')?.status).toBe('True');
  });

  it('status shows test/web, its children and the detection order', async () => {
    const object = await get('buildpack', 'web', 'team');
    const result = await world.run(['buildpack', 'status', 'web', '-n', 'team']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Status:    Ready\nSource:    ${object.spec.image}\n\n`);
    // The meta-buildpack has no homepage: the cell stays empty (padded, as Go's tabwriter does).
    expect(result.stdout).toMatch(/^test\/web {8}2\.0\.0 {6}$/m);
    expect(result.stdout).toMatch(/^test\/node {7}1\.0\.0 {6}https:\/\/example\.test\/test\/node$/m);
    expect(result.stdout).toMatch(/^test\/python {5}1\.0\.0 {6}https:\/\/example\.test\/test\/python$/m);
    expect(result.stdout).toContain(`Buildpack:    test/web@2.0.0

DETECTION ORDER        
Group #1               
  test/node@1.0.0      
  test/python@1.0.0    (Optional)

`);
  });

  it('patch to another .cnb relocates it and waits for the new buildpacks', async () => {
    const before = await get('buildpack', 'web', 'team');
    const result = await world.run(['buildpack', 'patch', 'web', '-n', 'team', '-i', world.cnb.ruby2]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Patching Buildpack\\.\\.\\.\\n\\tUploading '${digestRef().source}'\\nBuildpack "web" patched\\n$`));
    const after = await get('buildpack', 'web', 'team');
    expect(after.spec.image).not.toBe(before.spec.image);
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
    const status = await world.run(['buildpack', 'status', 'web', '-n', 'team']);
    expect(status.stdout).toMatch(/^test\/ruby {7}2\.0\.0 /m);
    expect(status.stdout).not.toContain('test/web');
  });

  it('patch again with the same file changes nothing', async () => {
    const before = await get('buildpack', 'web', 'team');
    const result = await world.run(['buildpack', 'patch', 'web', '-n', 'team', '-i', world.cnb.ruby2]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').at(-2)).toBe('Buildpack "web" patched (no change)');
    const after = await get('buildpack', 'web', 'team');
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(after.spec).toEqual(before.spec);
  });

  it('dry runs change nothing on the server', async () => {
    const create = await world.run(['buildpack', 'create', 'dry', '-n', 'team', '-i', world.at.web, '--dry-run']);
    expect(create.code).toBe(0);
    expect(create.stdout).toMatch(
      new RegExp(
        `^Creating Buildpack\\.\\.\\.\\n\\tSkipping '${digestRef().source}'\\nBuildpack "dry" created \\(dry run\\)\\nNo builder uses Buildpack "dry": nothing would be rebuilt\\n$`,
      ),
    );
    expect(await exists('buildpack', 'dry', 'team')).toBe(false);

    const before = await get('buildpack', 'web', 'team');
    const patch = await world.run(['buildpack', 'patch', 'web', '-n', 'team', '-i', world.cnb.web, '--dry-run-with-image-upload', '-o', 'yaml']);
    expect(patch.code).toBe(0);
    expect(patch.stderr).toMatch(/^Patching Buildpack\.\.\.\n\tUploading '/);
    const printed = parse(patch.stdout) as Resource & { kind: string };
    expect(printed.kind).toBe('Buildpack');
    expect(printed.spec.image).toMatch(digestRef());
    expect(printed.spec.image).not.toBe(before.spec.image);
    expect(patch.stderr).toContain(printed.spec.image);
    const after = await get('buildpack', 'web', 'team');
    expect(after.spec).toEqual(before.spec);
    expect(after.metadata.generation).toBe(before.metadata.generation);
  });

  it('save creates when absent and patches when present', async () => {
    const created = await world.run(['buildpack', 'save', 'saved', '-n', 'team', '-i', world.at.ruby]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Buildpack "saved" created\n');
    const patched = await world.run(['buildpack', 'save', 'saved', '-n', 'team', '--service-account', 'default']);
    expect(patched.stdout).toBe('Buildpack "saved" patched (no change)\n');
    const missing = await world.run(['buildpack', 'save', 'other', '-n', 'team']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: --image is required to create the resource\n');
  });

  it("list shows the namespace's buildpacks; an empty namespace is an error", async () => {
    const [web, saved] = await Promise.all([get('buildpack', 'web', 'team'), get('buildpack', 'saved', 'team')]);
    const result = await world.run(['buildpack', 'list', '-n', 'team']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`NAME     READY    IMAGE
saved    true     ${saved.spec.image}
web      true     ${web.spec.image}

`);
    const empty = await world.run(['buildpack', 'list']);
    expect(empty).toMatchObject({ code: 1, stdout: '', stderr: 'error: no buildpacks found\n' });
  });

  it('delete removes it', async () => {
    const result = await world.run(['buildpack', 'delete', 'saved', '-n', 'team']);
    expect(result).toMatchObject({ code: 0, stdout: 'Buildpack "saved" deleted\n' });
    expect(await exists('buildpack', 'saved', 'team')).toBe(false);
  });

  it('an image that is no buildpackage: create fails with the condition message, status shows it', async () => {
    const result = await world.run(['buildpack', 'create', 'not-a-buildpackage', '-n', 'team', '-i', world.at.run]);
    expect(result.code).toBe(1);
    const reason = conditionOf((await get('buildpack', 'not-a-buildpackage', 'team')).status, 'Ready');
    expect(reason?.status).toBe('False');
    expect(result.stderr).toBe(`error: Buildpack "not-a-buildpackage" not ready: ${reason?.message}\n`);
    const status = await world.run(['buildpack', 'status', 'not-a-buildpackage', '-n', 'team']);
    expect(status.stdout).toBe(`Status:    Not Ready\nReason:    ${reason?.message}\n\n`);
    const list = await world.run(['buildpack', 'list', '-n', 'team']);
    expect(list.stdout).toMatch(/^not-a-buildpackage {4}false {4}/m);
    expect((await world.run(['buildpack', 'delete', 'not-a-buildpackage', '-n', 'team'])).code).toBe(0);
  });

  it('a missing image is a clear error with exit 1, and nothing is created', async () => {
    const registryMissing = await world.run(['buildpack', 'create', 'missing', '-n', 'team', '-i', `${world.registry.host}/nowhere/nothing:1`]);
    expect(registryMissing.code).toBe(1);
    expect(registryMissing.stderr).toBe(
      `error: cannot relocate buildpackage "${world.registry.host}/nowhere/nothing:1" to ${world.defaultRepository}: GET http://${world.registry.host}/v2/nowhere/nothing/manifests/1: 404 Not Found: MANIFEST_UNKNOWN: manifest unknown\n`,
    );
    const fileMissing = await world.run(['clusterbuildpack', 'create', 'missing', '-i', `${world.work}/no-such.cnb`]);
    expect(fileMissing.code).toBe(1);
    expect(fileMissing.stderr).toBe(
      `error: cannot relocate buildpackage "${world.work}/no-such.cnb" to ${world.defaultRepository}: no such file: ${world.work}/no-such.cnb\n`,
    );
    expect(await exists('buildpack', 'missing', 'team')).toBe(false);
    expect(await exists('clusterbuildpack', 'missing')).toBe(false);
  });
});
