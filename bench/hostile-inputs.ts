/**
 * How long the parsers take to refuse (or read) hostile inputs: the cases the fuzz and unit tests check for their
 * outcome (src/oci/reference.test.ts, src/oci/manifest.test.ts, test/fuzz/image-labels.test.ts,
 * test/fuzz/resource-documents.test.ts), timed here instead, since tests assert behaviour and not speed.
 * A time far above the others, or growing much faster than the input, points at backtracking or quadratic work.
 * No registry, cluster or network. Run: `npx node bench/hostile-inputs.ts [--runs N]` (default 5; medians).
 */
import { parseResourceDocuments, validateResource } from '../src/api/index.ts';
import { labelKeys, maxLabelBytes, readBuildpackRecords } from '../src/cnb/index.ts';
import { localReferenceChecks } from '../src/compose.ts';
import {
  appendLayers,
  createTarLayer,
  emptyImage,
  mediaTypes,
  parseAnyManifest,
  parseManifest,
  parseReference,
  sha256Digest,
  withLabels,
} from '../src/oci/index.ts';

type Case = { name: string; run: () => unknown };

/** Runs `run` and swallows its error: for these inputs refusing is the expected outcome. */
function attempt(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return error;
  }
}

async function cases(): Promise<Case[]> {
  const list: Case[] = [];
  for (const [name, junk] of [
    ['1 MiB repository name', 'a'.repeat(1 << 20)],
    ['1 MiB of "a-" then "!"', `${'a-'.repeat(1 << 19)}!`],
    ['1 MiB of "a." registry', `${'a.'.repeat(1 << 19)}/x`],
    ['1 MiB tag', `x:${'a'.repeat(1 << 20)}`],
  ] as const) {
    list.push({ name: `parseReference: ${name}`, run: () => attempt(() => parseReference(junk)) });
  }

  const depth = 500_000;
  const nestedArray = Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);
  const nestedObject = Buffer.from(`{"schemaVersion":2,"x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)},"layers":[]}`);
  list.push({ name: `parseAnyManifest: arrays nested ${depth} deep`, run: () => attempt(() => parseAnyManifest(nestedArray)) });
  list.push({ name: `parseAnyManifest: objects nested ${depth} deep`, run: () => attempt(() => parseAnyManifest(nestedObject)) });
  const digest = (i: number): string => `sha256:${i.toString(16).padStart(64, '0')}`;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: mediaTypes.ociConfig, digest: digest(1), size: 123 },
      layers: Array.from({ length: 1000 }, (_, i) => ({ mediaType: mediaTypes.ociLayerGzip, digest: digest(10 + i), size: 1000 + i })),
    }),
  );
  list.push({ name: 'parseManifest: 1000 layers, digest verified', run: () => parseManifest(manifest, { expectedDigest: sha256Digest(manifest) }) });

  const layer = createTarLayer([{ path: 'x', type: 'file', mode: 0o644, content: 'x' }]);
  const diffId = await layer.diffId();
  const base = appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [layer]);
  const huge = JSON.stringify({ 'org.x': { '1.0.0': { api: '0.10', layerDiffID: diffId, homepage: 'x'.repeat(maxLabelBytes) } } });
  const labelled = withLabels(base, { [labelKeys.buildpackLayers]: huge });
  list.push({ name: 'readBuildpackRecords: label over 1 MiB', run: () => readBuildpackRecords(labelled, 's').catch((e: unknown) => e) });

  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => (i === 1 ? '*a' : `*l${i - 1}`)).join(',')}]`);
  const yamlCases: Array<[string, string]> = [
    ['alias bomb (10^9 nodes)', `apiVersion: kpack.io/v1alpha2\nkind: Builder\n${levels.join('\n')}\n`],
    ['flow sequences nested 20,000 deep', `spec: ${'['.repeat(20_000)}${']'.repeat(20_000)}`],
    ['block mappings nested 2,000 deep', `spec:\n${Array.from({ length: 2000 }, (_v, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} x`],
    ['20,000 empty documents', '---\n'.repeat(20_000)],
    [
      'Builder with 1 MiB name and tag',
      `apiVersion: kpack.io/v1alpha2\nkind: Builder\nmetadata: {name: ${'n'.repeat(1 << 20)}}\nspec: {tag: ${'t'.repeat(1 << 20)}}`,
    ],
    [
      'List of 5,000 ClusterStores',
      `kind: List\nitems:\n${'- {apiVersion: kpack.io/v1alpha2, kind: ClusterStore, metadata: {name: s}, spec: {sources: [{image: x}]}}\n'.repeat(5000)}`,
    ],
  ];
  for (const [name, text] of yamlCases) {
    list.push({
      name: `parseResourceDocuments + validateResource: ${name}`,
      run: () => {
        const { resources } = parseResourceDocuments(text, 'bench.yaml');
        for (const { resource } of resources) validateResource(resource, localReferenceChecks);
      },
    });
  }
  return list;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--runs');
  const runs = at === -1 ? 5 : Number(process.argv[at + 1]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
  console.log(`node ${process.version}; ${runs} runs per case (after one warm-up run), median and max`);
  console.log('| case | median ms | max ms |\n| --- | ---: | ---: |');
  for (const { name, run } of await cases()) {
    await run();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    console.log(`| ${name} | ${median(times).toFixed(1)} | ${Math.max(...times).toFixed(1)} |`);
  }
}

await main();
