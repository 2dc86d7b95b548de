// `packsmith clusterstore ...` end to end against the REAL kube-apiserver, docker-registry and the
// in-process controller (world.ts): buildpackages (a registry image and a local .cnb) are relocated
// into the default repository, the store becomes Ready and its status shows them; add, remove,
// save, the dry runs (nothing stored, nothing uploaded), -o, list and delete with its confirmation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skopeoInspectRaw } from '../harness/index.ts';
import { startCliWorld, type CliRun, type CliWorld } from './world.ts';

let world: CliWorld;

beforeAll(async () => {
  world = await startCliWorld('cli-clusterstore');
}, 300_000);

afterAll(async () => {
  await world.stop();
});

interface StoreJson {
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
  spec: { sources?: { image: string }[]; serviceAccountRef?: { name?: string; namespace?: string } };
  status?: { conditions?: { type: string; status: string }[]; buildpacks?: { id: string; version: string; storeImage: { image: string } }[] };
}

const storeJson = async (name: string): Promise<StoreJson> => (await world.getJson('clusterstore', name)) as unknown as StoreJson;
const sourcesOf = async (name: string): Promise<string[]> => ((await storeJson(name)).spec.sources ?? []).map((s) => s.image);
const writes = async (): Promise<number> => (await world.registry.accessLog()).filter((e) => ['POST', 'PUT', 'PATCH'].includes(e.method)).length;
const inRegistry = async (reference: string): Promise<string> => (await skopeoInspectRaw(`docker://${reference}`, world.registry.skopeoArgs())).digest;

/** The `repo@sha256:…` references a run printed after `\tUploading '` (or `\tSkipping '`). */
function uploaded(run: CliRun, verb = 'Uploading'): string[] {
  return [...`${run.stdout}${run.stderr}`.matchAll(new RegExp(`\\t${verb} '([^']+)'`, 'g'))].map((m) => m[1] ?? '');
}

function expectOk(run: CliRun): void {
  expect(run.stderr, run.stdout).toBe('');
  expect(run.code).toBe(0);
}

const digestRef = (): string => `${world.defaultRepository.replaceAll('.', '\\.')}@sha256:[0-9a-f]{64}`;

describe('clusterstore create and status', () => {
  it('relocates a registry image and a local .cnb, creates the store and waits until it is Ready', async () => {
    const run = await world.run(['clusterstore', 'create', 'web-store', '-b', world.at.web, '--buildpackage', world.cnb.ruby2]);
    expectOk(run);
    expect(run.stdout).toMatch(
      new RegExp(`^Creating ClusterStore\\.\\.\\.\\n\\tUploading '${digestRef()}'\\n\\tUploading '${digestRef()}'\\nClusterStore "web-store" created\\n$`),
    );
    const refs = uploaded(run);
    const store = await storeJson('web-store');
    expect(store.spec.sources).toEqual(refs.map((image) => ({ image })));
    expect(store.spec.serviceAccountRef).toEqual({ name: 'kp-sa', namespace: 'kpack' });
    expect(JSON.parse(store.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}')).toMatchObject({
      kind: 'ClusterStore',
      spec: { sources: refs.map((image) => ({ image })) },
    });
    expect(store.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    // The relocated images exist in the default repository under the digests the store names.
    for (const ref of refs) expect(await inRegistry(ref)).toBe(ref.split('@')[1]);
    const ids = (store.status?.buildpacks ?? []).map((b) => `${b.id}@${b.version}`);
    expect(ids).toEqual(['test/node@1.0.0', 'test/python@1.0.0', 'test/ruby@2.0.0', 'test/web@2.0.0']);
  });

  it('status lists the buildpackages', async () => {
    const run = await world.run(['clusterstore', 'status', 'web-store']);
    expectOk(run);
    expect(run.stdout).toBe(`Status:    Ready

BUILDPACKAGE ID    VERSION    HOMEPAGE
test/ruby          2.0.0      https://example.test/test/ruby
test/web           2.0.0      

`);
  });

  it('status -v shows each buildpackage with its buildpacks and detection order', async () => {
    const [web, ruby] = await sourcesOf('web-store');
    const run = await world.run(['clusterstore', 'status', 'web-store', '-v']);
    expectOk(run);
    expect(run.stdout).toBe(`Status:    Ready

Buildpackage:    test/ruby@2.0.0
Image:           ${ruby}
Homepage:        https://example.test/test/ruby

BUILDPACK ID    VERSION    HOMEPAGE

DETECTION ORDER    


Buildpackage:    test/web@2.0.0
Image:           ${web}
Homepage:        --

BUILDPACK ID    VERSION    HOMEPAGE
test/node       1.0.0      https://example.test/test/node
test/python     1.0.0      https://example.test/test/python

DETECTION ORDER    
Group #1           
  test/node        
  test/python      (Optional)

`);
  });

  it('create without -b, an existing name, and status of a missing store fail clearly', async () => {
    const none = await world.run(['clusterstore', 'create', 'empty-store']);
    expect(none).toMatchObject({ code: 1, stdout: 'Creating ClusterStore...\n', stderr: 'error: At least one buildpackage must be provided\n' });
    const again = await world.run(['clusterstore', 'create', 'web-store', '-b', world.at.web]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const missing = await world.run(['clusterstore', 'status', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/"nope".*not found/);
  });

  it("a source that is not a buildpackage: create reports the controller's verdict and status shows it", async () => {
    const run = await world.run(['clusterstore', 'create', 'bad-store', '-b', world.at.build]);
    expect(run.code).toBe(1);
    // packsmith's message names the source that failed (deliberate difference D-f).
    const message = `spec.sources[0] (${uploaded(run)[0] ?? ''}): could not find label io.buildpacks.buildpack.layers`;
    expect(run.stderr).toBe(`error: ClusterStore "bad-store" not ready: ${message}\n`);
    const status = await world.run(['clusterstore', 'status', 'bad-store']);
    expect(status.stdout).toBe(`Status:    Not Ready - ${message}\n\n`);
    expectOk(await world.run(['clusterstore', 'delete', 'bad-store', '--force']));
  });
});

describe('clusterstore add, remove and the dry runs', () => {
  it('--dry-run changes nothing on the server and uploads nothing', async () => {
    const before = await storeJson('web-store');
    const writesBefore = await writes();
    const run = await world.run(['clusterstore', 'add', 'web-store', '-b', world.at.ruby, '--dry-run']);
    expectOk(run);
    expect(run.stdout).toMatch(
      new RegExp(
        `^Adding to ClusterStore\\.\\.\\. \\(dry run\\)\\n\\tSkipping '${digestRef()}'\\n\\tAdded Buildpackage\\nClusterStore "web-store" updated \\(dry run\\)\\nNo builder uses ClusterStore "web-store": nothing would be rebuilt\\n$`,
      ),
    );
    expect(await writes()).toBe(writesBefore);
    await expect(inRegistry(uploaded(run, 'Skipping')[0] ?? '')).rejects.toThrow();
    const after = await storeJson('web-store');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec).toEqual(before.spec);

    const create = await world.run(['clusterstore', 'create', 'dry-store', '-b', world.at.ruby, '--dry-run']);
    expectOk(create);
    expect(create.stdout).toMatch(
      /^Creating ClusterStore\.\.\. \(dry run\)\n\tSkipping '.*'\nClusterStore "dry-store" created \(dry run\)\nNo builder uses ClusterStore "dry-store": nothing would be rebuilt\n$/,
    );
    await expect(world.kubectl(['get', 'clusterstore', 'dry-store'])).rejects.toThrow(/not found/);
    expect(await writes()).toBe(writesBefore);
  });

  it('--dry-run-with-image-upload uploads but leaves the store alone', async () => {
    const before = await storeJson('web-store');
    const run = await world.run(['clusterstore', 'add', 'web-store', '-b', world.at.ruby, '--dry-run-with-image-upload']);
    expectOk(run);
    expect(run.stdout).toMatch(
      /^Adding to ClusterStore\.\.\. \(dry run with image upload\)\n\tUploading '.*'\n\tAdded Buildpackage\nClusterStore "web-store" updated \(dry run with image upload\)\nNo builder uses ClusterStore "web-store": nothing would be rebuilt\n$/,
    );
    const [ref] = uploaded(run);
    expect(await inRegistry(ref ?? '')).toBe(ref?.split('@')[1]);
    expect((await storeJson('web-store')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('add appends a new buildpackage and skips one the store already has', async () => {
    const before = await sourcesOf('web-store');
    const run = await world.run(['clusterstore', 'add', 'web-store', '-b', world.at.ruby, '-b', world.cnb.ruby2]);
    expectOk(run);
    expect(run.stdout).toMatch(
      new RegExp(
        `^Adding to ClusterStore\\.\\.\\.\\n\\tUploading '${digestRef()}'\\n\\tAdded Buildpackage\\n\\tUploading '${digestRef()}'\\n\\tBuildpackage already exists in the store\\nClusterStore "web-store" updated\\n$`,
      ),
    );
    const [ruby1, ruby2] = uploaded(run);
    expect(ruby2).toBe(before[1]);
    expect(await sourcesOf('web-store')).toEqual([...before, ruby1]);
    const status = await world.run(['clusterstore', 'status', 'web-store']);
    expect(status.stdout).toContain(
      'test/ruby          1.0.0      https://example.test/test/ruby\ntest/ruby          2.0.0      https://example.test/test/ruby\n',
    );
  });

  it('add of packages the store has is no change; -o yaml prints the store and sends progress to stderr', async () => {
    const same = await world.run(['clusterstore', 'add', 'web-store', '-b', world.at.web]);
    expectOk(same);
    expect(same.stdout).toMatch(/\tBuildpackage already exists in the store\nClusterStore "web-store" updated \(no change\)\n$/);
    const yaml = await world.run(['clusterstore', 'add', 'web-store', '-b', world.at.web, '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/^apiVersion: kpack\.io\/v1alpha2\nkind: ClusterStore\nmetadata:\n/);
    expect(yaml.stdout).toContain('name: web-store');
    expect(yaml.stdout).not.toContain('updated');
    expect(yaml.stderr).toMatch(/^Adding to ClusterStore\.\.\.\n\tUploading '.*'\n\tBuildpackage already exists in the store\n$/);
    const json = await world.run(['clusterstore', 'create', 'json-store', '-b', world.at.ruby, '--dry-run', '-o', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStore', metadata: { name: 'json-store' } });
  });

  it('add to a store that does not exist fails', async () => {
    const run = await world.run(['clusterstore', 'add', 'nope', '-b', world.at.ruby]);
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: "error: ClusterStore 'nope' does not exist\n" });
  });

  it('remove drops the source of the named buildpack and the store no longer lists it', async () => {
    const before = await sourcesOf('web-store');
    const dry = await world.run(['clusterstore', 'remove', 'web-store', '-b', 'test/ruby@1.0.0', '--dry-run']);
    expectOk(dry);
    expect(dry.stdout).toBe(
      'Removing Buildpackages... (dry run)\nRemoving buildpackage test/ruby@1.0.0\nClusterStore "web-store" updated (dry run)\nNo builder uses ClusterStore "web-store": nothing would be rebuilt\n',
    );
    expect(await sourcesOf('web-store')).toEqual(before);

    const run = await world.run(['clusterstore', 'remove', 'web-store', '-b', 'test/ruby@1.0.0']);
    expectOk(run);
    expect(run.stdout).toBe('Removing Buildpackages...\nRemoving buildpackage test/ruby@1.0.0\nClusterStore "web-store" updated\n');
    expect(await sourcesOf('web-store')).toEqual(before.slice(0, 2));
    const ids = ((await storeJson('web-store')).status?.buildpacks ?? []).map((b) => `${b.id}@${b.version}`);
    expect(ids).not.toContain('test/ruby@1.0.0');
    expect(ids).toContain('test/ruby@2.0.0');

    const unknown = await world.run(['clusterstore', 'remove', 'web-store', '-b', 'test/ruby@1.0.0']);
    expect(unknown).toMatchObject({
      code: 1,
      stdout: 'Removing Buildpackages...\n',
      stderr: "error: Buildpackage 'test/ruby@1.0.0' does not exist in the ClusterStore\n",
    });
  });
});

describe('clusterstore save, list and delete', () => {
  it('save creates a missing store, then adds to it', async () => {
    const created = await world.run(['clusterstore', 'save', 'saved-store', '-b', world.at.ruby]);
    expectOk(created);
    expect(created.stdout).toMatch(/^Creating ClusterStore\.\.\.\n\tUploading '.*'\nClusterStore "saved-store" created\n$/);
    const updated = await world.run(['clusterstore', 'save', 'saved-store', '-b', world.cnb.ruby2]);
    expectOk(updated);
    expect(updated.stdout).toMatch(/^Adding to ClusterStore\.\.\.\n\tUploading '.*'\n\tAdded Buildpackage\nClusterStore "saved-store" updated\n$/);
    expect(await sourcesOf('saved-store')).toHaveLength(2);
  });

  it('list shows every store and whether it is ready', async () => {
    const run = await world.run(['clusterstore', 'list']);
    expectOk(run);
    expect(run.stdout).toBe('NAME           READY\nsaved-store    True\nweb-store      True\n\n');
  });

  it('delete asks first: "n" keeps the store, "y" deletes it; --force does not ask', async () => {
    const question =
      "WARNING: Builders referring to buildpacks from this store will no longer schedule rebuilds for buildpack updates.\nPlease confirm store deletion by typing 'y': ";
    const kept = await world.run(['clusterstore', 'delete', 'web-store'], { answer: 'n' });
    expectOk(kept);
    expect(kept.stdout).toBe(`${question}Skipping ClusterStore deletion\n`);
    expect((await storeJson('web-store')).spec.sources).toHaveLength(2);

    const deleted = await world.run(['clusterstore', 'delete', 'web-store'], { answer: 'YES' });
    expectOk(deleted);
    expect(deleted.stdout).toBe(`${question}ClusterStore "web-store" store deleted\n`);
    await expect(world.kubectl(['get', 'clusterstore', 'web-store'])).rejects.toThrow(/not found/);

    const asked = world.questions.length;
    const forced = await world.run(['clusterstore', 'delete', 'saved-store', '-f']);
    expectOk(forced);
    expect(forced.stdout).toBe('ClusterStore "saved-store" store deleted\n');
    expect(world.questions.length).toBe(asked);

    const missing = await world.run(['clusterstore', 'delete', 'saved-store', '--force']);
    expect(missing).toMatchObject({ code: 1, stderr: 'error: Store "saved-store" does not exist\n' });
  });

  it('list with no stores is an error', async () => {
    const run = await world.run(['clusterstore', 'list']);
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: 'error: no ClusterStores found\n' });
  });
});
