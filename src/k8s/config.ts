/**
 * Where the API server is and how to authenticate: a kubeconfig file (`--kubeconfig`), the
 * KUBECONFIG variable, the in-cluster service-account files, or ~/.kube/config, in that order.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { ValidationError } from '../shared/index.ts';

/** Options of `loadKubeConfig`. */
export interface KubeConfigOptions {
  /** Path of a kubeconfig file; wins over KUBECONFIG and in-cluster configuration. */
  kubeconfig?: string;
  /** Context to use instead of the file's current context. */
  context?: string;
  /** Environment to read KUBECONFIG and KUBERNETES_SERVICE_HOST from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A loaded configuration: the server it points at and its default namespace. Opaque otherwise. */
export interface KubeConnection {
  readonly server: string;
  readonly context: string;
  /** The context's namespace, `default` when none is set. */
  readonly namespace: string;
  /** The client-node configuration; only code inside src/k8s uses it. */
  readonly config: KubeConfig;
}

/** Loads the configuration; ValidationError when the chosen context or its cluster is missing. */
export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConnection {
  const config = readConfig(options, options.env ?? process.env);
  if (options.context !== undefined) {
    if (config.getContextObject(options.context) === null) {
      throw new ValidationError([{ path: '--context', message: `context "${options.context}" is not in the kubeconfig` }]);
    }
    config.setCurrentContext(options.context);
  }
  const cluster = config.getCurrentCluster();
  if (cluster === null) {
    throw new ValidationError([{ path: 'kubeconfig', message: 'the current context names no cluster' }]);
  }
  const context = config.getCurrentContext();
  const namespace = config.getContextObject(context)?.namespace ?? 'default';
  return { server: cluster.server, context, namespace, config };
}

function readConfig(options: KubeConfigOptions, env: Readonly<Record<string, string | undefined>>): KubeConfig {
  const config = new KubeConfig();
  const path = options.kubeconfig ?? env.KUBECONFIG;
  if (path) {
    // A KUBECONFIG list names several files; client-node merges them only in loadFromDefault.
    if (options.kubeconfig === undefined && path.includes(':')) config.loadFromDefault();
    else config.loadFromFile(path);
  } else if (env.KUBERNETES_SERVICE_HOST) {
    config.loadFromCluster();
  } else {
    config.loadFromDefault();
  }
  return config;
}
