/**
 * A loopback reverse proxy that sits between packsmith and a real registry and injects faults by
 * rule: error statuses (500/502/503), 429 with `Retry-After`, connection resets in the middle of
 * request bodies (blob uploads) or response bodies (blob downloads), stalls, and truncated bodies
 * (a full `Content-Length` announced, fewer bytes sent, then a clean close) and corrupted bodies
 * (one flipped bit). Rules match on method,
 * path, the nth matching request and a probability drawn from a seeded generator, so a run is
 * repeatable. Injection is bounded by a fault budget and a time window; every request and every
 * injected fault is recorded. Test code only.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';
import { seededRandom } from '../../src/oci/testing/index.ts';
import { systemClock, type CancelTimer, type Clock } from '../../src/shared/index.ts';
import { HarnessError } from './harness-error.ts';

/** One kind of fault. Byte counts are body bytes (headers excluded). */
export type Fault =
  | { kind: 'status'; status: 500 | 502 | 503 | 429; retryAfterSeconds?: number }
  | { kind: 'reset-upload'; afterBytes: number }
  | { kind: 'reset-download'; afterBytes: number }
  | { kind: 'truncate'; afterBytes: number }
  /** Flips the low bit of the response body byte at `atByte` (a body that looks whole but is wrong). */
  | { kind: 'corrupt'; atByte: number }
  | { kind: 'stall'; ms: number };

/** When a fault applies; every given condition must hold. */
export interface FaultRule {
  /** A label for the record. */
  name: string;
  method?: RegExp;
  path?: RegExp;
  /** 1-based positions among the requests this rule's method/path match (e.g. [2] = the second). */
  nth?: readonly number[];
  /** Chance of injecting on a matching request, drawn from the proxy's seeded generator (default 1). */
  probability?: number;
  /** Most injections by this rule (default unbounded within the proxy's budget). */
  maxHits?: number;
  fault: Fault;
}

/** Options of `startFaultProxy`. */
export interface FaultProxyOptions {
  /** `host:port` of the registry behind the proxy (plain HTTP). */
  upstream: string;
  rules: readonly FaultRule[];
  /** Seed of the generator behind `probability` (default 1). */
  seed?: number;
  /** Total faults the proxy may inject (default 50); afterwards it forwards faithfully. */
  maxFaults?: number;
  /** Faults are injected only this long after start, in milliseconds (default 5 minutes). */
  activeForMs?: number;
  /** Faults are injected only into the first this many requests (default unbounded). */
  activeForRequests?: number;
  /** Times stalls and the active window (default: the real clock); a manual clock lets a test release a stall by hand. */
  clock?: Clock;
}

/** A request the proxy saw. */
export interface ProxiedRequest {
  index: number;
  method: string;
  path: string;
  /** The status sent to the client, or undefined when the connection was cut before one. */
  status: number | undefined;
}

/** A fault the proxy injected. */
export interface InjectedFault {
  rule: string;
  kind: Fault['kind'];
  method: string;
  path: string;
  requestIndex: number;
  atMs: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** `127.0.0.1:PORT`, the registry part of references that go through the proxy. */
  readonly host: string;
  readonly port: number;
  readonly requests: readonly ProxiedRequest[];
  readonly injected: readonly InjectedFault[];
  /** Counts of injected faults by kind. */
  summary(): Record<string, number>;
  stop(): Promise<void>;
}

interface ProxyState {
  options: FaultProxyOptions;
  random: () => number;
  started: number;
  matches: Map<FaultRule, number>;
  hits: Map<FaultRule, number>;
  requests: ProxiedRequest[];
  injected: InjectedFault[];
  sockets: Set<Socket>;
  /** Stalled requests waiting to be forwarded; cleared on stop so no timer outlives the proxy. */
  timers: Set<CancelTimer>;
  clock: Clock;
}

/** Starts the proxy on a free loopback port. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const state: ProxyState = {
    options,
    random: seededRandom(options.seed ?? 1),
    started: (options.clock ?? systemClock).now(),
    matches: new Map(),
    hits: new Map(),
    requests: [],
    injected: [],
    sockets: new Set(),
    timers: new Set(),
    clock: options.clock ?? systemClock,
  };
  const server = createServer((req, res) => handle(state, req, res));
  server.on('connection', (socket) => {
    state.sockets.add(socket);
    socket.on('close', () => state.sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    requests: state.requests,
    injected: state.injected,
    summary: () => countKinds(state.injected),
    stop: () => {
      for (const cancel of state.timers) cancel();
      return closeServer(server, state.sockets);
    },
  };
}

function countKinds(injected: readonly InjectedFault[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const fault of injected) counts[fault.kind] = (counts[fault.kind] ?? 0) + 1;
  return counts;
}

async function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The rule that fires for this request, if any; match counters advance for every matching rule. */
function pickFault(state: ProxyState, method: string, path: string): FaultRule | undefined {
  const { options } = state;
  const active =
    state.clock.now() - state.started < (options.activeForMs ?? 300_000) &&
    state.injected.length < (options.maxFaults ?? 50) &&
    state.requests.length <= (options.activeForRequests ?? Number.POSITIVE_INFINITY);
  let chosen: FaultRule | undefined;
  for (const rule of options.rules) {
    if ((rule.method && !rule.method.test(method)) || (rule.path && !rule.path.test(path))) continue;
    const position = (state.matches.get(rule) ?? 0) + 1;
    state.matches.set(rule, position);
    if (!active || chosen !== undefined || !ruleFires(state, rule, position)) continue;
    chosen = rule;
  }
  if (chosen) state.hits.set(chosen, (state.hits.get(chosen) ?? 0) + 1);
  return chosen;
}

function ruleFires(state: ProxyState, rule: FaultRule, position: number): boolean {
  if (rule.nth && !rule.nth.includes(position)) return false;
  if ((state.hits.get(rule) ?? 0) >= (rule.maxHits ?? Number.POSITIVE_INFINITY)) return false;
  // Always draw, so that whether one rule fires does not shift the sequence another sees.
  const draw = state.random();
  return draw < (rule.probability ?? 1);
}

function handle(state: ProxyState, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  const record: ProxiedRequest = { index: state.requests.length, method, path, status: undefined };
  state.requests.push(record);
  const rule = pickFault(state, method, path);
  if (rule) state.injected.push({ rule: rule.name, kind: rule.fault.kind, method, path, requestIndex: record.index, atMs: state.clock.now() - state.started });
  const fault = rule?.fault;
  if (fault?.kind === 'status') {
    answerStatus(req, res, record, fault);
    return;
  }
  if (fault?.kind !== 'stall') {
    forward(state, { req, res, record, fault });
    return;
  }
  const cancel = state.clock.schedule(() => {
    state.timers.delete(cancel);
    // The client may have given up during the stall (its idle timeout); then there is nothing to forward.
    if (!req.socket.destroyed) forward(state, { req, res, record, fault });
  }, fault.ms);
  state.timers.add(cancel);
}

function answerStatus(req: IncomingMessage, res: ServerResponse, record: ProxiedRequest, fault: Extract<Fault, { kind: 'status' }>): void {
  // Drain the body the client is sending, so the connection stays usable for its next request.
  req.resume();
  const body = JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: `injected ${fault.status}` }] });
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };
  if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
  record.status = fault.status;
  req.on('end', () => res.writeHead(fault.status, headers).end(body));
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  record: ProxiedRequest;
  fault: Fault | undefined;
}

function forward(state: ProxyState, exchange: Exchange): void {
  const { req, res, record, fault } = exchange;
  const [hostname, port] = state.options.upstream.split(':');
  const upstream = httpRequest({ hostname, port: Number(port), method: req.method, path: req.url, headers: req.headers });
  const cut = (): void => {
    upstream.destroy();
    req.socket.destroy();
  };
  upstream.on('error', () => req.socket.destroy());
  upstream.on('response', (answer) => relayResponse({ answer, res, record, fault, cut }));
  if (fault?.kind === 'reset-upload') {
    req.pipe(cutAfter(fault.afterBytes, cut)).pipe(upstream);
  } else {
    req.pipe(upstream);
  }
  req.on('error', () => upstream.destroy());
}

function relayResponse(input: { answer: IncomingMessage; res: ServerResponse; record: ProxiedRequest; fault: Fault | undefined; cut: () => void }): void {
  const { answer, res, record, fault, cut } = input;
  record.status = answer.statusCode;
  res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
  if (fault?.kind === 'reset-download') {
    answer.pipe(cutAfter(fault.afterBytes, cut)).pipe(res);
  } else if (fault?.kind === 'truncate') {
    // End the response early but cleanly: the client sees fewer bytes than Content-Length promised.
    answer
      .pipe(
        cutAfter(fault.afterBytes, () => {
          answer.destroy();
          res.socket?.end();
        }),
      )
      .pipe(res);
  } else if (fault?.kind === 'corrupt') {
    answer.pipe(flipByte(fault.atByte)).pipe(res);
  } else {
    answer.pipe(res);
  }
}

/** A pass-through stream that flips the low bit of the byte at offset `at`. */
function flipByte(at: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback): void {
      const index = at - seen;
      seen += chunk.length;
      if (index < 0 || index >= chunk.length) return done(null, chunk);
      const copy = Buffer.from(chunk);
      copy[index] = (copy[index] ?? 0) ^ 1;
      done(null, copy);
    },
  });
}

/** A pass-through stream that lets `limit` bytes through, then calls `onLimit` and passes nothing more. */
function cutAfter(limit: number, onLimit: () => void): Transform {
  let seen = 0;
  let fired = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback): void {
      if (fired) return done();
      const room = limit - seen;
      seen += chunk.length;
      if (chunk.length < room) return done(null, chunk);
      fired = true;
      this.push(chunk.subarray(0, Math.max(room, 0)));
      // Let the partial bytes reach the socket before cutting it.
      setImmediate(onLimit);
      done();
    },
  });
}

/** Throws unless `proxy` injected at least one fault of each kind in `kinds` (a guard against a rule that never fired). */
export function assertInjected(proxy: FaultProxy, kinds: readonly Fault['kind'][]): void {
  const missing = kinds.filter((kind) => !proxy.injected.some((f) => f.kind === kind));
  if (missing.length > 0) throw new HarnessError(`fault proxy never injected: ${missing.join(', ')}`);
}
