/**
 * Keeps the webhook's serving certificate in force and its CA bundle published. A certificate from
 * a new CA goes into force only at the refresh after the bundle carrying that CA was published, so
 * the API server is never shown a certificate it has no CA for; a renewal from the same CA goes
 * into force at once. A failed publication is retried at every refresh.
 */
import { messageOf, type Logger } from '../shared/index.ts';
import type { CertificateSource, TlsMaterial } from './certificate-source.ts';

/** What the keeper works with. */
export interface KeeperOptions {
  certificates: CertificateSource;
  onCaBundle?: (caBundle: string) => Promise<void>;
  logger: Logger;
  now: () => Date;
}

type Publication = 'none' | 'published' | 'failed';

/** The certificate in force, the next one, and the state of the CA bundle's publication. */
export class CertificateKeeper {
  readonly #options: KeeperOptions;
  #serving: TlsMaterial | undefined;
  #pending: TlsMaterial | undefined;
  #pendingAwaitsCa = false;
  #caPending = false;
  #apply: ((material: TlsMaterial) => void) | undefined;

  constructor(options: KeeperOptions) {
    this.#options = options;
  }

  /** The certificate in force (undefined before the first refresh). */
  get serving(): TlsMaterial | undefined {
    return this.#serving;
  }

  /** The newest CA bundle: what clients should trust from now on. */
  caBundle(): string | undefined {
    return (this.#pending ?? this.#serving)?.caBundle;
  }

  /** Called with each certificate that goes into force from now on (the server's setSecureContext). */
  attach(apply: (material: TlsMaterial) => void): void {
    this.#apply = apply;
  }

  /** Asks the source, publishes a changed CA bundle, and puts the next certificate into force when it may. */
  async refresh(): Promise<void> {
    const now = this.#options.now();
    const result = await this.#options.certificates.refresh(now);
    if (result.changed) {
      this.#pending = result.material;
      this.#pendingAwaitsCa = result.caChanged && this.#serving !== undefined;
    }
    if (result.caChanged) this.#caPending = true;
    const publication = await this.#publish();
    const blocked = this.#pendingAwaitsCa && publication !== 'none';
    const expired = this.#serving !== undefined && this.#serving.notAfter <= now;
    if (this.#pending && (!blocked || expired)) this.#putInForce(this.#pending);
  }

  #putInForce(material: TlsMaterial): void {
    this.#serving = material;
    this.#pending = undefined;
    this.#pendingAwaitsCa = false;
    this.#apply?.(material);
    this.#options.logger.info('serving certificate in force', { notAfter: material.notAfter.toISOString() });
  }

  async #publish(): Promise<Publication> {
    const bundle = this.caBundle();
    if (!this.#caPending || !bundle || !this.#options.onCaBundle) return 'none';
    try {
      await this.#options.onCaBundle(bundle);
      this.#caPending = false;
      return 'published';
    } catch (error) {
      this.#options.logger.error('could not publish the CA bundle; retrying at the next refresh', { error: messageOf(error) });
      return 'failed';
    }
  }
}
