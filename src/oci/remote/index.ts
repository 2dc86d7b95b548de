/**
 * oci/remote: the registry client (distribution API over fetch). A RegistryTransport carries every
 * request (scheme, auth, tokens, retries, limits, counters); the puller returns lazy images and
 * indexes; the pusher uploads idempotently with cross-repository mounts. Imports only `shared`,
 * the oci contracts and oci/auth; silent unless given a Logger.
 */
export { RegistryTransport, createHostPause, type HostLimiter, type RegistryRequest, type RequestBody, type TransportOptions } from './transport.ts';
export { HostPause } from './host-pause.ts';
export { defaultConnectTimeoutMs, defaultIdleTimeoutMs, type ConnectionOptions, type RegistryHostSettings } from './connection.ts';
export { TransferCounters, type RequestEvent, type RequestKind, type TransferTotals } from './counters.ts';
export {
  RegistryError,
  kindOfRegistryStatus,
  redactHeaders,
  redactText,
  redactUrl,
  registryErrorCodes,
  type OciErrorEntry,
  type RegistryErrorOptions,
} from './errors.ts';
export { defaultRetryPolicy, type RetryPolicy } from './retry.ts';
export { mergeScopes, parseWwwAuthenticate, pullScope, pushScope, type Challenge } from './challenge.ts';
export {
  fetchBlob,
  headManifest,
  listTags,
  remoteGet,
  remoteImage,
  remoteIndex,
  remotePlatformImages,
  type RemoteDescriptor,
  type RemoteOptions,
} from './puller.ts';
export { pushImage, pushIndex, type PushOptions, type PushProgress, type PushResult } from './pusher.ts';
export type { BlobOutcome } from './blob-upload.ts';
export { probePush, probeRead, type PushProbe, type ReadProbe } from './access-probe.ts';
export { tagKeyOf, type CachedManifest, type ContentCache, type RememberedEndpoint } from './content-cache.ts';
