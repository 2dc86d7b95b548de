/**
 * The concrete ImageAccess: local references (`oci:…`, `.cnb`) go to the layout adapter, all
 * others to the registry adapter.
 */
import type {
  FetchedImage,
  FetchedPlatformImage,
  ImageAccess,
  ReadImageOptions,
  StoredBlob,
  TagAccess,
  TagReadOptions,
  WriteImageOptions,
  WriteResult,
} from '../app/index.ts';
import type { Image, ImageIndex, Layer } from '../oci/index.ts';
import { LayoutLocks, localLazyLayer, parseLocalReference, readLocalImage, readLocalImages, writeLocalImage, writeLocalIndex } from './local-images.ts';
import { RegistryImages, type RegistrySettings, type TransportKeying } from './registry-images.ts';

/** ImageAccess over registries and local layouts, and TagAccess over registries; `close()` releases registry connections. */
export class OciImageAccess implements ImageAccess, TagAccess {
  readonly registry: RegistryImages;
  readonly #locks = new LayoutLocks();

  constructor(settings: RegistrySettings = {}, keying: TransportKeying = {}) {
    this.registry = new RegistryImages(settings, keying);
  }

  readImage(reference: string, options: ReadImageOptions): Promise<FetchedImage> {
    const local = parseLocalReference(reference);
    return local ? readLocalImage(local, options) : this.registry.read(reference, options.keychain, options);
  }

  readImages(reference: string, options: Omit<ReadImageOptions, 'platform'>): Promise<FetchedPlatformImage[]> {
    const local = parseLocalReference(reference);
    return local ? readLocalImages(local, options) : this.registry.readAll(reference, options.keychain, options);
  }

  writeIndex(index: ImageIndex, reference: string, options: WriteImageOptions): Promise<WriteResult> {
    const local = parseLocalReference(reference);
    return local ? writeLocalIndex(index, local, { ...options, locks: this.#locks }) : this.registry.writeIndex(index, reference, options);
  }

  writeImage(image: Image, reference: string, options: WriteImageOptions): Promise<WriteResult> {
    const local = parseLocalReference(reference);
    return local ? writeLocalImage(image, local, { ...options, locks: this.#locks }) : this.registry.write(image, reference, options);
  }

  lazyLayer(blob: StoredBlob): Layer {
    const local = parseLocalReference(blob.image);
    return local ? localLazyLayer(blob, local) : this.registry.lazyLayer(blob);
  }

  headDigest(reference: string, options: TagReadOptions): Promise<string | undefined> {
    if (parseLocalReference(reference)) return Promise.reject(new Error(`${reference} is a local image: update policies follow registry tags only`));
    return this.registry.headDigest(reference, options.keychain, options);
  }

  listTags(repository: string, options: TagReadOptions): Promise<string[]> {
    return this.registry.listTags(repository, options.keychain, options);
  }

  /** Closes registry connections. */
  close(): Promise<void> {
    return this.registry.close();
  }
}
