/**
 * What a transport reports about its traffic: one RequestEvent per HTTP exchange (for an injected
 * hook, logs and tests that count requests) and running totals of requests and bytes (for metrics).
 */

/** Why an exchange happened: the `/v2/` ping, a token fetch, a registry call, or a redirect hop of one. */
export type RequestKind = 'ping' | 'token' | 'registry' | 'redirect';

/** One finished HTTP exchange. URLs and errors are already redacted; no headers are included. */
export interface RequestEvent {
  registry: string;
  kind: RequestKind;
  method: string;
  url: string;
  /** HTTP status; undefined when no response arrived. */
  status?: number;
  /** Redacted error text when no response arrived. */
  error?: string;
  /** Scopes asked for (token requests only). */
  scopes?: readonly string[];
  /** Time until the response headers arrived (or the failure), in milliseconds. */
  durationMs: number;
}

/** A snapshot of a transport's totals. */
export interface TransferTotals {
  requests: number;
  /** Requests by `kind method`, e.g. `registry PUT`. */
  byKind: Record<string, number>;
  /** Request body bytes handed to the network. */
  bytesSent: number;
  /** Response body bytes of blobs read through the puller. */
  bytesReceived: number;
}

/** Running totals; safe to read at any time. */
export class TransferCounters {
  #requests = 0;
  #bytesSent = 0;
  #bytesReceived = 0;
  readonly #byKind = new Map<string, number>();

  /** Counts one finished exchange. */
  record(event: RequestEvent): void {
    this.#requests++;
    const key = `${event.kind} ${event.method}`;
    this.#byKind.set(key, (this.#byKind.get(key) ?? 0) + 1);
  }

  /** Counts body bytes read by a consumer of a response. */
  addReceived(bytes: number): void {
    this.#bytesReceived += bytes;
  }

  /** Returns `body` unchanged for bytes (counted at once) or wrapped so that streamed chunks are counted as they go. */
  countSent<T extends Uint8Array | string | AsyncIterable<Uint8Array>>(body: T): T | AsyncIterable<Uint8Array> {
    if (typeof body === 'string') {
      this.#bytesSent += Buffer.byteLength(body);
      return body;
    }
    if (body instanceof Uint8Array) {
      this.#bytesSent += body.byteLength;
      return body;
    }
    return this.#counting(body);
  }

  async *#counting(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    for await (const chunk of source) {
      this.#bytesSent += chunk.byteLength;
      yield chunk;
    }
  }

  /** The totals so far. */
  totals(): TransferTotals {
    return {
      requests: this.#requests,
      byKind: Object.fromEntries(this.#byKind),
      bytesSent: this.#bytesSent,
      bytesReceived: this.#bytesReceived,
    };
  }
}
