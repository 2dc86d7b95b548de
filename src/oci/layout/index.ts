/**
 * oci/layout: local OCI image layouts, as directories and as `.cnb` tar files. Reads give lazy
 * images whose blobs stream from disk with digest verification; writes are deterministic and
 * skip blobs already present. Depends only on the oci contracts and `shared`.
 */
export { readLayout, openLayout, type OciLayout, type ImageSelectOptions } from './read-layout.ts';
export { writeLayout, writeLayoutIndex, type WriteLayoutOptions } from './write-layout.ts';
export { readCnbFile, readCnbLayout, writeCnbFile, type ReadCnbOptions, type WriteCnbOptions } from './cnb-file.ts';
export { parseLayoutReference, formatLayoutReference, type LayoutReference, type ParseLayoutReferenceOptions } from './layout-reference.ts';
export { imageLayoutVersion, refNameAnnotation } from './layout-format.ts';
export type { LayoutSource } from './layout-source.ts';
