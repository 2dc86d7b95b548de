/**
 * The digests of a StoredBlob, checked where they enter the OCI layer: they come from resource
 * status (or labels), which is plain text anyone with write access can change.
 */
import type { StoredBlob } from '../app/index.ts';
import { OciFormatError, isDigest, type Digest } from '../oci/index.ts';

/** `blob.digest` and `blob.diffId` as digests; OciFormatError naming the image and field otherwise. */
export function storedBlobDigests(blob: StoredBlob): { digest: Digest; diffId: Digest } {
  return { digest: checkedDigest(blob, 'digest'), diffId: checkedDigest(blob, 'diffId') };
}

function checkedDigest(blob: StoredBlob, field: 'digest' | 'diffId'): Digest {
  const value = blob[field];
  if (isDigest(value)) return value;
  throw new OciFormatError(
    `layer of ${blob.image}: ${field} ${JSON.stringify(value.slice(0, 80))} is not a digest; expected sha256:<64 lowercase hex characters>`,
  );
}
