import { describe, expect, it } from 'vitest';
import type { KindName } from '../api/index.ts';
import type { InformerEvent, KubeObject } from '../k8s/index.ts';
import { keysForCredentialEvent, type CredentialKind, type CredentialView } from './credential-enqueue.ts';
import { controllerKinds } from './manager.ts';

const meta = (name: string, namespace?: string): KubeObject['metadata'] => ({ name, ...(namespace ? { namespace } : {}) });
const account = (namespace: string, name: string, secrets: string[], pull: string[] = []): KubeObject => ({
  metadata: meta(name, namespace),
  secrets: secrets.map((s) => ({ name: s })),
  imagePullSecrets: pull.map((s) => ({ name: s })),
});
const resource = (name: string, spec: Record<string, unknown>, namespace?: string): KubeObject => ({ metadata: meta(name, namespace), spec });

const resources: Partial<Record<KindName, KubeObject[]>> = {
  ClusterStore: [resource('default', { serviceAccountRef: { namespace: 'team', name: 'pusher' } }), resource('anon', {})],
  ClusterStack: [resource('base', { serviceAccountRef: { namespace: 'other', name: 'pusher' } })],
  Buildpack: [resource('bp', { serviceAccountName: 'reader' }, 'team'), resource('bp-anon', {}, 'team')],
  Builder: [resource('web', {}, 'team'), resource('api', { serviceAccountName: 'pusher' }, 'team'), resource('far', {}, 'other')],
  ClusterBuilder: [resource('shared', { serviceAccountRef: { namespace: 'team', name: 'default' } })],
};
const view: CredentialView = {
  serviceAccounts: (ns) =>
    ns === 'team' ? [account('team', 'pusher', ['registry']), account('team', 'default', ['other']), account('team', 'reader', [], ['registry'])] : [],
  resources: (kind) => resources[kind] ?? [],
};

const event = (type: InformerEvent['type'], name: string, namespace: string): InformerEvent => ({
  type,
  key: `${namespace}/${name}`,
  object: { metadata: meta(name, namespace) },
});

describe('keysForCredentialEvent', () => {
  const cases: Array<{ title: string; kind: CredentialKind; event: InformerEvent; keys: string[] }> = [
    {
      title: 'a Secret named by accounts enqueues every resource using those accounts (secrets and imagePullSecrets)',
      kind: 'Secret',
      event: event('update', 'registry', 'team'),
      keys: ['ClusterStore:default', 'Buildpack:team/bp', 'Builder:team/api'],
    },
    { title: 'a Secret in another namespace matches nothing', kind: 'Secret', event: event('update', 'registry', 'other'), keys: [] },
    { title: 'a Secret no account names matches nothing', kind: 'Secret', event: event('add', 'unused', 'team'), keys: [] },
    {
      title: "the default account is a Builder's and a Buildpack's when they name none (kpack reads both with default)",
      kind: 'Secret',
      event: event('delete', 'other', 'team'),
      keys: ['Builder:team/web', 'Buildpack:team/bp-anon', 'ClusterBuilder:shared'],
    },
    {
      title: 'a ServiceAccount change enqueues its users in its namespace only',
      kind: 'ServiceAccount',
      event: event('add', 'pusher', 'other'),
      keys: ['ClusterStack:base'],
    },
    { title: 'periodic sync events enqueue nothing', kind: 'ServiceAccount', event: event('sync', 'pusher', 'team'), keys: [] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      expect(keysForCredentialEvent(c.kind, c.event, view, controllerKinds).sort()).toEqual([...c.keys].sort());
    });
  }
});
