/**
 * Runs a resource command against the cluster: builds the CLI environment from the connection and
 * registry flags, resolves the namespace (flag, else the context's), and closes registry
 * connections afterwards whatever happens.
 */
import { readFile } from 'node:fs/promises';
import { createClusterCliEnvironment, type LocalEnvironment } from '../../compose.ts';
import { isAppError, messageOf } from '../../shared/index.ts';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import type { KubeFlags, RegistryFlags } from './flags.ts';
import type { ObjectClient } from './port.ts';

/**
 * What compose provides to the cluster commands: the API server through the CLI's port, the
 * kubeconfig context's namespace, and local mode's registry access with Docker credentials.
 */
export interface ClusterEnvironment extends LocalEnvironment {
  objects: ObjectClient;
  /** The kubeconfig context's namespace (`default` when it sets none). */
  namespace: string;
}

/** What a command body gets: the environment plus the namespace namespaced kinds use. */
export interface ClusterSession extends ClusterEnvironment {
  /** `-n` when given, else the kubeconfig context's namespace. */
  targetNamespace: string;
}

/** Flags a session is built from; registry flags are optional for commands that never touch images. */
export interface SessionFlags {
  kube: KubeFlags;
  registry?: RegistryFlags;
}

/** Calls `body` with a session and closes it afterwards. */
export async function withClusterSession<T>(io: CliIo, flags: SessionFlags, body: (session: ClusterSession) => Promise<T>): Promise<T> {
  const registryCa = flags.registry?.caCertPath === undefined ? [] : [await readCa(flags.registry.caCertPath)];
  const insecureRegistries = [...(flags.registry?.insecureRegistries ?? []), ...(flags.registry?.verifyCerts === false ? ['*'] : [])];
  let environment: ClusterEnvironment;
  try {
    environment = createClusterCliEnvironment({ kubeconfig: flags.kube.kubeconfig, context: flags.kube.context, insecureRegistries, registryCa, env: io.env });
  } catch (error) {
    if (isAppError(error)) throw error;
    // The client library throws plain errors for unreadable or malformed kubeconfig files.
    throw new CliError(`cannot load the Kubernetes configuration: ${messageOf(error)}`, undefined, { cause: error });
  }
  try {
    return await body({ ...environment, targetNamespace: flags.kube.namespace ?? environment.namespace });
  } finally {
    await environment.close();
  }
}

async function readCa(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`--registry-ca-cert-path: cannot read ${path}: ${messageOf(error)}`, undefined, { cause: error });
  }
}
