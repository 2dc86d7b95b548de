import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderDeploy } from '../../scripts/gen-crds.ts';
import { installManifests, renderManifestsYaml } from './install.ts';

type Manifest = Record<string, unknown>;
interface Container {
  image: string;
  args: string[];
  securityContext: unknown;
}

/** The value at a dotted path (`spec.template.spec`), for reading manifests in assertions. */
function dig(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}

const manifests = installManifests({ namespace: 'build-system', image: 'registry.test/packsmith:1', lifecycleImage: 'registry.test/lifecycle:1' });
const find = (kind: string, name: string): Manifest => manifests.find((m) => m.kind === kind && dig(m, 'metadata.name') === name)!;

describe('installation manifests', () => {
  it('are up to date in config/deploy (run npm run gen:crds when this fails)', async () => {
    for (const { file, text } of renderDeploy()) {
      expect(await readFile(new URL(`../../config/deploy/${file}`, import.meta.url), 'utf8'), file).toBe(text);
    }
  });

  it('come in apply order: namespace and CRDs first, webhook registrations last', () => {
    const kinds = manifests.map((m) => m.kind as string);
    expect(kinds[0]).toBe('Namespace');
    expect(kinds.slice(1, 8)).toEqual(Array(7).fill('CustomResourceDefinition'));
    expect(kinds.slice(-3)).toEqual(['ClusterLifecycle', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
    expect(find('ClusterLifecycle', 'default-lifecycle').spec).toEqual({ image: 'registry.test/lifecycle:1' });
  });

  it('switch the convertible CRDs to the conversion webhook behind the Service', () => {
    const crds = manifests.filter((m) => m.kind === 'CustomResourceDefinition');
    const conversions = Object.fromEntries(crds.map((m) => [dig(m, 'spec.names.kind') as string, dig(m, 'spec.conversion')]));
    const webhook = {
      strategy: 'Webhook',
      webhook: {
        clientConfig: { service: { namespace: 'build-system', name: 'packsmith-webhook', path: '/convert', port: 443 } },
        conversionReviewVersions: ['v1'],
      },
    };
    expect(conversions).toEqual({
      ClusterStore: webhook,
      ClusterStack: webhook,
      Builder: webhook,
      ClusterBuilder: webhook,
      ClusterLifecycle: undefined,
      Buildpack: undefined,
      ClusterBuildpack: undefined,
    });
  });

  it('run both Deployments as non-root with a read-only root filesystem and their own service accounts', () => {
    for (const name of ['packsmith-controller', 'packsmith-webhook']) {
      const pod = dig(find('Deployment', name), 'spec.template.spec') as { serviceAccountName: string; securityContext: unknown; containers: Container[] };
      expect(pod.serviceAccountName).toBe(name);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
      expect(pod.containers[0]!.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(pod.containers[0]!.image).toBe('registry.test/packsmith:1');
    }
    expect(dig(find('Deployment', 'packsmith-webhook'), 'spec.template.spec.containers.0.args')).toEqual([
      'webhook',
      '--port',
      '8443',
      '--service',
      'packsmith-webhook',
      '--namespace',
      '$(POD_NAMESPACE)',
      '--publish-ca-bundle',
    ]);
    const controller = dig(find('Deployment', 'packsmith-controller'), 'spec.template.spec.containers.0') as Record<string, unknown>;
    expect(controller.args).toEqual(['controller', 'run']);
    expect(controller.ports).toEqual([
      { name: 'health', containerPort: 8081, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(controller.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 'health' }, periodSeconds: 10 });
    expect(dig(find('Service', 'packsmith-webhook'), 'spec.ports')).toEqual([{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }]);
  });

  it('give the controller read access and status patches only, and the webhook only its own objects and a list of builders', () => {
    const controller = find('ClusterRole', 'packsmith-controller').rules as Manifest[];
    const verbs = controller.flatMap((r) => r.verbs as string[]);
    expect(verbs).not.toContain('*');
    expect(verbs).not.toContain('update');
    expect(controller.find((r) => (r.resources as string[]).includes('secrets'))!.verbs).toEqual(['get', 'list', 'watch']);
    expect(controller.find((r) => (r.resources as string[]).includes('builders/status'))!.verbs).toEqual(['patch']);
    expect(dig(find('Role', 'packsmith-controller'), 'metadata.namespace')).toBe('build-system');
    const webhook = find('ClusterRole', 'packsmith-webhook').rules as Manifest[];
    // Every rule names its objects, except listing builders for in-use protection.
    const unnamed = webhook.filter((r) => !Array.isArray(r.resourceNames) || r.resourceNames.length === 0);
    expect(unnamed).toEqual([{ apiGroups: ['kpack.io'], resources: ['builders', 'clusterbuilders'], verbs: ['list'] }]);
  });

  it('render as YAML 1.1 documents that parse back to the same objects', () => {
    const yaml = renderManifestsYaml(manifests);
    expect(yaml).toMatch(/^# packsmith installation/);
    expect(parseAllDocuments(yaml, { version: '1.1' }).map((d) => d.toJS() as unknown)).toEqual(manifests);
  });
});
