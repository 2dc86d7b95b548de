/**
 * Parses the registry's access log (Apache combined format, one line per HTTP request, written
 * to stdout by distribution 2.8) so tests can assert what a client asked of the registry: which
 * blobs it uploaded, whether it mounted them across repositories, which manifests it put.
 */

/** One HTTP request the registry answered. */
export interface AccessLogEntry {
  readonly method: string;
  /** The request target as sent, query included, still percent-encoded. */
  readonly uri: string;
  /** The decoded path without the query, e.g. `/v2/test/img/blobs/uploads/`. */
  readonly path: string;
  /** Decoded query parameters (the first value of each name). */
  readonly query: Readonly<Record<string, string>>;
  /** The repository named by a `/v2/<name>/{blobs,manifests,tags}/…` path, else undefined. */
  readonly repository: string | undefined;
  readonly status: number;
  /** Response body size in bytes (0 when the log says `-`). */
  readonly size: number;
  readonly userAgent: string;
  /** The log line as written. */
  readonly line: string;
}

/** A cross-repository mount attempt: `POST /v2/<repository>/blobs/uploads/?mount=<digest>&from=<from>`. */
export interface MountRequest {
  readonly repository: string;
  readonly from: string;
  readonly digest: string;
  /** 201 when the blob was mounted; 202 when the registry opened an ordinary upload instead. */
  readonly status: number;
}

// host ident user [time] "METHOD URI PROTO" status size "referer" "user-agent"
const linePattern = /^\S+ \S+ \S+ \[[^\]]+\] "(\S+) (\S+) [^"]*" (\d{3}) (\d+|-) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"/;
const repositoryPattern = /^\/v2\/(.+?)\/(?:blobs|manifests|tags)\//;

function parseLine(line: string): AccessLogEntry | undefined {
  const match = linePattern.exec(line);
  if (!match) return undefined;
  const [, method, uri, status, size, , userAgent] = match as unknown as [string, string, string, string, string, string, string];
  const url = new URL(uri, 'http://registry.invalid');
  const path = decodeURIComponent(url.pathname);
  return {
    method,
    uri,
    path,
    query: Object.fromEntries(url.searchParams),
    repository: repositoryPattern.exec(path)?.[1],
    status: Number(status),
    size: size === '-' ? 0 : Number(size),
    userAgent,
    line,
  };
}

/** Every access-log line in `text`, in order; other log lines (the registry's own messages) are skipped. */
export function parseAccessLog(text: string): AccessLogEntry[] {
  return text.split('\n').flatMap((line) => parseLine(line) ?? []);
}

/** The cross-repository mount attempts among `entries`, in order. */
export function mountRequests(entries: readonly AccessLogEntry[]): MountRequest[] {
  return entries.flatMap((e) => {
    const { mount, from } = e.query;
    if (e.method !== 'POST' || e.repository === undefined || mount === undefined || from === undefined) return [];
    if (!e.path.endsWith('/blobs/uploads/')) return [];
    return [{ repository: e.repository, from, digest: mount, status: e.status }];
  });
}
