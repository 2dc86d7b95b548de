// `packsmith plan -f` against the REAL docker-registry (Basic auth, credentials in a Docker
// config.json): before the first build it plans every builder as created, after it as unchanged,
// and after a newer buildpack is pushed under the same tag (by skopeo) it plans exactly the builder
// that uses it as rebuilt, naming the version change. Every plan leaves the registry without a
// single write (access log), and the build that follows pushes exactly the builders it planned.
import { dirname, join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { writeLayout, type Image } from '../../src/oci/index.ts';
import {
  removeDir,
  scratchDir,
  skopeoCopy,
  skopeoInspectRaw,
  startRegistry,
  stopAllRegistries,
  type AccessLogEntry,
  type RegistryHandle,
} from '../harness/index.ts';
import { brokenBuilderYaml, buildpackages, lifecycleImage, resourcesYaml, stackImage, type Locations } from './fixtures.ts';

let registry: RegistryHandle;
let work = '';
let env: NodeJS.ProcessEnv = {};
let at: Locations;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    isTty: false,
    ask: () => Promise.resolve(''),
    readStdin: () => Promise.resolve(''),
    env,
  };
  const code = await runCli(args, io);
  return { code, out: out.join(''), err: err.join('') };
}

async function publish(image: Image, repository: string): Promise<string> {
  const layout = join(work, 'staging');
  const tag = repository.replaceAll('/', '-');
  await writeLayout(layout, image, { tag });
  await skopeoCopy({ src: `oci:${layout}:${tag}`, dest: `docker://${registry.host}/${repository}:1`, flags: registry.skopeoArgs({ role: 'dest' }) });
  return `${registry.host}/${repository}:1`;
}

const writes = (entries: readonly AccessLogEntry[]): AccessLogEntry[] =>
  entries.filter((e) => (e.method === 'PUT' || e.method === 'POST' || e.method === 'PATCH' || e.method === 'DELETE') && e.path.startsWith('/v2/'));

/** The registry requests `run` makes. */
async function requestsOf<T>(run: () => Promise<T>): Promise<{ result: T; requests: AccessLogEntry[] }> {
  const before = (await registry.accessLog()).length;
  const result = await run();
  return { result, requests: (await registry.accessLog()).slice(before) };
}

interface PlanRow {
  kind: string;
  name: string;
  action: string;
  tag?: string;
  image?: string;
  current?: string;
  changes: string[];
  reason?: string;
}

async function plan(...files: string[]): Promise<{ code: number; rows: Map<string, PlanRow>; err: string; writes: AccessLogEntry[] }> {
  const { result, requests } = await requestsOf(() => cli('plan', ...files.flatMap((f) => ['-f', join(work, f)]), '-o', 'json', '--exit-code'));
  const items = (JSON.parse(result.out || '{"items":[]}') as { items: PlanRow[] }).items;
  return { code: result.code, rows: new Map(items.map((row) => [`${row.kind}/${row.name}`, row])), err: result.err, writes: writes(requests) };
}

/** The builder tags a run pushed a manifest to (timestamp and run-image tags left out). */
const pushedBuilderTags = (entries: readonly AccessLogEntry[]): string[] =>
  [...new Set(writes(entries).flatMap((e) => /\/manifests\/((?:builder|clusterbuilder)-[a-z-]+?)$/.exec(e.path)?.[1] ?? []))]
    .filter((tag) => !tag.endsWith('-run-image'))
    .sort();

beforeAll(async () => {
  work = await scratchDir('plan-int');
  registry = await startRegistry({ mode: 'basic' });
  await mkdir(join(work, 'docker'));
  const configPath = await registry.authFile(join(work, 'docker', 'config.json'));
  env = { DOCKER_CONFIG: dirname(configPath), XDG_CACHE_HOME: join(work, 'cache') };
  const packages = await buildpackages();
  at = {
    web: await publish(packages.web, 'store/web'),
    ruby: await publish(packages.ruby, 'store/ruby'),
    build: await publish(stackImage('build'), 'stack/build'),
    run: await publish(stackImage('run'), 'stack/run'),
    lifecycle: await publish(await lifecycleImage(false), 'lifecycle'),
    builders: `${registry.host}/builders/app`,
  };
  await writeFile(join(work, 'resources.yaml'), resourcesYaml(at));
  await writeFile(join(work, 'broken.yaml'), brokenBuilderYaml(`${registry.host}/builders/broken`));
});

afterAll(async () => {
  await stopAllRegistries();
  await removeDir(work);
});

describe('packsmith plan -f against a real registry', () => {
  it('plans every builder as created before the first build, writing nothing', async () => {
    const first = await plan('resources.yaml');
    expect(first.code).toBe(3);
    expect([...first.rows.values()].map((r) => `${r.kind}/${r.name} ${r.action}`).sort()).toEqual(['Builder/web create', 'ClusterBuilder/python create']);
    expect(first.rows.get('Builder/web')?.tag).toBe(`${registry.host}/builders/app:builder-team-web`);
    expect(first.writes).toEqual([]);
  });

  it('plans what the build then pushes, digest for digest', async () => {
    const planned = await plan('resources.yaml');
    const { result, requests } = await requestsOf(() => cli('build', '-f', join(work, 'resources.yaml'), '-o', 'json'));
    expect(result.code).toBe(0);
    expect(pushedBuilderTags(requests)).toEqual(['builder-team-web', 'clusterbuilder-python']);
    const web = await skopeoInspectRaw(`docker://${registry.host}/builders/app:builder-team-web`, registry.skopeoArgs());
    expect(planned.rows.get('Builder/web')?.image).toBe(`${registry.host}/builders/app:builder-team-web@${web.digest}`);
  });

  it('plans nothing to do after the build, and exits 0 with --exit-code', async () => {
    const after = await plan('resources.yaml');
    expect(after.code).toBe(0);
    expect([...after.rows.values()].map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
    expect(after.writes).toEqual([]);
  });

  it('plans a rebuild of exactly the builder a newer buildpack reaches, and the build agrees', async () => {
    await publish((await buildpackages('1.0.1')).ruby, 'store/ruby');
    const planned = await plan('resources.yaml');
    expect(planned.code).toBe(3);
    expect(planned.writes).toEqual([]);
    const web = planned.rows.get('Builder/web');
    expect(web?.action).toBe('rebuild');
    expect(web?.changes).toContain('test/ruby 1.0.0 → 1.0.1');
    expect(planned.rows.get('ClusterBuilder/python')?.action).toBe('unchanged');
    const table = await cli('plan', '-f', join(work, 'resources.yaml'));
    expect(table.out).toMatch(/^Builder\s+team\/web\s+rebuild\s+\S+builder-team-web\n\s+test\/ruby 1\.0\.0 → 1\.0\.1$/m);
    expect(table.out).toMatch(/^Plan: 0 to create, 1 to rebuild, 1 unchanged, 0 failing; nothing was written\.$/m);

    const { result, requests } = await requestsOf(() => cli('build', '-f', join(work, 'resources.yaml')));
    expect(result.code).toBe(0);
    expect(pushedBuilderTags(requests)).toEqual(['builder-team-web']);
    const pushed = await skopeoInspectRaw(`docker://${registry.host}/builders/app:builder-team-web`, registry.skopeoArgs());
    expect(web?.image).toBe(`${registry.host}/builders/app:builder-team-web@${pushed.digest}`);
  });

  it('plans a builder that cannot be built as failing, with the reason build gives, and exits 1', async () => {
    const broken = await plan('resources.yaml', 'broken.yaml');
    expect(broken.code).toBe(1);
    expect(broken.rows.get('Builder/broken')).toMatchObject({ action: 'fail' });
    expect(broken.rows.get('Builder/broken')?.reason).toMatch(/spec\.order\[0\]\.group\[1\]: could not find buildpack with id 'test\/missing'/);
    expect(broken.err).toMatch(/1 resource would fail/);
    expect(broken.writes).toEqual([]);
  });
});
