/**
 * kp's settings, kept where kp keeps them so both tools share one configuration: the ConfigMap
 * `kp-config` in namespace `kpack`, with the default repository images are relocated to and the
 * service account that reads them (the older `canonical.*` keys are honoured too).
 */
import type { ObjectClient } from './port.ts';
import { isJsonObject, NotFoundError } from '../../shared/index.ts';
import { CliError } from '../errors.ts';

/** Where the settings live. */
export const kpConfigMap = { namespace: 'kpack', name: 'kp-config' } as const;

/** The settings, with kp's defaults applied. */
export interface KpConfig {
  /** Repository relocated images go to, undefined when not configured. */
  defaultRepository: string | undefined;
  /** Service account whose secrets give access to the default repository. */
  serviceAccount: { name: string; namespace: string };
}

/** Reads `kp-config`; a missing ConfigMap gives the defaults. */
export async function readKpConfig(objects: ObjectClient): Promise<KpConfig> {
  const configMap = await objects.find({ kind: 'ConfigMap', namespace: kpConfigMap.namespace, name: kpConfigMap.name });
  const data = isJsonObject(configMap?.data) ? configMap.data : {};
  const entry = (key: string): string | undefined => (typeof data[key] === 'string' ? data[key] : undefined);
  const pick = (key: string): string | undefined => entry(`default.${key}`) || entry(`canonical.${key}`) || undefined;
  return {
    defaultRepository: pick('repository'),
    serviceAccount: { name: pick('repository.serviceaccount') ?? 'default', namespace: pick('repository.serviceaccount.namespace') ?? kpConfigMap.namespace },
  };
}

/** The default repository, or kp's error telling how to set it. */
export function requireDefaultRepository(config: KpConfig): string {
  if (config.defaultRepository === undefined) throw new CliError('failed to get default repository: use "packsmith config default-repository" to set');
  return config.defaultRepository;
}

/** What `writeKpConfig` sets; absent fields are left as they are. */
export interface KpConfigUpdate {
  defaultRepository?: string | undefined;
  serviceAccount?: { name: string; namespace: string } | undefined;
}

/**
 * Sets the given settings in `kp-config`, creating the ConfigMap when it does not exist. Like kp,
 * the older `canonical.*` keys are written too, so older kp releases read the same values.
 */
export async function writeKpConfig(objects: ObjectClient, update: KpConfigUpdate): Promise<void> {
  const data: Record<string, string> = {};
  const set = (key: string, value: string): void => {
    data[`default.${key}`] = value;
    data[`canonical.${key}`] = value;
  };
  if (update.defaultRepository !== undefined) set('repository', update.defaultRepository);
  if (update.serviceAccount !== undefined) {
    set('repository.serviceaccount', update.serviceAccount.name);
    set('repository.serviceaccount.namespace', update.serviceAccount.namespace);
  }
  try {
    await objects.patch({ kind: 'ConfigMap', namespace: kpConfigMap.namespace, name: kpConfigMap.name, patch: { data } });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    await objects.create({ kind: 'ConfigMap', object: { metadata: { ...kpConfigMap }, data } });
  }
}
