// The controller signs builders with the cosign Secrets of their ServiceAccount, as kpack does,
// against a REAL kube-apiserver and docker-registry (see world.ts) with a key made by the REAL
// `cosign generate-key-pair`: status.signaturePaths names the Secret as k8s://namespace/name, and
// cosign verify and verify-attestation accept the pushed builder. A Secret with the wrong password
// fails the builder permanently with a message that names the Secret and not the password, which
// no log record contains either.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OciImageAccess } from '../../src/adapters/index.ts';
import { systemClock } from '../../src/app/index.ts';
import { createManager, serviceAccountKeychains, type Manager } from '../../src/controller/index.ts';
import { createCosignSecretReader, createKeychainFactory, createKubeClient, loadKubeConfig } from '../../src/k8s/index.ts';
import type { LogFields, Logger } from '../../src/shared/index.ts';
import { cosignOfflineVerifyFlags, runCosign } from '../harness/index.ts';
import { conditionOf, startWorld, type World } from './world.ts';

let world: World;
let manager: Manager;
const stop = new AbortController();
let running: Promise<unknown> = Promise.resolve();
let images: OciImageAccess;
const records: string[] = [];
const keyPassword = 'controller-signing-password';
const wrongPassword = 'definitely-not-it';

function recordingLogger(base: LogFields = {}): Logger {
  const write =
    (level: string) =>
    (message: string, fields: LogFields = {}): void =>
      void records.push(JSON.stringify({ level, message, ...base, ...fields }));
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (fields) => recordingLogger({ ...base, ...fields }) };
}

const cosignSecretYaml = (name: string, pem: string, password: string): string =>
  `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: team}\ntype: Opaque\nstringData: {cosign.key: ${JSON.stringify(pem)}, cosign.password: ${JSON.stringify(password)}}\n`;

const signaturePathList = z.array(
  z.object({ signingSecret: z.string(), targetDigest: z.string(), signedImage: z.string(), attestation: z.string().optional() }),
);

beforeAll(async () => {
  world = await startWorld('controller-signing');
  const generated = await runCosign(['generate-key-pair'], { cwd: world.work, env: { COSIGN_PASSWORD: keyPassword } });
  if (generated.code !== 0) throw new Error(`cosign generate-key-pair: ${generated.stderr}`);
  const client = createKubeClient(loadKubeConfig({ kubeconfig: world.kube.kubeconfigPath }));
  images = new OciImageAccess({ userAgent: 'packsmith-e2e' });
  manager = createManager({
    client,
    keychains: serviceAccountKeychains(createKeychainFactory({ client })),
    cosignSecrets: createCosignSecretReader({ client }),
    images,
    clock: systemClock,
    logger: recordingLogger(),
    workers: 2,
  });
  running = manager.run(stop.signal);
  await world.until(() => Promise.resolve(manager.ready()), 30_000, 'informers synced');
}, 240_000);

afterAll(async () => {
  stop.abort();
  await running.catch(() => undefined);
  await images.close();
  await world.stop();
});

describe('the controller signs builders with cosign Secrets', () => {
  it('signs the builder and its run image; cosign verifies both and the provenance', async () => {
    const { kubectl, until, at } = world;
    const pem = await readFile(join(world.work, 'cosign.key'), 'utf8');
    const resources = world.resourcesYaml([at.web, at.ruby]).replace('secrets: [{name: registry}]', 'secrets: [{name: registry}, {name: signing}]');
    await kubectl(['apply', '-f', '-'], `${resources}---\n${cosignSecretYaml('signing', pem, keyPassword)}`);
    const status = async (): Promise<Record<string, unknown> | undefined> => (await world.getJson('builders.kpack.io', 'web', 'team')).status;
    await until(async () => conditionOf(await status(), 'UpToDate')?.status === 'True', 120_000, 'signed builder up to date');
    const built = await status();
    const latestImage = String(built?.latestImage);
    const paths = signaturePathList.parse(built?.signaturePaths ?? []);
    expect(paths.map((p) => p.signingSecret)).toEqual(['k8s://team/signing', 'k8s://team/signing']);
    expect(paths[0]?.signedImage).toBe(latestImage);
    expect(paths[0]?.attestation).toMatch(/\.att@sha256:[0-9a-f]{64}$/);

    const authFile = await world.registry.authFile(join(world.work, 'auth.json'));
    const pub = join(world.work, 'cosign.pub');
    const verified = await runCosign(['verify', '--key', pub, ...cosignOfflineVerifyFlags, latestImage], { authFile });
    expect(verified.code, verified.stderr).toBe(0);
    const runVerified = await runCosign(['verify', '--key', pub, ...cosignOfflineVerifyFlags, String(paths[1]?.signedImage)], { authFile });
    expect(runVerified.code, runVerified.stderr).toBe(0);
    const attested = await runCosign(['verify-attestation', '--key', pub, '--type', 'slsaprovenance1', ...cosignOfflineVerifyFlags, latestImage], { authFile });
    expect(attested.code, attested.stderr).toBe(0);
  }, 180_000);

  it('fails a builder whose cosign Secret has the wrong password, naming the Secret and not the password', async () => {
    const { kubectl, until, registry } = world;
    const pem = await readFile(join(world.work, 'cosign.key'), 'utf8');
    await kubectl(
      ['apply', '-f', '-'],
      `${cosignSecretYaml('bad-signing', pem, wrongPassword)}---
apiVersion: v1
kind: ServiceAccount
metadata: {name: bad-signer, namespace: team}
secrets: [{name: registry}, {name: bad-signing}]
---
apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: badly-signed, namespace: team}
spec:
  tag: ${registry.host}/builders/badly-signed
  serviceAccountName: bad-signer
  stack: {name: base}
  store: {name: default}
  order:
  - group: [{id: test/ruby}]
`,
    );
    const status = async (): Promise<Record<string, unknown> | undefined> => (await world.getJson('builders.kpack.io', 'badly-signed', 'team')).status;
    await until(async () => conditionOf(await status(), 'Ready')?.status === 'False', 60_000, 'badly signed builder failed');
    const message = conditionOf(await status(), 'Ready')?.message ?? '';
    expect(message).toContain('signing key k8s://team/bad-signing: the password does not decrypt the signing key');
    expect(message).not.toContain(wrongPassword);
    expect((await status())?.latestImage).toBeUndefined();
  }, 120_000);

  it('never logs a key password or the key', () => {
    const joined = records.join('\n');
    expect(records.length).toBeGreaterThan(0);
    expect(joined).not.toContain(keyPassword);
    expect(joined).not.toContain(wrongPassword);
    expect(joined).not.toContain('ENCRYPTED SIGSTORE PRIVATE KEY');
  });
});
