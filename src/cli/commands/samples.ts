/**
 * `packsmith samples DIR`: writes the quickstart's inputs (sample buildpackages, stack and
 * lifecycle as local OCI layouts, the kpack YAML naming them, a README and tiny apps) into DIR.
 * Refuses a non-empty DIR unless `--force`, which replaces only the entries samples writes.
 */
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { sampleEntries, writeSamples, type LifecycleBinary, type SamplesReport } from '../../app/index.ts';
import { createLocalEnvironment, locateLifecycleBinary } from '../../compose.ts';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { formatTable } from '../output.ts';

const example = `
Examples (the whole quickstart, with no registry and no cluster):
  packsmith samples ./samples
  packsmith build -f ./samples
  packsmith inspect builder oci:./samples/out/builder:builder-samples-web

The lifecycle image carries the real lifecycle binary when one is found (PACKSMITH_LIFECYCLE, then
\${XDG_CACHE_HOME:-$HOME/.cache}/packsmith/bin/lifecycle, then PATH); otherwise it is a placeholder
that is fine for building and inspecting builders but cannot run builds.`;

/** Checks that DIR is a new or empty directory, or that `force` allows writing into it. */
async function checkDirectory(dir: string, force: boolean): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) throw new CliError(`${dir} exists and is not a directory`);
  const entries = info ? await readdir(dir) : [];
  if (entries.length > 0 && !force) {
    throw new CliError(`${dir} is not empty; give an empty or new directory, or --force to replace the samples in it (${sampleEntries.join(', ')})`);
  }
}

/** Removes what an earlier run wrote (so a rewrite leaves no stale blobs) and creates DIR. */
async function clearDirectory(dir: string): Promise<void> {
  for (const entry of sampleEntries) await rm(join(dir, entry), { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}

async function writeText(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

async function findLifecycle(io: CliIo): Promise<LifecycleBinary | undefined> {
  const search = await locateLifecycleBinary(io.env);
  for (const reason of search.skipped) io.stderr(`note: not using ${reason}\n`);
  if (!search.binary) {
    io.stderr(
      'notice: no lifecycle binary found (PACKSMITH_LIFECYCLE is unset; none in the packsmith tools cache or on PATH).\n' +
        '  images/lifecycle:placeholder is a PLACEHOLDER: its layer holds only a README (cnb/lifecycle/README) and the\n' +
        '  labels of lifecycle 0.21.x. Builders made from it can be built and inspected but cannot run builds.\n' +
        '  For the real one, set PACKSMITH_LIFECYCLE to a lifecycle binary (scripts/provision.sh builds one) and run samples again.\n',
    );
  }
  return search.binary;
}

function render(report: SamplesReport, shownDir: string): string {
  const short = (digest: string): string => digest.slice(0, 'sha256:'.length + 12);
  const images = formatTable([['  IMAGE', 'DIGEST', 'CONTENT'], ...report.images.map((i) => [`  ${i.path}`, short(i.digest), i.about])]);
  const lifecycle = report.lifecycle.placeholder
    ? `Lifecycle: PLACEHOLDER (labels of ${report.lifecycle.version}; no binary, builds cannot run)`
    : `Lifecycle: ${report.lifecycle.version}, binary from ${report.lifecycle.binaryPath ?? '?'}, ` +
      (report.lifecycle.launcherPath ? `launcher from ${report.lifecycle.launcherPath}` : 'no launcher (app images cannot be exported)');
  const builders = report.builders.map((b) => `  ${b.kind} ${b.name} -> ${b.reference}`);
  const lines = [
    `Wrote packsmith samples to ${shownDir} (sample content, not for production):`,
    images.trimEnd(),
    `  ${report.files.join(', ')}`,
    lifecycle,
    'resources.yaml defines (image paths relative to it):',
    ...builders,
    '',
    'Next:',
    `  packsmith build -f ${shownDir}`,
    `  packsmith inspect builder oci:${join(shownDir, report.builders[0]?.reference.slice('oci:'.length) ?? '')}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `packsmith samples`. */
export function registerSamplesCommand(program: Command, io: CliIo): void {
  program
    .command('samples')
    .description('write sample buildpackages, a sample stack and lifecycle (local OCI layouts) and matching kpack YAML into DIR')
    .argument('<dir>', 'directory to write the samples into (created when missing)')
    .option('--force', `write into a non-empty DIR, replacing what samples writes (${sampleEntries.join(', ')}); anything else is left alone`)
    .addHelpText('after', example)
    .action(async (dir, options) => {
      const target = resolve(dir);
      await checkDirectory(target, options.force === true);
      const lifecycle = await findLifecycle(io);
      await clearDirectory(target);
      const environment = createLocalEnvironment({ env: io.env });
      try {
        const report = await writeSamples({ dir: target, lifecycle }, { images: environment.images, writeFile: writeText });
        io.stdout(render(report, dir));
      } finally {
        await environment.close();
      }
    });
}
