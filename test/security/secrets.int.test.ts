// Credentials never leak: local-mode builds (`packsmith build -f`) and image inspection against the
// REAL docker-registry with htpasswd Basic auth and with Docker token auth, credentials only in a
// Docker config.json, once with the right password and once with a wrong one. Every output stream
// (stdout summary, -o yaml and -o json status, stderr with its error messages) is searched for the
// passwords, the base64 `auth` strings of config.json and the base64 of each password alone.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { Credentials, RegistryTransport, parseReference, pushImage, remoteImage, staticKeychain, writeLayout, type Image } from '../../src/oci/index.ts';
import { randomImage } from '../../src/oci/testing/index.ts';
import type { Logger } from '../../src/shared/index.ts';
import { removeDir, scratchDir, skopeoCopy, startRegistry, stopAllRegistries, type RegistryHandle } from '../harness/index.ts';
import { startFaultProxy } from '../harness/fault-proxy.ts';
import { buildpackages, lifecycleImage, resourcesYaml, stackImage } from '../app/fixtures.ts';

const username = 'builder-bot';
const passwords = { basic: 'Pw-basic-9f3a61c2-never-print', token: 'Pw-token-4be07d55-never-print' } as const;
const wrongPassword = 'Pw-wrong-c81d2e90-never-print';

let work = '';

interface Outputs {
  code: number;
  streams: string[];
}

async function cli(args: string[], dockerConfig: string): Promise<Outputs> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    isTty: false,
    ask: () => Promise.resolve(''),
    readStdin: () => Promise.resolve(''),
    env: { DOCKER_CONFIG: dockerConfig },
  };
  const code = await runCli(args, io);
  return { code, streams: [out.join(''), err.join('')] };
}

/** Every form a secret could take in output: as written, base64 `user:password` (config.json's `auth`), base64 alone, URL-encoded. */
function secretForms(password: string): string[] {
  return [
    password,
    Buffer.from(`${username}:${password}`).toString('base64'),
    Buffer.from(password).toString('base64'),
    encodeURIComponent(`${username}:${password}`),
  ];
}

function expectNoSecrets(outputs: Outputs[], secrets: readonly string[]): void {
  const text = outputs.flatMap((o) => o.streams).join('\n');
  expect(text.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(text.includes(secret), `output contains ${secret.slice(0, 6)}…`).toBe(false);
}

async function dockerConfigDir(name: string, host: string, password: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [host]: { auth } } }));
  return dir;
}

async function publishInputs(registry: RegistryHandle): Promise<string> {
  const publish = async (image: Image, repository: string): Promise<string> => {
    const layout = join(work, `staging-${registry.mode}`);
    const tag = repository.replaceAll('/', '-');
    await writeLayout(layout, image, { tag });
    await skopeoCopy({ src: `oci:${layout}:${tag}`, dest: `docker://${registry.host}/${repository}:1`, flags: registry.skopeoArgs({ role: 'dest' }) });
    return `${registry.host}/${repository}:1`;
  };
  const packages = await buildpackages();
  const yaml = resourcesYaml({
    web: await publish(packages.web, 'store/web'),
    ruby: await publish(packages.ruby, 'store/ruby'),
    build: await publish(stackImage('build'), 'stack/build'),
    run: await publish(stackImage('run'), 'stack/run'),
    lifecycle: await publish(await lifecycleImage(false), 'lifecycle'),
    builders: `${registry.host}/builders/app`,
  });
  const file = join(work, `resources-${registry.mode}.yaml`);
  await writeFile(file, yaml);
  return file;
}

beforeAll(async () => {
  work = await scratchDir('secrets');
});

afterAll(async () => {
  await stopAllRegistries();
  await removeDir(work);
});

describe.each(['basic', 'token'] as const)('no credential in any output (%s auth)', (mode) => {
  let registry: RegistryHandle;
  let resources = '';
  const password = passwords[mode];
  const secrets = [...secretForms(password), ...secretForms(wrongPassword)];

  beforeAll(async () => {
    registry = await startRegistry({ mode, username, password });
    resources = await publishInputs(registry);
  });

  it('builds with the right password; summary, yaml, json and inspect output carry no secret', async () => {
    const config = await dockerConfigDir(`right-${mode}`, registry.host, password);
    const runs = [
      await cli(['build', '-f', resources], config),
      await cli(['build', '-f', resources, '-o', 'yaml'], config),
      await cli(['build', '-f', resources, '-o', 'json'], config),
      await cli(['image', 'inspect', `${registry.host}/builders/app:builder-team-web`], config),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(runs[1]!.streams[0]).toMatch(/latestImage: .*builders\/app:builder-team-web@sha256:/);
    // The credentials were really used (so they passed through packsmith), and the forms searched for are the real ones.
    if (mode === 'token') expect(registry.tokenServer!.requests().some((r) => r.user === username && r.status === 200)).toBe(true);
    expect(await readFile(join(config, 'config.json'), 'utf8')).toContain(secretForms(password)[1]);
    expectNoSecrets(runs, secrets);
  });

  it('fails clearly with a wrong password, and no output carries either password', async () => {
    const config = await dockerConfigDir(`wrong-${mode}`, registry.host, wrongPassword);
    const runs = [
      await cli(['build', '-f', resources], config),
      await cli(['build', '-f', resources, '-o', 'yaml'], config),
      await cli(['image', 'inspect', `${registry.host}/store/web:1`], config),
    ];
    for (const run of runs) expect(run.code).not.toBe(0);
    const text = runs.flatMap((r) => r.streams).join('\n');
    expect(text).toMatch(/401|403|unauthori[sz]ed|denied|authenticat/i);
    console.log(`[secrets] ${mode} wrong password: ${runs[2]!.streams[1]!.trim().split('\n')[0] ?? ''}`);
    expectNoSecrets(runs, secrets);
  });

  it('keeps credentials out of the output when registry faults make builds retry or fail', async () => {
    const runs: Outputs[] = [];
    const text = await readFile(resources, 'utf8');
    // Seeds 31–33 inject random faults that retries may absorb; seed 34 refuses every manifest PUT,
    // so at least one run takes the failure path whose messages must stay free of credentials.
    for (const seed of [31, 32, 33, 34]) {
      const proxy = await startFaultProxy({
        upstream: registry.host,
        seed,
        maxFaults: seed === 34 ? 1000 : 30,
        rules: [
          { name: 'manifest 503', method: /^PUT$/, path: /\/manifests\//, probability: seed === 34 ? 1 : 0.6, fault: { kind: 'status', status: 503 } },
          { name: 'reset', method: /^GET$/, path: /\/blobs\//, probability: 0.3, fault: { kind: 'reset-download', afterBytes: 100 } },
          { name: 'unavailable', probability: 0.1, fault: { kind: 'status', status: 502 } },
        ],
      });
      const file = join(work, `faulty-${mode}-${seed}.yaml`);
      await writeFile(file, text.replaceAll(registry.host, proxy.host).replaceAll('builders/app', `builders/faulty-${seed}`));
      const config = await dockerConfigDir(`faulty-${mode}-${seed}`, proxy.host, password);
      runs.push(await cli(['build', '-f', file, '-o', 'yaml'], config).finally(() => proxy.stop()));
      expect(proxy.injected.length).toBeGreaterThan(0);
    }
    console.log(
      `[secrets] ${mode} with faults: exit codes ${runs.map((r) => r.code).join(',')}; ${runs[0]!.streams[1]!.split('\n').find((l) => l.startsWith('error') || l.includes('Failed')) ?? ''}`,
    );
    expect(runs.some((r) => r.code !== 0)).toBe(true);
    // Every failure names the request that failed (a bare undici "terminated" once leaked through here).
    const all = runs.flatMap((r) => r.streams).join('\n');
    expect(all).not.toMatch(/(Failed|:)\s+terminated\s*$/m);
    expectNoSecrets(runs, secrets);
  });
});

describe('a broken config.json does not echo its credentials', () => {
  it('reports a JSON syntax error or a bad field without quoting the file', async () => {
    // A registry that asks for credentials, so that packsmith reads config.json at all.
    const registry = await startRegistry({ mode: 'basic', username, password: passwords.basic });
    const host = registry.host;
    const auth = Buffer.from(`${username}:${passwords.basic}`).toString('base64');
    const broken = {
      syntax: `{"auths":{"${host}":{"auth":"${auth}" "email":"x"}}}`,
      truncated: `{"auths":{"${host}":{"auth":"${auth}`,
      field: JSON.stringify({ auths: { [host]: { auth, password: passwords.basic, email: 7 } } }),
    };
    const resources = join(work, 'one-store.yaml');
    await writeFile(resources, `apiVersion: kpack.io/v1alpha2\nkind: ClusterStore\nmetadata: {name: s}\nspec: {sources: [{image: ${host}/store:1}]}\n`);
    const runs: Outputs[] = [];
    for (const [name, text] of Object.entries(broken)) {
      const dir = join(work, `broken-${name}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'config.json'), text);
      const run = await cli(['build', '-f', resources, '-o', 'yaml'], dir);
      expect(run.code, name).not.toBe(0);
      expect(run.streams.join('\n'), name).toMatch(/config\.json/);
      runs.push(run, await cli(['image', 'inspect', `${host}/store:1`], dir));
    }
    console.log(
      `[secrets] broken config.json: ${
        runs[0]!.streams[1]!.trim()
          .split('\n')
          .find((l) => l.includes('config.json')) ?? ''
      }`,
    );
    expectNoSecrets(runs, secretForms(passwords.basic));
  });
});

describe('registry client debug logs carry no credential', () => {
  it('logs every request and retry of a push and a pull through faults, with Basic and token auth, without a secret', async () => {
    for (const mode of ['basic', 'token'] as const) {
      const registry = await startRegistry({ mode, username, password: passwords[mode] });
      const proxy = await startFaultProxy({
        upstream: registry.host,
        seed: 5,
        rules: [
          { name: 'busy', probability: 0.3, maxHits: 6, fault: { kind: 'status', status: 503, retryAfterSeconds: 0 } },
          { name: 'cut', method: /^PATCH|PUT$/, path: /uploads/, nth: [1], fault: { kind: 'reset-upload', afterBytes: 1000 } },
        ],
      });
      const lines: string[] = [];
      const logger: Logger = {
        debug: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
        info: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
        warn: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
        error: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
        child: () => logger,
      };
      const keychain = staticKeychain({ [proxy.host]: Credentials.of({ username, password: passwords[mode] }) });
      const transport = new RegistryTransport({ keychain, logger });
      const reference = parseReference(`${proxy.host}/logged/app:1`);
      try {
        await pushImage(randomImage(9, { files: 2, maxFileSize: 200_000 }), reference, { transport });
        expect(await (await remoteImage(reference, { transport })).digest()).toMatch(/^sha256:/);
      } finally {
        await transport.close();
        await proxy.stop();
        await registry.stop();
      }
      expect(lines.some((l) => l.includes('retrying registry request'))).toBe(true);
      expect(lines.length).toBeGreaterThan(10);
      expectNoSecrets([{ code: 0, streams: lines }], [...secretForms(passwords[mode]), 'Bearer ey']);
    }
  });
});
