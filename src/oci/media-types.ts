/** Media types of the OCI image spec and Docker's image manifest v2 schema 2. */
export const mediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

/** Any media type string; the known ones are in `mediaTypes`. */
export type MediaType = string;

/** Every manifest type packsmith reads, in the order sent in `Accept` (registries 404 an OCI index without it). */
export const manifestAcceptList: readonly MediaType[] = [mediaTypes.ociIndex, mediaTypes.ociManifest, mediaTypes.dockerManifestList, mediaTypes.dockerManifest];

/** True for the media types of a multi-platform index (OCI index or Docker manifest list). */
export function isIndexMediaType(mediaType: MediaType): boolean {
  return mediaType === mediaTypes.ociIndex || mediaType === mediaTypes.dockerManifestList;
}

/** True for the media types of a single-platform image manifest. */
export function isImageMediaType(mediaType: MediaType): boolean {
  return mediaType === mediaTypes.ociManifest || mediaType === mediaTypes.dockerManifest;
}
