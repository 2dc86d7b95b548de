/**
 * Hand-written fakes of the app ports for the use-case unit tests: an ImageAccess over in-memory
 * images that records which keychain every read, write and lazy layer used, named keychains to
 * compare against, a fixed clock, and small real images (stack, lifecycle, buildpackages).
 */
import type { BuildpackTree } from '../../cnb/index.ts';
import { createBuildpackage, labelKeys } from '../../cnb/index.ts';
import type { Image, ImageIndex, Keychain, Layer, PlatformImage } from '../../oci/index.ts';
import {
  anonymousCredentials,
  appendLayers,
  createTarLayer,
  emptyImage,
  parseReference,
  platformOfConfig,
  repositoryOf,
  withEnv,
  withLabels,
} from '../../oci/index.ts';
import { NotFoundError } from '../../shared/index.ts';
import { createManualClock } from '../../shared/testing/index.ts';
import type { Clock, FetchedImage, FetchedPlatformImage, ImageAccess, ReadImageOptions, StoredBlob, WriteImageOptions, WriteResult } from '../ports.ts';

/** A keychain with a name, so tests can say which one was used. */
export type NamedKeychain = Keychain & { readonly name: string };

/** A keychain that answers anonymous and is recognised by its name. */
export function namedKeychain(name: string): NamedKeychain {
  return { name, resolve: () => Promise.resolve(anonymousCredentials) };
}

/** The name of a keychain made by `namedKeychain`. */
export function nameOf(keychain: Keychain): string {
  return (keychain as Partial<NamedKeychain>).name ?? '(unnamed)';
}

/** One recorded call. */
export interface Call {
  op: 'read' | 'write' | 'layer';
  reference: string;
  keychain: string;
  tags?: readonly string[];
}

/** An ImageAccess over a map of images; writes land in the same map. */
export class FakeImageAccess implements ImageAccess {
  readonly calls: Call[] = [];
  readonly #images = new Map<string, Image>();
  readonly #failing = new Map<string, Error>();
  readonly #indexes = new Map<string, readonly PlatformImage[]>();

  /** Makes `reference` readable. */
  add(reference: string, image: Image): this {
    this.#images.set(reference, image);
    return this;
  }

  /** Makes `reference` an index of `members`: `readImages` lists them, `readImage` picks the platform asked for (first by default). */
  addIndex(reference: string, members: readonly PlatformImage[]): this {
    this.#indexes.set(reference, members);
    const first = members[0];
    if (first) this.#images.set(reference, first.image);
    return this;
  }

  /** The index last written to `reference`. */
  writtenIndex(reference: string): ImageIndex | undefined {
    return this.#writtenIndexes.get(reference);
  }

  readonly #writtenIndexes = new Map<string, ImageIndex>();

  /** Makes reads of `reference` fail with `error`. */
  fail(reference: string, error: Error): this {
    this.#failing.set(reference, error);
    return this;
  }

  /** The image last written to `reference`. */
  written(reference: string): Image | undefined {
    return this.#images.get(reference);
  }

  async readImage(reference: string, options: ReadImageOptions): Promise<FetchedImage> {
    this.calls.push({ op: 'read', reference, keychain: nameOf(options.keychain) });
    const failure = this.#failing.get(reference);
    if (failure) throw failure;
    const image = this.#images.get(reference) ?? (await this.#byIdentifier(reference));
    if (!image) throw new NotFoundError(`no image ${reference}`);
    return { image, identifier: await identifierOf(reference, image) };
  }

  async readImages(reference: string, options: ReadImageOptions): Promise<FetchedPlatformImage[]> {
    const members = this.#indexes.get(reference);
    if (!members) {
      const fetched = await this.readImage(reference, options);
      return [{ ...fetched, platform: platformOfConfig(await fetched.image.configFile()) }];
    }
    this.calls.push({ op: 'read', reference, keychain: nameOf(options.keychain) });
    return Promise.all(members.map(async (m) => ({ ...m, identifier: await identifierOf(reference, m.image) })));
  }

  async writeIndex(index: ImageIndex, reference: string, options: WriteImageOptions): Promise<WriteResult> {
    const digest = await index.digest();
    const before = this.#writtenIndexes.get(reference);
    const pushed = before === undefined || (await before.digest()) !== digest;
    this.calls.push({ op: 'write', reference, keychain: nameOf(options.keychain), tags: pushed ? (options.tags ?? []) : [] });
    this.#writtenIndexes.set(reference, index);
    const [first] = (await index.indexManifest()).manifests;
    if (first) this.#images.set(reference, await index.image(first.digest));
    for (const child of (await index.indexManifest()).manifests) this.#images.set(`${reference}@${child.digest}`, await index.image(child.digest));
    return { identifier: `${reference}@${digest}`, digest, pushed };
  }

  async #byIdentifier(identifier: string): Promise<Image | undefined> {
    for (const [reference, image] of this.#images) if ((await identifierOf(reference, image)) === identifier) return image;
    for (const [reference, members] of this.#indexes) {
      for (const { image } of members) if ((await identifierOf(reference, image)) === identifier) return image;
    }
    return undefined;
  }

  async writeImage(image: Image, reference: string, options: WriteImageOptions): Promise<WriteResult> {
    const digest = await image.digest();
    const before = this.#images.get(reference);
    const pushed = before === undefined || (await before.digest()) !== digest;
    this.calls.push({ op: 'write', reference, keychain: nameOf(options.keychain), tags: pushed ? (options.tags ?? []) : [] });
    this.#images.set(reference, image);
    this.#images.set(`${reference}@${digest}`, image);
    return { identifier: `${reference}@${digest}`, digest, pushed };
  }

  lazyLayer(blob: StoredBlob): Layer {
    this.calls.push({ op: 'layer', reference: `${blob.image}@${blob.digest}`, keychain: nameOf(blob.keychain) });
    const sources = [...(this.#indexes.get(blob.image)?.map((m) => m.image) ?? []), this.#images.get(blob.image)];
    const find = async (): Promise<Layer> => {
      for (const source of sources) for (const layer of (await source?.layers()) ?? []) if ((await layer.digest()) === blob.digest) return layer;
      throw new NotFoundError(`no layer ${blob.digest} in ${blob.image}`);
    };
    return {
      digest: () => Promise.resolve(blob.digest as never),
      diffId: () => Promise.resolve(blob.diffId as never),
      size: () => Promise.resolve(blob.size),
      mediaType: async () => (await find()).mediaType(),
      compressed: async () => (await find()).compressed(),
      uncompressed: async () => (await find()).uncompressed(),
    };
  }

  /** The recorded calls of one kind, as `reference keychain` strings. */
  summary(op: Call['op']): string[] {
    return this.calls.filter((c) => c.op === op).map((c) => `${c.reference} ${c.keychain}`);
  }
}

async function identifierOf(reference: string, image: Image): Promise<string> {
  const name = reference.includes('@') ? reference.slice(0, reference.indexOf('@')) : reference;
  return `${repositoryOf(parseReference(name))}@${await image.digest()}`;
}

/** A clock stopped at `date` (it is a manual clock nobody advances). */
export function fixedClock(date: Date): Clock {
  return createManualClock(date.getTime());
}

/** A build or run image of stack `id`. */
export function stackImage(id: string, options: { mixins?: string[]; env?: boolean; os?: string; arch?: string } = {}): Image {
  const base = appendLayers(emptyImage({ os: options.os ?? 'linux', architecture: options.arch ?? 'amd64' }), [
    createTarLayer([{ path: `etc/${id}`, type: 'file', mode: 0o644, content: id }]),
  ]);
  const labels: Record<string, string> = { [labelKeys.stackId]: id };
  if (options.mixins) labels[labelKeys.stackMixins] = JSON.stringify(options.mixins);
  const labelled = withLabels(base, labels);
  return options.env === false ? labelled : withEnv(labelled, { CNB_USER_ID: '1000', CNB_GROUP_ID: '1001' });
}

/** A lifecycle image with one `/cnb/lifecycle` layer and the labels a real one carries. */
export function lifecycleImage(platform: string[] = ['0.7', '0.12'], buildpack: string[] = ['0.7', '0.10'], arch = 'amd64'): Image {
  const layer = createTarLayer([{ path: 'cnb/lifecycle/detector', type: 'file', mode: 0o755, content: arch === 'amd64' ? '#!/bin/sh\n' : `#!/bin/sh\n# ${arch}\n` }]);
  return withLabels(appendLayers(emptyImage({ os: 'linux', architecture: arch }), [layer]), {
    [labelKeys.builderMetadata]: JSON.stringify({ lifecycle: { version: '0.20.0' }, api: { buildpack: '0.2', platform: '0.3' } }),
    [labelKeys.lifecycleApis]: JSON.stringify({ buildpack: { deprecated: [], supported: buildpack }, platform: { deprecated: [], supported: platform } }),
    [labelKeys.lifecycleVersion]: '0.20.0',
  });
}

/** A simple buildpack tree. */
export function buildpackTree(id: string, version: string, extra: Partial<BuildpackTree['descriptor']> = {}): BuildpackTree {
  return {
    descriptor: { api: '0.10', buildpack: { id, version, homepage: `https://${id}.example` }, stacks: [{ id: 'io.test.stack' }], ...extra },
    files: { 'bin/detect': { content: '#!/bin/sh\nexit 0\n' }, 'bin/build': { content: `#!/bin/sh\necho ${id}\n` } },
  };
}

/** A buildpackage holding `trees` (the first is the main buildpack). */
export function buildpackage(trees: BuildpackTree[]): Promise<Image> {
  return createBuildpackage(trees);
}
