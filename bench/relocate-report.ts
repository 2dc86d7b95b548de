/**
 * Report of the relocation benchmark (bench/relocate.ts): medians over rounds of each scenario's
 * wall time, CPU, peak RSS, the CLI's registry requests (access log, user agent `packsmith-cli`)
 * and the bytes that crossed the counting relay, printed as one table.
 */
import type { LogSummary, WireTotals } from './builder-meter.ts';

export const scenarios = ['registry-mount', 'registry-present', 'cnb-present', 'cnb-new'] as const;
export type Scenario = (typeof scenarios)[number];

export const scenarioText: Record<Scenario, string> = {
  'registry-mount': '(1) store A: 20 registry images, new to the default repository (mounts expected)',
  'registry-present': '(2) store B: the same 20 images again (already in the default repository)',
  'cnb-present': '(3) store C: 20 local .cnb files whose blobs are already there',
  'cnb-new': '(4) store D: 20 new local .cnb files (every blob uploaded)',
};

/** One measured CLI run. */
export interface Measurement {
  scenario: Scenario;
  round: number;
  ok: boolean;
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  wire: WireTotals;
  log: LogSummary;
  /** The CLI's requests by method and target (manifest, blob, upload, ping). */
  requestKinds: Record<string, number>;
  /** Lines the CLI printed containing "Uploading" (one per relocated image). */
  uploadingLines: number;
  output?: string;
}

/** One row of the table: medians over the rounds of one scenario. */
export interface Row {
  scenario: Scenario;
  rounds: number;
  ok: boolean;
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  payloadMiBPerSecond: number;
  upMiB: number;
  downMiB: number;
  requests: number;
  byMethod: Record<string, number>;
  mounted: number;
  mountRefused: number;
  blobUploads: number;
  manifestPuts: number;
  blobHeads: number;
  manifestHeads: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const MiB = 1048576;

function methodMedians(runs: readonly Measurement[]): Record<string, number> {
  const methods = new Set(runs.flatMap((m) => Object.keys(m.log.byMethod)));
  return Object.fromEntries([...methods].sort().map((method) => [method, median(runs.map((m) => m.log.byMethod[method] ?? 0))]));
}

function rowOf(scenario: Scenario, runs: readonly Measurement[], payloadBytes: number): Row {
  const med = (pick: (m: Measurement) => number): number => median(runs.map(pick));
  const seconds = med((m) => m.seconds);
  return {
    scenario,
    rounds: runs.length,
    ok: runs.every((m) => m.ok),
    seconds,
    cpuSeconds: med((m) => m.cpuSeconds),
    maxRssMiB: med((m) => m.maxRssMiB),
    payloadMiBPerSecond: payloadBytes / MiB / seconds,
    upMiB: med((m) => m.wire.up) / MiB,
    downMiB: med((m) => m.wire.down) / MiB,
    requests: med((m) => m.log.requests),
    byMethod: methodMedians(runs),
    mounted: med((m) => m.log.mounted),
    mountRefused: med((m) => m.log.mountRefused),
    blobUploads: med((m) => m.log.blobUploads),
    manifestPuts: med((m) => m.log.manifestPuts),
    blobHeads: med((m) => m.log.blobHeads),
    manifestHeads: med((m) => m.log.manifestHeads),
  };
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
}

/** Prints the table (medians per scenario) and returns the rows. */
export function printReport(measurements: readonly Measurement[], payloadBytes: number, write: (text: string) => void): Row[] {
  const rows = scenarios
    .map((s) =>
      rowOf(
        s,
        measurements.filter((m) => m.scenario === s),
        payloadBytes,
      ),
    )
    .filter((r) => r.rounds > 0);
  const header = ['scenario', 'ok', 'wall s', 'cpu s', 'MiB/s', 'RSS MiB', 'up MiB', 'down MiB', 'requests', 'mounted', 'blob PUT', 'manif PUT', 'by method'];
  const lines = rows.map((r) => [
    r.scenario,
    r.ok ? 'yes' : 'NO',
    r.seconds.toFixed(2),
    r.cpuSeconds.toFixed(2),
    r.payloadMiBPerSecond.toFixed(1),
    r.maxRssMiB.toFixed(0),
    r.upMiB.toFixed(2),
    r.downMiB.toFixed(2),
    String(r.requests),
    `${r.mounted}${r.mountRefused > 0 ? ` (+${r.mountRefused} refused)` : ''}`,
    String(r.blobUploads),
    String(r.manifestPuts),
    Object.entries(r.byMethod)
      .map(([method, count]) => `${method} ${count}`)
      .join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  write(`\n${pad(header, widths)}\n${lines.map((l) => pad(l, widths)).join('\n')}\n\n`);
  for (const r of rows) write(`  ${r.scenario.padEnd(17)} ${scenarioText[r.scenario]}\n`);
  write(
    `  MiB/s = the ${(payloadBytes / MiB).toFixed(0)} MiB of buildpackage payload ÷ wall time; requests = the CLI's (user agent packsmith-cli); up/down = bytes through the relay\n`,
  );
  return rows;
}
