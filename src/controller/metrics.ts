/**
 * The controller's Prometheus metrics (prom-client, in a registry of its own): reconciles,
 * durations and errors per kind, the work-queue depth, and registry requests and bytes read from
 * the registry transports' counters when scraped.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ErrorKind } from '../shared/index.ts';
import type { UpdateMetrics } from './ports.ts';

/** Registry traffic so far, summed over every transport. */
export interface TransferTotals {
  requests: number;
  bytesSent: number;
  bytesReceived: number;
}

/** Options of `createControllerMetrics`. */
export interface MetricsOptions {
  /** Read at scrape time. */
  queueDepth?: () => number;
  /** Read at scrape time. */
  transfers?: () => TransferTotals;
  /** Read at scrape time: registry transports open now (bounded by the transport pool). */
  transports?: () => number;
  /** Read at scrape time: registry hosts paused now because they answered 429. */
  pausedRegistries?: () => number;
}

/** What the manager records; `render` gives the text exposition format. */
export interface ControllerMetrics extends UpdateMetrics {
  /** Counts one reconcile of `kind` and its duration; `outcome` is `done`, `requeue`, `backoff` or `error`. */
  reconciled(kind: string, outcome: string, seconds: number): void;
  /** Counts one failure of a reconcile of `kind` by the error's kind (label `class`: transient, permanent, missing-dependency, conflict, cancelled). */
  failed(kind: string, failure: ErrorKind): void;
  /** Counts one pause of every request to `registry` because it throttled. */
  throttled(registry: string): void;
  /** The scrape body and its content type. */
  render(): Promise<{ body: string; contentType: string }>;
}

function totalCounter(registry: Registry, name: string, help: string, read: () => number | undefined): void {
  const counter = new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      if (value === undefined) return;
      counter.reset();
      counter.inc(value);
    },
  });
}

/** Creates the metrics in a fresh registry (with Node process metrics left out: one job per module). */
export function createControllerMetrics(options: MetricsOptions = {}): ControllerMetrics {
  const registry = new Registry();
  const reconciles = new Counter({
    name: 'packsmith_reconciles_total',
    help: 'Reconciles by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'packsmith_reconcile_duration_seconds',
    help: 'Reconcile durations by kind',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'packsmith_reconcile_errors_total',
    help: 'Reconcile failures by resource kind and error kind (class)',
    labelNames: ['kind', 'class'] as const,
    registers: [registry],
  });
  const depth = new Gauge({
    name: 'packsmith_workqueue_depth',
    help: 'Keys waiting in the work queue',
    registers: [registry],
    collect() {
      if (options.queueDepth) depth.set(options.queueDepth());
    },
  });
  const transports = new Gauge({
    name: 'packsmith_registry_transports',
    help: 'Registry transports (connection pools with their token caches) open now',
    registers: [registry],
    collect() {
      if (options.transports) transports.set(options.transports());
    },
  });
  const paused = new Gauge({
    name: 'packsmith_registry_paused',
    help: 'Registry hosts whose requests are paused now because they answered 429',
    registers: [registry],
    collect() {
      if (options.pausedRegistries) paused.set(options.pausedRegistries());
    },
  });
  const throttles = new Counter({
    name: 'packsmith_registry_throttled_total',
    help: 'Times a registry answered 429 and all requests to it paused, by registry host',
    labelNames: ['registry'] as const,
    registers: [registry],
  });
  const updates = new Counter({
    name: 'packsmith_updates_total',
    help: 'Updates of followed images by resource kind and event (UpdateFound, UpdateApplied, UpdateHeld)',
    labelNames: ['kind', 'event'] as const,
    registers: [registry],
  });
  const checks = new Counter({
    name: 'packsmith_update_checks_total',
    help: 'Update checks of followed images (one HEAD per image) by resource kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const checkFailures = new Counter({
    name: 'packsmith_update_check_failures_total',
    help: 'Failed update checks by resource kind and error kind (class)',
    labelNames: ['kind', 'class'] as const,
    registers: [registry],
  });
  totalCounter(registry, 'packsmith_registry_requests_total', 'Registry HTTP requests', () => options.transfers?.().requests);
  totalCounter(registry, 'packsmith_registry_bytes_sent_total', 'Registry request body bytes sent', () => options.transfers?.().bytesSent);
  totalCounter(registry, 'packsmith_registry_bytes_received_total', 'Registry blob bytes received', () => options.transfers?.().bytesReceived);
  return {
    reconciled(kind, outcome, seconds) {
      reconciles.inc({ kind, outcome });
      durations.observe({ kind }, seconds);
    },
    failed(kind, failure) {
      errors.inc({ kind, class: failure });
    },
    throttled(host) {
      throttles.inc({ registry: host });
    },
    updated(kind, reason) {
      updates.inc({ kind, event: reason });
    },
    checked(kind, failure) {
      checks.inc({ kind });
      if (failure !== undefined) checkFailures.inc({ kind, class: failure });
    },
    async render() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
