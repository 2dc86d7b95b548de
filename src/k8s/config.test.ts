import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/index.ts';
import { loadKubeConfig } from './config.ts';

let dir: string;
let path: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k8s-config-'));
  path = join(dir, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'one',
    clusters: [
      { name: 'c1', cluster: { server: 'https://127.0.0.1:6443' } },
      { name: 'c2', cluster: { server: 'https://127.0.0.2:7443' } },
    ],
    users: [{ name: 'u', user: { token: 't' } }],
    contexts: [
      { name: 'one', context: { cluster: 'c1', user: 'u' } },
      { name: 'two', context: { cluster: 'c2', user: 'u', namespace: 'builds' } },
    ],
  };
  await writeFile(path, JSON.stringify(config));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadKubeConfig', () => {
  it('reads --kubeconfig with its current context and the default namespace', () => {
    const connection = loadKubeConfig({ kubeconfig: path, env: {} });
    expect(connection).toMatchObject({ server: 'https://127.0.0.1:6443', context: 'one', namespace: 'default' });
  });

  it('reads KUBECONFIG from the environment and switches to the named context', () => {
    const connection = loadKubeConfig({ context: 'two', env: { KUBECONFIG: path } });
    expect(connection).toMatchObject({ server: 'https://127.0.0.2:7443', context: 'two', namespace: 'builds' });
  });

  it('refuses a context the file does not have', () => {
    expect(() => loadKubeConfig({ kubeconfig: path, context: 'three', env: {} })).toThrow(ValidationError);
  });
});
