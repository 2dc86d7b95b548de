/**
 * Large inputs to `build -f`: a file of many small documents (ConfigMaps next to a few kpack
 * resources, as a repository of mixed manifests has) of about `--mib` MiB, read by
 * `bin/packsmith.js build -f` under GNU time. Reports wall time, peak RSS and RSS ÷ file size, the
 * figure the issue asks to keep a small multiple. The kpack resources name a missing layout, so
 * the run fails fast after reading; what is measured is the reading.
 *
 * Usage: npx node bench/large-yaml.ts [--mib N]   (default 40). No registry, cluster or network.
 */
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runTimed } from './builder-meter.ts';
import { removeDir, scratchDir } from '../test/harness/index.ts';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { mib: { type: 'string', default: '40' } } });
const wantedBytes = Number(values.mib) * 1024 * 1024;

function configMap(i: number): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${i}\ndata:\n  value: "${'x'.repeat(300)}"\n`;
}

const store = `apiVersion: kpack.io/v1alpha2\nkind: ClusterStore\nmetadata:\n  name: default\nspec:\n  sources:\n  - image: oci:./missing-layout\n`;

const work = await scratchDir('large-yaml');
try {
  const file = join(work, 'manifests.yaml');
  const documents = [store];
  let size = store.length;
  for (let i = 0; size < wantedBytes; i++) {
    const doc = configMap(i);
    documents.push(doc);
    size += doc.length + 4;
  }
  await writeFile(file, documents.join('---\n'));
  const bytes = (await stat(file)).size;
  const cost = await runTimed(join(root, 'bin', 'packsmith.js'), ['build', '-f', file, '-q'], {
    env: process.env,
    cwd: work,
    timeFile: join(work, 'time.txt'),
    timeoutMs: 600_000,
  });
  const mib = bytes / 1024 / 1024;
  console.log(`| documents | file MiB | wall s | CPU s | peak RSS MiB | RSS ÷ file |`);
  console.log(`| ---: | ---: | ---: | ---: | ---: | ---: |`);
  console.log(
    `| ${documents.length} | ${mib.toFixed(1)} | ${cost.seconds.toFixed(2)} | ${cost.cpuSeconds.toFixed(2)} | ${cost.maxRssMiB.toFixed(0)} | ${(cost.maxRssMiB / mib).toFixed(1)} |`,
  );
  if (!cost.output.includes('ClusterStore default')) console.log(`unexpected output (exit ${cost.code}):\n${cost.output.slice(0, 2000)}`);
} finally {
  await removeDir(work);
}
