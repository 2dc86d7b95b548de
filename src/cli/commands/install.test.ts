import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../main.ts';
import { captureIo } from '../testing/index.ts';

type Doc = { kind: string; metadata: { name: string; namespace?: string }; spec?: { image?: string } };

describe('packsmith install', () => {
  it('--print renders the manifests for the chosen namespace and images', async () => {
    const io = captureIo();
    expect(await runCli(['install', '--print', '-n', 'ci', '--image', 'r.test/packsmith:2', '--lifecycle-image', 'r.test/lc:1'], io)).toBe(0);
    const docs = parseAllDocuments(io.out.join(''), { version: '1.1' }).map((d) => d.toJS() as Doc);
    expect(docs[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'ci' } });
    const namespaced = docs.filter((d) => ['ServiceAccount', 'Deployment', 'Service', 'Role', 'RoleBinding'].includes(d.kind));
    expect(namespaced.length).toBe(7);
    expect(namespaced.every((d) => d.metadata.namespace === 'ci')).toBe(true);
    expect(docs.find((d) => d.kind === 'ClusterLifecycle')?.spec).toEqual({ image: 'r.test/lc:1' });
    expect(io.out.join('')).toContain('image: r.test/packsmith:2');
  });

  it('--crds-only renders only the seven labelled CRDs', async () => {
    const io = captureIo();
    expect(await runCli(['install', '--print', '--crds-only'], io)).toBe(0);
    const docs = parseAllDocuments(io.out.join(''), { version: '1.1' }).map((d) => d.toJS() as Doc & { metadata: { labels?: Record<string, string> } });
    expect(docs.map((d) => d.kind)).toEqual(Array(7).fill('CustomResourceDefinition'));
    expect(docs.every((d) => d.metadata.labels?.['app.kubernetes.io/part-of'] === 'packsmith')).toBe(true);
  });

  it('without --print says how to install and exits 2', async () => {
    const io = captureIo();
    expect(await runCli(['install'], io)).toBe(2);
    expect(io.err.join('')).toContain('packsmith install --print | kubectl apply -f -');
  });
});

describe('packsmith webhook', () => {
  it('refuses --cert without --key and a bad port before starting', async () => {
    const io = captureIo();
    expect(await runCli(['webhook', '--cert', 'tls.crt', '--port', '0'], io)).toBe(2);
    expect(io.err.join('')).toContain('--cert and --key go together');
    const bad = captureIo();
    expect(await runCli(['webhook', '--port', 'http'], bad)).toBe(2);
    expect(bad.err.join('')).toContain('--port: http is not a port number');
  });
});
