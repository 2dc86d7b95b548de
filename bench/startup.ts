/**
 * Start-up benchmark: the fixed cost of a packsmith CLI process. Runs `bin/packsmith.js` (as a user
 * would) under GNU time for `version`, `--help`, `install --print` and `build -f` on the samples
 * with nothing changed (the samples are written and built once first, not measured), N runs each,
 * interleaved, and reports the median wall time, CPU time (user + system) and peak RSS.
 *
 * Usage: npx node bench/startup.ts [--runs N] [--label TEXT] [--cli PATH]...   (default 9 runs)
 * Each --cli names a launcher to measure (default this checkout's bin/packsmith.js); with several,
 * e.g. another checkout's, their runs are interleaved too, so the rows compare under the same load.
 * Writes bench/out/startup-<date>.json. Needs /usr/bin/time; no registry, no cluster, no network.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runTimed, type ProcessCost } from './builder-meter.ts';
import { removeDir, runCommand, scratchDir } from '../test/harness/index.ts';

const root = new URL('..', import.meta.url).pathname;

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
  cli: string;
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

async function runOnce(cli: string, args: readonly string[], scratch: string): Promise<ProcessCost> {
  const cost = await runTimed(process.execPath, [cli, ...args], { env: process.env, cwd: scratch, timeFile: join(scratch, 'time.txt'), timeoutMs: 120_000 });
  if (cost.code !== 0) throw new Error(`packsmith ${args.join(' ')} exited ${cost.code}:\n${cost.output}`);
  return cost;
}

function table(rows: readonly Row[]): string {
  const lines = ['| launcher | command | runs | wall ms | CPU ms | peak RSS MiB |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const r of rows)
    lines.push(`| ${r.cli} | \`packsmith ${r.scenario}\` | ${r.runs} | ${r.wallMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.peakRssMiB.toFixed(0)} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '9' }, label: { type: 'string', default: '' }, cli: { type: 'string', multiple: true } },
  });
  const clis = values.cli ?? [join(root, 'bin/packsmith.js')];
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  if (!existsSync('/usr/bin/time')) throw new Error('GNU time (/usr/bin/time) is needed for CPU and RSS figures');
  const scratch = await scratchDir('packsmith-startup-bench');
  try {
    const samples = join(scratch, 'samples');
    // Setup, not measured: the samples and their first build, so that every measured build has nothing to do.
    await runCommand(process.execPath, [clis[0]!, 'samples', samples]);
    for (const cli of clis) await runCommand(process.execPath, [cli, 'build', '-f', samples]);
    const pairs = clis.flatMap((cli) => scenarios.map((scenario) => ({ cli, scenario })));
    const costs = new Map<(typeof pairs)[number], ProcessCost[]>(pairs.map((p) => [p, []]));
    // Interleaved, so that a burst of load on the machine touches every scenario alike.
    for (let round = 0; round < runs; round++) {
      for (const pair of pairs) costs.get(pair)!.push(await runOnce(pair.cli, pair.scenario.args(samples), scratch));
    }
    const rows: Row[] = pairs.map((pair) => {
      const list = costs.get(pair)!;
      return {
        cli: pair.cli,
        scenario: pair.scenario.name,
        runs,
        wallMs: median(list.map((c) => c.seconds * 1000)),
        cpuMs: median(list.map((c) => c.cpuSeconds * 1000)),
        peakRssMiB: median(list.map((c) => c.maxRssMiB)),
      };
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
