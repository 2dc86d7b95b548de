// `packsmith build -f --signing-key` against the REAL docker-registry (token auth) with a key made
// by the REAL `cosign generate-key-pair`: cosign verifies the builders and their run images, and
// verify-attestation accepts the SLSA v1 provenance, which lists every input by digest. A second
// build signs nothing again; a wrong password stops the run before anything is written and never
// shows the password.
import { dirname, join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runCaptured, type CliRun } from '../../src/cli/testing/index.ts';
import { writeLayout, type Image } from '../../src/oci/index.ts';
import { isJsonObject } from '../../src/shared/index.ts';
import {
  cosignOfflineVerifyFlags,
  removeDir,
  runCosign,
  scratchDir,
  skopeoCopy,
  skopeoInspectRaw,
  startRegistry,
  stopAllRegistries,
  type AccessLogEntry,
  type RegistryHandle,
} from '../harness/index.ts';
import { buildpackages, lifecycleImage, resourcesYaml, stackImage, type Locations } from './fixtures.ts';

let registry: RegistryHandle;
let work = '';
let authFile = '';
let at: Locations;
const password = 'signing-test-password';

const cli = (args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> => runCaptured(args, { env: { DOCKER_CONFIG: dirname(authFile), ...env } });

async function publish(image: Image, repository: string): Promise<string> {
  const layout = join(work, 'staging');
  const tag = repository.replaceAll('/', '-');
  await writeLayout(layout, image, { tag });
  await skopeoCopy({ src: `oci:${layout}:${tag}`, dest: `docker://${registry.host}/${repository}:1`, flags: registry.skopeoArgs({ role: 'dest' }) });
  return `${registry.host}/${repository}:1`;
}

const manifestWrites = (entries: readonly AccessLogEntry[]): AccessLogEntry[] => entries.filter((e) => e.method === 'PUT' && e.path.includes('/manifests/'));

const builderStatus = z.object({
  latestImage: z.string(),
  stack: z.object({ runImage: z.string() }),
  signaturePaths: z.array(z.object({ signingSecret: z.string(), targetDigest: z.string(), signedImage: z.string(), attestation: z.string().optional() })),
});
type BuilderStatus = z.infer<typeof builderStatus>;
const resourceList = z.object({ items: z.array(z.object({ kind: z.string(), metadata: z.object({ name: z.string() }), status: z.unknown() })) });

function builderStatuses(out: string): Record<string, BuilderStatus> {
  const list = resourceList.parse(JSON.parse(out || '{"items":[]}'));
  return Object.fromEntries(list.items.filter((i) => i.kind.endsWith('Builder')).map((i) => [`${i.kind}/${i.metadata.name}`, builderStatus.parse(i.status)]));
}

/** The in-toto statement in the first envelope cosign verify-attestation printed. */
function statementOf(stdout: string): unknown {
  const envelope: unknown = JSON.parse(stdout.trim().split('\n')[0] ?? '{}');
  const payload = isJsonObject(envelope) && typeof envelope.payload === 'string' ? envelope.payload : '';
  return JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
}

const provenanceStatement = z.object({
  subject: z.array(z.object({ digest: z.object({ sha256: z.string() }) })),
  predicate: z.object({
    buildDefinition: z.object({ resolvedDependencies: z.array(z.object({ name: z.string(), uri: z.string(), digest: z.object({ sha256: z.string() }) })) }),
  }),
});
const sbomStatement = z.object({
  predicate: z.object({
    bomFormat: z.string(),
    components: z.array(z.object({ name: z.string(), hashes: z.array(z.object({ alg: z.string(), content: z.string() })) })),
  }),
});

beforeAll(async () => {
  work = await scratchDir('signed-build-int');
  registry = await startRegistry({ mode: 'token' });
  await mkdir(join(work, 'docker'));
  authFile = await registry.authFile(join(work, 'docker', 'config.json'));
  const packages = await buildpackages();
  at = {
    web: await publish(packages.web, 'store/web'),
    ruby: await publish(packages.ruby, 'store/ruby'),
    build: await publish(stackImage('build'), 'stack/build'),
    run: await publish(stackImage('run'), 'stack/run'),
    lifecycle: await publish(await lifecycleImage(false), 'lifecycle'),
    builders: `${registry.host}/builders/signed`,
  };
  await writeFile(join(work, 'resources.yaml'), resourcesYaml(at));
  const generated = await runCosign(['generate-key-pair'], { cwd: work, env: { COSIGN_PASSWORD: password } });
  expect(generated.code, generated.stderr).toBe(0);
});

afterAll(async () => {
  await stopAllRegistries();
  await removeDir(work);
});

describe('packsmith build -f --signing-key, checked by cosign', () => {
  let first: { code: number; out: string; err: string };
  let statuses: Record<string, BuilderStatus> = {};
  const keyFile = (): string => join(work, 'cosign.key');
  const cosign = (args: string[]): ReturnType<typeof runCosign> => runCosign([...args, ...cosignOfflineVerifyFlags], { authFile });

  beforeAll(async () => {
    first = await cli(['build', '-f', join(work, 'resources.yaml'), '--signing-key', keyFile(), '-o', 'json'], { PACKSMITH_COSIGN_PASSWORD: password });
    statuses = builderStatuses(first.out);
  });

  it('signs each builder and its run image, and records where the signatures are', () => {
    expect(first.err).not.toMatch(/Failed/);
    expect(first.code).toBe(0);
    const web = statuses['Builder/web'];
    const [builderPath, runPath] = web?.signaturePaths ?? [];
    expect(web?.signaturePaths).toHaveLength(2);
    expect(builderPath?.signingSecret).toBe(`file:${keyFile()}`);
    expect(builderPath?.signedImage).toBe(web?.latestImage);
    expect(builderPath?.targetDigest).toMatch(new RegExp(`^${registry.host}/builders/signed:sha256-[0-9a-f]{64}\\.sig@sha256:[0-9a-f]{64}$`));
    expect(builderPath?.attestation).toMatch(/:sha256-[0-9a-f]{64}\.att@sha256:[0-9a-f]{64}$/);
    expect(runPath?.signedImage).toBe(web?.stack.runImage);
    expect(runPath?.targetDigest).toMatch(/\.sig@sha256:/);
    expect(runPath?.attestation).toBeUndefined();
    expect(first.err).toContain(`signed: file:${keyFile()}; provenance `);
  });

  it('cosign verify accepts the builder and the run image with the cosign.pub of the key', async () => {
    const web = statuses['Builder/web']!;
    for (const image of [web.latestImage, web.stack.runImage]) {
      const verified = await cosign(['verify', '--key', join(work, 'cosign.pub'), image]);
      expect(verified.code, verified.stderr).toBe(0);
    }
  });

  it('cosign verify-attestation accepts the SLSA v1 provenance, which lists every input by digest', async () => {
    const web = statuses['Builder/web']!;
    const attested = await cosign(['verify-attestation', '--key', join(work, 'cosign.pub'), '--type', 'slsaprovenance1', web.latestImage]);
    expect(attested.code, attested.stderr).toBe(0);
    const statement = provenanceStatement.parse(statementOf(attested.stdout));
    expect(`sha256:${statement.subject[0]?.digest.sha256}`).toBe(web.latestImage.split('@')[1]);
    const dependencies = statement.predicate.buildDefinition.resolvedDependencies;
    const lifecycleDigest = (await skopeoInspectRaw(`docker://${at.lifecycle}`, registry.skopeoArgs())).digest;
    expect(dependencies.find((d) => d.name === 'lifecycle image')?.digest.sha256).toBe(lifecycleDigest.replace('sha256:', ''));
    // The whole Builder spec as written is the external parameter, references included.
    const external = z
      .object({
        predicate: z.object({
          buildDefinition: z.object({ externalParameters: z.object({ builder: z.object({ spec: z.record(z.string(), z.unknown()) }) }) }),
        }),
      })
      .parse(statementOf(attested.stdout)).predicate.buildDefinition.externalParameters.builder.spec;
    expect(Object.keys(external)).toEqual(expect.arrayContaining(['tag', 'stack', 'store', 'order']));
    expect(dependencies.map((d) => d.name)).toEqual(
      expect.arrayContaining([
        'stack build image',
        'stack run image',
        expect.stringMatching(/^buildpack test\/web@/),
        expect.stringMatching(/^buildpack test\/ruby@/),
      ]),
    );
  });

  it('cosign verify-attestation accepts the CycloneDX SBOM of the buildpacks', async () => {
    const web = statuses['Builder/web']!;
    const attested = await cosign(['verify-attestation', '--key', join(work, 'cosign.pub'), '--type', 'cyclonedx', web.latestImage]);
    expect(attested.code, attested.stderr).toBe(0);
    const lines = attested.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const statement = sbomStatement.parse(statementOf(attested.stdout));
    expect(statement.predicate.bomFormat).toBe('CycloneDX');
    expect(statement.predicate.components.map((c) => c.name)).toEqual(expect.arrayContaining(['test/web', 'test/ruby']));
    expect(statement.predicate.components.every((c) => /^[0-9a-f]{64}$/.test(c.hashes[0]?.content ?? ''))).toBe(true);
  });

  it('packsmith verify checks signature and provenance and prints every input', async () => {
    const web = statuses['Builder/web']!;
    const tagged = `${registry.host}/builders/signed:builder-team-web`;
    const verified = await cli(['verify', tagged, '--key', join(work, 'cosign.pub')], {});
    expect(verified.code, verified.err).toBe(0);
    expect(verified.out).toContain(`Verified: ${web.latestImage.replace(':builder-team-web', '')}`);
    expect(verified.out).toContain('Provenance: https://slsa.dev/provenance/v1, built by');
    const lifecycleDigest = (await skopeoInspectRaw(`docker://${at.lifecycle}`, registry.skopeoArgs())).digest;
    expect(verified.out).toMatch(new RegExp(`lifecycle image +\\S+ +${lifecycleDigest}`));
    expect(verified.out).toMatch(/buildpack test\/web@\S+ +\S+ +sha256:[0-9a-f]{64}/);

    const json = await cli(['verify', web.latestImage, '--key', join(work, 'cosign.pub'), '-o', 'json'], {});
    const parsed = z
      .object({ signatures: z.number(), provenance: z.object({ dependencies: z.array(z.object({ name: z.string() })) }) })
      .parse(JSON.parse(json.out));
    expect(parsed.signatures).toBe(1);
    expect(parsed.provenance.dependencies.map((d) => d.name)).toContain('lifecycle image');
  });

  it('packsmith verify rejects another key, and an image signed without provenance', async () => {
    const web = statuses['Builder/web']!;
    const otherDir = await scratchDir('other-key');
    try {
      expect((await runCosign(['generate-key-pair'], { cwd: otherDir, env: { COSIGN_PASSWORD: 'other' } })).code).toBe(0);
      const other = await cli(['verify', web.latestImage, '--key', join(otherDir, 'cosign.pub')], {});
      expect(other.code).toBe(1);
      expect(other.err).toContain('no signature verifies with the given key');
    } finally {
      await removeDir(otherDir);
    }
    const run = await cli(['verify', web.stack.runImage, '--key', join(work, 'cosign.pub')], {});
    expect(run.code).toBe(1);
    expect(run.err).toContain('signed, but no SLSA v1 provenance attestation');
  });

  it('signs nothing again when nothing changed', async () => {
    const before = manifestWrites(await registry.accessLog()).length;
    const again = await cli(['build', '-f', join(work, 'resources.yaml'), '--signing-key', keyFile(), '-o', 'json'], { COSIGN_PASSWORD: password });
    expect(again.code, again.err).toBe(0);
    expect(builderStatuses(again.out)['Builder/web']?.signaturePaths).toEqual(statuses['Builder/web']?.signaturePaths);
    expect(manifestWrites(await registry.accessLog()).slice(before)).toEqual([]);
  });

  it('stops at a wrong password before writing anything, without showing it', async () => {
    const before = manifestWrites(await registry.accessLog()).length;
    const wrong = await cli(['build', '-f', join(work, 'resources.yaml'), '--signing-key', keyFile()], { PACKSMITH_COSIGN_PASSWORD: 'not-the-password' });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain(`signing key file:${keyFile()}: the password does not decrypt the signing key`);
    expect(`${wrong.out}${wrong.err}`).not.toContain('not-the-password');
    expect(manifestWrites(await registry.accessLog()).slice(before)).toEqual([]);
  });
});
