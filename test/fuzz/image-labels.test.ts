// Hostile CNB labels on whole images: the readers behind store, stack and lifecycle resources
// (readBuildpackRecords, readStackRecord, readLifecycleRecord) get images whose labels and env are
// near-valid documents with one field replaced by arbitrary JSON, random text, huge values and
// prototype keys. Each reader must return a result or throw a typed AppError, quickly, and must not
// pollute Object.prototype.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelKeys, maxLabelBytes, readBuildpackRecords, readLifecycleRecord, readStackRecord } from '../../src/cnb/index.ts';
import { appendLayers, createTarLayer, emptyImage, withEnv, withLabels, type Image } from '../../src/oci/index.ts';
import { isAppError } from '../../src/shared/index.ts';
import { hostileValue, mutatedDocument, replaceAt } from './mutate-json.ts';

// One real layer, so that near-valid labels can name its diffID and parse all the way through.
const layer = createTarLayer([{ path: 'cnb/buildpacks/x', type: 'file', mode: 0o644, content: 'x' }]);
const diff = await layer.diffId();
const base = appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [layer]);

const validLayers = {
  'org.meta': { '1.0.0': { api: '0.10', layerDiffID: diff, order: [{ group: [{ id: 'org.child', version: '1.0.0', optional: true }] }] } },
  'org.child': { '1.0.0': { api: '0.10', layerDiffID: diff, stacks: [{ id: 'io.stack', mixins: ['m'] }], targets: [{ os: 'linux', arch: 'amd64' }] } },
};
const validLifecycleMetadata = { lifecycle: { version: '0.21.0', api: { buildpack: '0.2', platform: '0.3' } }, api: { buildpack: '0.2', platform: '0.3' } };
const validApis = { buildpack: { deprecated: [], supported: ['0.7', '0.10'] }, platform: { deprecated: ['0.3'], supported: ['0.7'] } };

const pathStep = fc.oneof(
  fc.constantFrom(
    'org.meta',
    'org.child',
    '1.0.0',
    'api',
    'layerDiffID',
    'order',
    'group',
    'stacks',
    'targets',
    'mixins',
    'lifecycle',
    'version',
    'buildpack',
    'platform',
    'supported',
    'deprecated',
    'id',
    '__proto__',
    'constructor',
    0,
    1,
  ),
  fc.string({ maxLength: 6 }),
);

/** Label text: a valid document mutated at a random path or one field deep, or raw text. */
function labelText(valid: unknown): fc.Arbitrary<string> {
  const shallow = mutatedDocument(valid).map((doc) => JSON.stringify(doc));
  return fc.oneof(
    { weight: 3, arbitrary: shallow },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.array(pathStep, { minLength: 1, maxLength: 5 }), hostileValue)
        .map(([path, value]) => JSON.stringify(replaceAt(valid, path, value))),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
  );
}

/** Outcomes seen, so a property that only ever fails (or only passes) is noticed. */
const outcomes = { ok: 0, typed: 0 };

async function onlyTypedErrors(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
    outcomes.ok++;
  } catch (error) {
    outcomes.typed++;
    expect(isAppError(error), String(error)).toBe(true);
    expect((error as Error).message.length).toBeGreaterThan(0);
  }
}

function expectPrototypeClean(): void {
  const probe: Record<string, unknown> = {};
  for (const key of ['api', 'layerDiffID', 'polluted', 'version', 'id']) expect(probe[key]).toBeUndefined();
}

describe('hostile labels on buildpackage images', () => {
  it('readBuildpackRecords gives records or a typed error', async () => {
    const input = fc.record({ layers: labelText(validLayers), meta: fc.option(labelText({ id: 'org.meta', version: '1.0.0' }), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(input, async ({ layers, meta }) => {
        const labels: Record<string, string> = { [labelKeys.buildpackLayers]: layers };
        if (meta !== undefined) labels[labelKeys.buildpackageMetadata] = meta;
        await onlyTypedErrors(() => readBuildpackRecords(withLabels(base, labels), 'registry.test/store:1'));
      }),
      { numRuns: 600, interruptAfterTimeLimit: 20_000 },
    );
    expectPrototypeClean();
    // Near-valid documents must sometimes still parse, or the mutations never reach the deeper checks.
    console.log(`[fuzz] readBuildpackRecords: ${outcomes.ok} parsed, ${outcomes.typed} typed errors`);
    expect(outcomes.ok).toBeGreaterThan(10);
    expect(outcomes.typed).toBeGreaterThan(10);
  }, 30_000);
});

describe('hostile labels and env on stack images', () => {
  it('readStackRecord gives a record or a typed error', async () => {
    const side = fc.record({
      id: fc.oneof(fc.constant('io.stack'), fc.string({ maxLength: 20 })),
      mixins: fc.option(labelText(['m', 'build:x']), { nil: undefined }),
      user: fc.oneof(fc.constant('1000'), fc.string({ maxLength: 12 }), fc.constantFrom('-1', '1e9', '0x10', '99999999999999999999', '')),
    });
    const stackImage = (s: { id: string; mixins: string | undefined; user: string }): Image => {
      const labels: Record<string, string> = { [labelKeys.stackId]: s.id };
      if (s.mixins !== undefined) labels[labelKeys.stackMixins] = s.mixins;
      return withEnv(withLabels(base, labels), { CNB_USER_ID: s.user, CNB_GROUP_ID: s.user });
    };
    await fc.assert(
      fc.asyncProperty(side, side, async (build, run) => {
        await onlyTypedErrors(() =>
          readStackRecord({ id: 'io.stack', buildImage: stackImage(build), runImage: stackImage(run), buildRef: 'r/b@x', runRef: 'r/r@x' }),
        );
      }),
      { numRuns: 400, interruptAfterTimeLimit: 20_000 },
    );
    expectPrototypeClean();
  }, 30_000);
});

describe('hostile labels on lifecycle images', () => {
  it('readLifecycleRecord gives a record or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(labelText(validLifecycleMetadata), labelText(validApis), async (metadata, apis) => {
        const image = withLabels(base, { [labelKeys.builderMetadata]: metadata, [labelKeys.lifecycleApis]: apis });
        await onlyTypedErrors(() => readLifecycleRecord(image, { image: 'l', latestImage: 'l@x' }));
      }),
      { numRuns: 600, interruptAfterTimeLimit: 20_000 },
    );
    expectPrototypeClean();
  }, 30_000);
});

describe('label size limit on whole images', () => {
  // How fast the refusal comes is measured in bench/hostile-inputs.ts.
  it('refuses a label over 1 MiB with a typed error naming the limit', async () => {
    const huge = JSON.stringify({ 'org.x': { '1.0.0': { api: '0.10', layerDiffID: diff, homepage: 'x'.repeat(maxLabelBytes) } } });
    const error = await readBuildpackRecords(withLabels(base, { [labelKeys.buildpackLayers]: huge }), 's').catch((e: unknown) => e);
    expect(isAppError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`${labelKeys.buildpackLayers.replaceAll('.', '\\.')} is \\d+ bytes; packsmith reads at most ${maxLabelBytes}`),
    );
  });
});
