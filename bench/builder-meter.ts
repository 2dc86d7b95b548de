/**
 * Measuring instruments of the builder benchmark, the same for both tools: a transparent loopback
 * TCP relay in front of the registry that counts the bytes each way (HTTP headers and bodies as
 * they cross the wire), and a summary of the registry's own access log (requests by method, blob
 * bytes served, mounts, uploads) for a slice of it.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { runCommand, type AccessLogEntry } from '../test/harness/index.ts';

/** Bytes that crossed the relay so far. */
export interface WireTotals {
  /** Client → registry. */
  up: number;
  /** Registry → client. */
  down: number;
  connections: number;
}

/** A running relay: clients use `host`; `totals()` is cumulative; `close()` stops it. */
export interface ByteRelay {
  host: string;
  totals(): WireTotals;
  close(): Promise<void>;
}

/** Starts a relay on loopback port `port` (default: a free one) that forwards every connection to 127.0.0.1:`targetPort`. */
export async function startRelay(targetPort: number, port = 0): Promise<ByteRelay> {
  const totals: WireTotals = { up: 0, down: 0, connections: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    totals.connections++;
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      // A reset on one side ends the pair; the tools see it as the registry would have shown it.
      s.once('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => (totals.up += chunk.length));
    upstream.on('data', (chunk: Buffer) => (totals.down += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const listening = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    host: `127.0.0.1:${listening}`,
    totals: () => ({ ...totals }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The difference of two relay snapshots. */
export function wireDelta(after: WireTotals, before: WireTotals): WireTotals {
  return { up: after.up - before.up, down: after.down - before.down, connections: after.connections - before.connections };
}

/** What the registry's access log says about one slice of requests. */
export interface LogSummary {
  requests: number;
  byMethod: Record<string, number>;
  /** GETs of blobs, and the response bytes they carried. */
  blobGets: number;
  blobBytesServed: number;
  manifestGets: number;
  manifestHeads: number;
  blobHeads: number;
  /** Cross-repository mount attempts that mounted (201) and that fell back to an upload (202). */
  mounted: number;
  mountRefused: number;
  /** Blob uploads completed (PUT …/uploads/…?digest=, 201) and manifests written (PUT …/manifests/…, 201). */
  blobUploads: number;
  manifestPuts: number;
  /** Requests the registry answered with 4xx/5xx (404s of existence checks included). */
  errors: number;
}

const isBlob = (e: AccessLogEntry): boolean => /\/blobs\/sha256:/.test(e.path);
const isManifest = (e: AccessLogEntry): boolean => e.path.includes('/manifests/');

/** Summarises `entries` (registry access-log lines of one measured run). */
export function summarizeLog(entries: readonly AccessLogEntry[]): LogSummary {
  const byMethod: Record<string, number> = {};
  for (const e of entries) byMethod[e.method] = (byMethod[e.method] ?? 0) + 1;
  const gets = entries.filter((e) => e.method === 'GET');
  const mounts = entries.filter((e) => e.method === 'POST' && e.query.mount !== undefined);
  return {
    requests: entries.length,
    byMethod,
    blobGets: gets.filter(isBlob).length,
    blobBytesServed: gets.filter(isBlob).reduce((sum, e) => sum + e.size, 0),
    manifestGets: gets.filter(isManifest).length,
    manifestHeads: entries.filter((e) => e.method === 'HEAD' && isManifest(e)).length,
    blobHeads: entries.filter((e) => e.method === 'HEAD' && isBlob(e)).length,
    mounted: mounts.filter((e) => e.status === 201).length,
    mountRefused: mounts.filter((e) => e.status === 202).length,
    blobUploads: entries.filter((e) => e.method === 'PUT' && e.query.digest !== undefined && e.status === 201).length,
    manifestPuts: entries.filter((e) => e.method === 'PUT' && isManifest(e) && e.status === 201).length,
    errors: entries.filter((e) => e.status >= 400).length,
  };
}

/** Wall, CPU and peak RSS of one process, from GNU time, with its output. */
export interface ProcessCost {
  code: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  output: string;
}

/** Runs `command` under GNU time (`/usr/bin/time`), which writes its figures to `timeFile`. */
export async function runTimed(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; timeFile: string; timeoutMs: number },
): Promise<ProcessCost> {
  const started = performance.now();
  const result = await runCommand('/usr/bin/time', ['-f', '%e %U %S %M', '-o', options.timeFile, command, ...args], {
    env: options.env,
    cwd: options.cwd,
    timeoutMs: options.timeoutMs,
  });
  const seconds = (performance.now() - started) / 1000;
  const [, user, sys, rss] = (await readFile(options.timeFile, 'utf8')).trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number, number];
  return { code: result.code, seconds, cpuSeconds: user + sys, maxRssMiB: rss / 1024, output: `${result.stdout}${result.stderr}` };
}

/**
 * Requests grouped by what they ask for: method, kind of path (ping, manifest by tag or digest,
 * blob, upload session, mount) and repository, with how many of them repeat an earlier request
 * of the same method and path (the redundant ones: a blob HEADed twice in one repository).
 */
export function requestBreakdown(entries: readonly AccessLogEntry[]): { groups: Record<string, number>; repeats: Record<string, number> } {
  const groups: Record<string, number> = {};
  const repeats: Record<string, number> = {};
  const seen = new Set<string>();
  for (const e of entries) {
    // Numbered repositories (store/bp-01 … bp-20) fall into one group.
    const group = `${e.method} ${pathKind(e)} ${(e.repository ?? '').replace(/\d+/g, 'N')}`.trim();
    groups[group] = (groups[group] ?? 0) + 1;
    // A mount POST names its digest in the query; two of them for one digest are a repeat too.
    const key = `${e.method} ${e.path}${e.query.mount === undefined ? '' : `?mount=${e.query.mount}`}`;
    if (seen.has(key)) repeats[group] = (repeats[group] ?? 0) + 1;
    seen.add(key);
  }
  return { groups, repeats };
}

function pathKind(e: AccessLogEntry): string {
  if (e.path === '/v2/') return 'ping';
  if (e.path.includes('/blobs/uploads/')) return e.query.mount === undefined ? (e.method === 'POST' ? 'upload-start' : 'upload') : 'mount';
  if (isBlob(e)) return 'blob';
  if (isManifest(e)) return /\/manifests\/sha256:/.test(e.path) ? 'manifest@digest' : 'manifest:tag';
  return 'other';
}
