import { afterEach, describe, expect, it } from 'vitest';
import { startEndpoints, type EndpointServer } from './http.ts';
import { createControllerMetrics } from './metrics.ts';

let server: EndpointServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('controller endpoints', () => {
  it('answers /readyz 503 until ready, /healthz always, and /metrics in the Prometheus format', async () => {
    let ready = false;
    const metrics = createControllerMetrics({ queueDepth: () => 3, transfers: () => ({ requests: 7, bytesSent: 100, bytesReceived: 50 }) });
    metrics.reconciled('Builder', 'done', 0.2);
    metrics.failed('ClusterStore', 'permanent');
    server = await startEndpoints({ host: '127.0.0.1', port: 0, routes: ['health', 'metrics'], state: { ready: () => ready, metrics } });
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const body = await (await fetch(`${base}/metrics`)).text();
    expect(body).toContain('packsmith_reconciles_total{kind="Builder",outcome="done"} 1');
    expect(body).toContain('packsmith_reconcile_errors_total{kind="ClusterStore",class="permanent"} 1');
    expect(body).toContain('packsmith_workqueue_depth 3');
    expect(body).toContain('packsmith_registry_requests_total 7');
    expect(body).toContain('packsmith_registry_bytes_sent_total 100');
    expect(body).toMatch(/packsmith_reconcile_duration_seconds_bucket\{le="0.25",kind="Builder"\} 1/);
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });

  it('serves only its routes: a metrics-only server has no /healthz', async () => {
    server = await startEndpoints({ host: '127.0.0.1', port: 0, routes: ['metrics'], state: { ready: () => true, metrics: createControllerMetrics() } });
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(200);
  });
});
