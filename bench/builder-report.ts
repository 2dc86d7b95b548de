/**
 * The builder benchmark's report: the measurements of the three tools side by side per scenario
 * (the median over rounds), with the ratios packsmith ÷ kpack and packsmith ÷ pack (below 1:
 * packsmith needs less), printed as a Markdown table, and the same figures as a plain object for
 * the JSON file. A tool that did not run (kpack when bench/kpack could not be built) shows "skipped".
 */
import type { LogSummary, WireTotals } from './builder-meter.ts';

/** The builders compared: packsmith, kpack's own Go code (bench/kpack), pack. */
export type Tool = 'packsmith' | 'kpack' | 'pack';
const tools: readonly Tool[] = ['packsmith', 'kpack', 'pack'];
/** First build into an empty repository; the same inputs again; one buildpackage changed. */
export type Scenario = 'first' | 'unchanged' | 'one-changed';

/** One run of one tool. */
export interface Measurement {
  tool: Tool;
  scenario: Scenario;
  ok: boolean;
  /** Wall time of the process (seconds), its user+system CPU and its peak RSS. */
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  wire: WireTotals;
  log: LogSummary;
  /** The tail of the output when the run failed. */
  output?: string;
}

/** What `printReport` needs. */
export interface ReportInput {
  measurements: readonly Measurement[];
  notes: readonly string[];
  /** Start-up time of each CLI doing nothing (`--version`), seconds; absent for a tool that did not run. */
  startup: Partial<Record<Tool, number>>;
  rounds: number;
  totalPayloadBytes: number;
}

interface Metric {
  label: string;
  value: (m: Measurement) => number;
  digits: number;
}

const MiB = 1048576;
const metrics: readonly Metric[] = [
  { label: 'wall time (s)', value: (m) => m.seconds, digits: 2 },
  { label: 'CPU user+sys (s)', value: (m) => m.cpuSeconds, digits: 2 },
  { label: 'peak RSS (MiB)', value: (m) => m.maxRssMiB, digits: 0 },
  { label: 'requests', value: (m) => m.log.requests, digits: 0 },
  { label: 'bytes up (MiB, wire)', value: (m) => m.wire.up / MiB, digits: 2 },
  { label: 'bytes down (MiB, wire)', value: (m) => m.wire.down / MiB, digits: 2 },
  { label: 'blob GETs', value: (m) => m.log.blobGets, digits: 0 },
  { label: 'blob bytes served (MiB, log)', value: (m) => m.log.blobBytesServed / MiB, digits: 2 },
  { label: 'blob uploads', value: (m) => m.log.blobUploads, digits: 0 },
  { label: 'blobs mounted', value: (m) => m.log.mounted, digits: 0 },
  { label: 'HEAD requests', value: (m) => m.log.byMethod.HEAD ?? 0, digits: 0 },
  { label: 'manifest PUTs', value: (m) => m.log.manifestPuts, digits: 0 },
  { label: 'TCP connections', value: (m) => m.wire.connections, digits: 0 },
];

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** packsmith ÷ other, or why there is none. */
function ratio(packsmith: number | undefined, other: number | undefined): string {
  if (packsmith === undefined || other === undefined) return 'n/a';
  if (other === 0) return packsmith === 0 ? '=' : `∞ (${packsmith} vs 0)`;
  return (packsmith / other).toFixed(2);
}

const scenarioNames: Record<Scenario, string> = {
  first: 'first build',
  unchanged: 'rebuild, nothing changed',
  'one-changed': 'rebuild, one buildpack changed',
};

/** Medians of every metric per tool and scenario (only successful runs). */
function summarize(measurements: readonly Measurement[]): Record<string, Record<string, number | undefined>> {
  const out: Record<string, Record<string, number | undefined>> = {};
  for (const scenario of Object.keys(scenarioNames) as Scenario[]) {
    for (const tool of tools) {
      const runs = measurements.filter((m) => m.tool === tool && m.scenario === scenario && m.ok);
      out[`${tool}/${scenario}`] = Object.fromEntries(metrics.map((metric) => [metric.label, runs.length === 0 ? undefined : median(runs.map(metric.value))]));
    }
  }
  return out;
}

/** Prints the side-by-side table, the notes and the failures; returns the figures for the JSON file. */
export function printReport(input: ReportInput): Record<string, unknown> {
  const medians = summarize(input.measurements);
  const ran = new Set(input.measurements.map((m) => m.tool));
  const lines = [
    '',
    `## packsmith vs kpack (readers + CreateBuilder, one Go process) vs pack builder create --publish (${input.rounds === 1 ? 'one round' : `median of ${input.rounds} rounds`})`,
    '',
    '| scenario | metric | packsmith | kpack | pack | packsmith ÷ kpack | packsmith ÷ pack |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const headline: Record<string, Record<string, { overKpack: string; overPack: string }>> = {};
  for (const scenario of Object.keys(scenarioNames) as Scenario[]) {
    headline[scenario] = {};
    metrics.forEach((metric, i) => {
      const value = (tool: Tool): number | undefined => medians[`${tool}/${scenario}`]![metric.label];
      const shown = (tool: Tool): string => {
        const v = value(tool);
        return v !== undefined ? v.toFixed(metric.digits) : ran.has(tool) ? 'failed' : 'skipped';
      };
      const row = { overKpack: ratio(value('packsmith'), value('kpack')), overPack: ratio(value('packsmith'), value('pack')) };
      headline[scenario]![metric.label] = row;
      lines.push(
        `| ${i === 0 ? scenarioNames[scenario] : ''} | ${metric.label} | ${shown('packsmith')} | ${shown('kpack')} | ${shown('pack')} | ${row.overKpack} | ${row.overPack} |`,
      );
    });
  }
  const startup = tools.flatMap((tool) => {
    const seconds = input.startup[tool];
    return seconds === undefined ? [] : [`${tool} ${seconds.toFixed(2)} s`];
  });
  lines.push('', `start-up alone (packsmith and pack --version, bench/kpack its usage line): ${startup.join(', ')}`);
  lines.push(`buildpack payloads: ${(input.totalPayloadBytes / MiB).toFixed(0)} MiB in total`);
  for (const note of input.notes) lines.push(`note: ${note}`);
  for (const failed of input.measurements.filter((m) => !m.ok)) lines.push(`FAILED: ${failed.tool} ${failed.scenario}:\n${failed.output ?? ''}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return {
    rounds: input.rounds,
    startupSeconds: input.startup,
    totalPayloadBytes: input.totalPayloadBytes,
    medians,
    ratiosPacksmithOver: headline,
    notes: input.notes,
    measurements: input.measurements,
  };
}
