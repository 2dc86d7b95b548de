/**
 * The controller and webhook Deployments and the webhook Service. Both run as the image's non-root
 * user with a read-only root filesystem, no capabilities and the runtime's default seccomp
 * profile. Each has its own ServiceAccount, so each gets only its own RBAC.
 */
import { webhookPaths } from '../webhook/index.ts';
import { commonLabels, installNames, type InstallOptions } from './options.ts';

type Manifest = Record<string, unknown>;

const podSecurity = {
  runAsNonRoot: true,
  runAsUser: installNames.user,
  runAsGroup: installNames.user,
  seccompProfile: { type: 'RuntimeDefault' },
};

const containerSecurity = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

const namespaceEnv = { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } };

/**
 * Node options of the controller. V8 sizes its heap for throughput and returns little: after 500
 * rebuilds a controller with 73 MB live held 437 MiB. 4 MiB young-generation semi-spaces keep short-
 * lived reconcile garbage (request bodies, manifests, tar headers) from piling up, and an old space
 * of at most 256 MiB (half the Deployment's memory limit, several times the live heap of 2,000
 * Builders) makes V8 collect before it grows. Measured with bench/controller.ts: 2,000 Builders on
 * two replicas peak at 201 MiB each instead of 371 MiB, at the same CPU per builder.
 */
export const controllerNodeOptions = '--max-semi-space-size=4 --max-old-space-size=256';

interface ContainerSpec {
  args: readonly string[];
  env?: readonly Manifest[];
  ports?: readonly Manifest[];
  probes?: Manifest;
}

function deployment(name: string, options: InstallOptions, container: ContainerSpec): Manifest {
  const selector = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: options.namespace, labels: commonLabels(name) },
    spec: {
      // One replica: the controller elects a leader anyway, and the webhook's generated CA lives in memory.
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...commonLabels(name), ...selector } },
        spec: {
          serviceAccountName: name,
          securityContext: podSecurity,
          containers: [
            {
              name: name.replace(/^packsmith-/, ''),
              image: options.image,
              args: container.args,
              env: [namespaceEnv, ...(container.env ?? [])],
              ...(container.ports ? { ports: container.ports } : {}),
              ...container.probes,
              securityContext: containerSecurity,
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              // Node writes nothing by default, but libraries may want a temporary directory.
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

/** The controller Deployment (`packsmith controller run`). */
export function controllerDeployment(options: InstallOptions): Manifest {
  const probe = (path: string): Manifest => ({ httpGet: { path, port: 'health' }, periodSeconds: 10 });
  return deployment(installNames.controller, options, {
    args: ['controller', 'run'],
    env: [{ name: 'NODE_OPTIONS', value: controllerNodeOptions }],
    ports: [
      { name: 'health', containerPort: 8081, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ],
    probes: { readinessProbe: probe('/readyz'), livenessProbe: { ...probe('/healthz'), initialDelaySeconds: 5 } },
  });
}

/** The webhook Deployment (`packsmith webhook`), probed on `/healthz` over HTTPS. */
export function webhookDeployment(options: InstallOptions): Manifest {
  const probe = { httpGet: { path: webhookPaths.health, port: 'https', scheme: 'HTTPS' }, periodSeconds: 10 };
  return deployment(installNames.webhook, options, {
    args: ['webhook', '--port', String(installNames.webhookPort), '--service', installNames.webhook, '--namespace', '$(POD_NAMESPACE)', '--publish-ca-bundle'],
    ports: [{ name: 'https', containerPort: installNames.webhookPort, protocol: 'TCP' }],
    probes: { readinessProbe: probe, livenessProbe: { ...probe, initialDelaySeconds: 5 } },
  });
}

/** The Service the API server calls the webhook through (443 → the container's https port). */
export function webhookService(options: Pick<InstallOptions, 'namespace'>): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: installNames.webhook, namespace: options.namespace, labels: commonLabels(installNames.webhook) },
    spec: {
      selector: { 'app.kubernetes.io/name': installNames.webhook },
      ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }],
    },
  };
}
