/**
 * Start-up benchmark: the fixed cost of a packsmith CLI process. Runs `bin/packsmith.js` (as a user
 * would) under GNU time for `version`, `--help`, `install --print` and `build -f` on the samples
 * with nothing changed (the samples are written and built once first, not measured), N runs each,
 * interleaved, and reports the median wall time, CPU time (user + system) and peak RSS.
 *
 * Usage: npx node bench/startup.ts [--runs N] [--label TEXT]   (default 9 runs)
 * Writes bench/out/startup-<date>.json. Needs /usr/bin/time; no registry, no cluster, no network.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runTimed, type ProcessCost } from './builder-meter.ts';
import { removeDir, runCommand, scratchDir } from '../test/harness/index.ts';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'bin/packsmith.js');

interface Scenario {
  name: string;
  args: (samples: string) => string[];
}

const scenarios: readonly Scenario[] = [
  { name: 'version', args: () => ['version'] },
  { name: '--help', args: () => ['--help'] },
  { name: 'install --print', args: () => ['install', '--print'] },
  { name: 'build -f (nothing changed)', args: (samples) => ['build', '-f', samples] },
];

interface Row {
  scenario: string;
  runs: number;
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function runOnce(args: readonly string[], scratch: string): Promise<ProcessCost> {
  const cost = await runTimed(process.execPath, [cli, ...args], { env: process.env, cwd: scratch, timeFile: join(scratch, 'time.txt'), timeoutMs: 120_000 });
  if (cost.code !== 0) throw new Error(`packsmith ${args.join(' ')} exited ${cost.code}:\n${cost.output}`);
  return cost;
}

function table(rows: readonly Row[]): string {
  const lines = ['| command | runs | wall ms | CPU ms | peak RSS MiB |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| \`packsmith ${r.scenario}\` | ${r.runs} | ${r.wallMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.peakRssMiB.toFixed(0)} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' }, label: { type: 'string', default: '' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  if (!existsSync('/usr/bin/time')) throw new Error('GNU time (/usr/bin/time) is needed for CPU and RSS figures');
  const scratch = await scratchDir('packsmith-startup-bench');
  try {
    const samples = join(scratch, 'samples');
    // Setup, not measured: the samples and their first build, so that every measured build has nothing to do.
    await runCommand(process.execPath, [cli, 'samples', samples]);
    await runCommand(process.execPath, [cli, 'build', '-f', samples]);
    const costs = new Map<string, ProcessCost[]>(scenarios.map((s) => [s.name, []]));
    // Interleaved, so that a burst of load on the machine touches every scenario alike.
    for (let round = 0; round < runs; round++) {
      for (const scenario of scenarios) costs.get(scenario.name)!.push(await runOnce(scenario.args(samples), scratch));
    }
    const rows: Row[] = scenarios.map((s) => {
      const list = costs.get(s.name)!;
      return { scenario: s.name, runs, wallMs: median(list.map((c) => c.seconds * 1000)), cpuMs: median(list.map((c) => c.cpuSeconds * 1000)), peakRssMiB: median(list.map((c) => c.maxRssMiB)) };
    });
    console.log(`packsmith start-up, ${process.version}, median of ${runs} runs${values.label ? ` (${values.label})` : ''}\n`);
    console.log(table(rows));
    const out = join(root, 'bench/out');
    await mkdir(out, { recursive: true });
    const file = join(out, `startup-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(file, `${JSON.stringify({ label: values.label, node: process.version, runs, rows }, null, 2)}\n`);
    console.log(`\nwritten to ${file}`);
  } finally {
    await removeDir(scratch);
  }
}

await main();
