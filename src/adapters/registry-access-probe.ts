/**
 * The doctor's AccessProbe over the registry client: local references are skipped, registry ones
 * are probed with the transport that carries the keychain (oci's probeRead/probePush, which write
 * nothing), and a RegistryError becomes the problem the fix depends on. Messages are the
 * transport's, already redacted.
 */
import type { AccessProbe, ProbeOutcome, ProbeProblem, RegistryAccess } from '../app/index.ts';
import { parseReference, probePush, probeRead, RegistryError, type IoOptions, type Keychain } from '../oci/index.ts';
import { messageOf } from '../shared/index.ts';
import { parseLocalReference } from './local-images.ts';
import type { RegistryImages } from './registry-images.ts';

function problemOf(error: unknown): ProbeProblem {
  if (!(error instanceof RegistryError)) return 'other';
  if (error.status === undefined) return 'unreachable';
  if (error.status === 401) return 'unauthorized';
  if (error.status === 403) return 'denied';
  if (error.status === 404) return 'not-found';
  return 'other';
}

/** Probes through `registry`'s transports (one per keychain, shared with everything else that reads). */
export class RegistryAccessProbe implements AccessProbe {
  readonly #registry: RegistryImages;

  constructor(registry: RegistryImages) {
    this.#registry = registry;
  }

  async probe(image: string, access: RegistryAccess, keychain: Keychain, io: IoOptions = {}): Promise<ProbeOutcome> {
    if (parseLocalReference(image)) return { local: true };
    const transport = this.#registry.transport(keychain);
    try {
      const ref = parseReference(image);
      if (access === 'read') {
        const found = await probeRead(ref, { transport, signal: io.signal });
        return found === 'found' ? { ok: true } : { ok: false, problem: 'not-found', message: `${image}: manifest unknown (404)` };
      }
      const pushed = await probePush(ref, { transport, signal: io.signal });
      if (!pushed.allowed) return { ok: false, problem: 'denied', message: messageOf(pushed.refusal) };
      return pushed.cancelled ? { ok: true } : { ok: true, note: 'the registry did not cancel the test upload session; it expires on its own' };
    } catch (error) {
      return { ok: false, problem: problemOf(error), message: messageOf(error) };
    }
  }
}
