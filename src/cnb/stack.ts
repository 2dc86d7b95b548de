/**
 * Turns a stack's build and run images into a StackRecord with kpack's rules (stack id labels,
 * CNB_USER_ID / CNB_GROUP_ID, mixin classification) plus the build image's target. Unlike kpack,
 * which stops at the first problem, every problem is collected and thrown at once (D-f).
 */
import type { ConfigFile, Image, IoOptions } from '../oci/index.ts';
import { ValidationError, isArray, messageOf, type ValidationIssue } from '../shared/index.ts';
import { labelKeys, parseStackMixins, readLabel } from './labels.ts';
import type { StackRecord, StackTarget } from './records.ts';

/** The inputs of a stack read: images already fetched, and how they were named. */
export interface StackImages {
  /** The stack id the resource expects (`spec.id`). */
  id: string;
  buildImage: Image;
  runImage: Image;
  /** The fetched build image as `<repository>@<digest>` (becomes `buildImage.latestImage`). */
  buildRef: string;
  /** The fetched run image as `<repository>@<digest>` (becomes `runImage.latestImage`). */
  runRef: string;
  /** The build image as the spec wrote it (becomes `buildImage.image`); defaults to `buildRef`. */
  buildSpec?: string;
  /** The run image as the spec wrote it (becomes `runImage.image`); defaults to `runRef`. */
  runSpec?: string;
}

/**
 * Reads both images' configs and builds the StackRecord. Throws ValidationError carrying every
 * issue (paths `id`, `buildImage`, `runImage`), each message in kpack's wording where kpack has one.
 */
export async function readStackRecord(input: StackImages, options: IoOptions = {}): Promise<StackRecord> {
  const [build, run] = await Promise.all([input.buildImage.configFile(options), input.runImage.configFile(options)]);
  const issues: ValidationIssue[] = [...checkStackIds(input.id, build, run)];
  const userId = envInteger(build, 'CNB_USER_ID', issues);
  const groupId = envInteger(build, 'CNB_GROUP_ID', issues);
  const mixins = combineMixins(mixinsOf(build, 'buildImage', issues), mixinsOf(run, 'runImage', issues), issues);
  if (issues.length > 0 || userId === undefined || groupId === undefined) throw new ValidationError(issues);
  return {
    id: input.id,
    buildImage: { latestImage: input.buildRef, image: input.buildSpec ?? input.buildRef },
    runImage: { latestImage: input.runRef, image: input.runSpec ?? input.runRef },
    ...(mixins.length > 0 ? { mixins } : {}),
    userId,
    groupId,
    target: stackTarget(build),
  };
}

function checkStackIds(id: string, build: ConfigFile, run: ConfigFile): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const buildId = readLabel(build, labelKeys.stackId);
  const runId = readLabel(run, labelKeys.stackId);
  if (buildId === undefined) issues.push({ path: 'buildImage', message: `could not find label ${labelKeys.stackId}` });
  if (runId === undefined) issues.push({ path: 'runImage', message: `could not find label ${labelKeys.stackId}` });
  const differs = (label: string | undefined): boolean => label !== undefined && label !== id;
  if (differs(buildId) || differs(runId)) {
    issues.push({
      path: 'id',
      message: `invalid stack images. expected stack: ${id}, build image stack: ${buildId ?? '(none)'}, run image stack: ${runId ?? '(none)'}`,
    });
  }
  return issues;
}

/**
 * The value of `name` in the config's Env. The last entry wins (as a container runtime applies
 * them) and the value is everything after the first `=`, where kpack truncates at a second `=`.
 */
export function envValue(config: ConfigFile, name: string): string | undefined {
  const env: unknown = config.config?.Env;
  if (!isArray(env)) return undefined;
  let value: string | undefined;
  for (const entry of env) {
    if (typeof entry === 'string' && entry.startsWith(`${name}=`)) value = entry.slice(name.length + 1);
  }
  return value;
}

// User and group ids are unsigned 32-bit numbers; kpack's Atoi would also take `-1` or `+5`.
function envInteger(build: ConfigFile, name: string, issues: ValidationIssue[]): number | undefined {
  const value = envValue(build, name);
  if (value === undefined) {
    issues.push({ path: 'buildImage', message: `validating build image: ENV ${name} not found` });
    return undefined;
  }
  const parsed = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed <= 0xffff_ffff)) {
    issues.push({ path: 'buildImage', message: `validating build image: env ${name}: "${value}" is not a user or group id (0 to 4294967295)` });
    return undefined;
  }
  return parsed;
}

interface ClassifiedMixins {
  /** Mixins without a stage prefix. */
  common: string[];
  /** Mixins with the image's own stage prefix (`build:` on the build image, `run:` on the run image). */
  stage: string[];
}

function mixinsOf(config: ConfigFile, path: 'buildImage' | 'runImage', issues: ValidationIssue[]): ClassifiedMixins {
  const text = readLabel(config, labelKeys.stackMixins);
  let mixins: string[] = [];
  try {
    mixins = text === undefined ? [] : parseStackMixins(text);
  } catch (cause) {
    issues.push({ path, message: messageOf(cause) });
  }
  const own = path === 'buildImage' ? 'build:' : 'run:';
  const other = path === 'buildImage' ? 'run:' : 'build:';
  const wrong = mixins.filter((m) => m.startsWith(other));
  if (wrong.length > 0) {
    const what = path === 'buildImage' ? 'build image contains run-only' : 'run image contains build-only';
    issues.push({ path, message: `${what} mixin(s): ${wrong.join(', ')}` });
  }
  return { common: mixins.filter((m) => !m.startsWith(own) && !m.startsWith(other)), stage: mixins.filter((m) => m.startsWith(own)) };
}

/** kpack's status mixins: build common (build order), then build-stage, then run-stage mixins. */
function combineMixins(build: ClassifiedMixins, run: ClassifiedMixins, issues: ValidationIssue[]): string[] {
  const runCommon = new Set(run.common);
  const missing = build.common.filter((m) => !runCommon.has(m));
  if (missing.length > 0) issues.push({ path: 'runImage', message: `runImage missing required mixin(s): ${missing.join(', ')}` });
  return [...build.common, ...build.stage, ...run.stage];
}

/** The target a build image declares: config os/architecture/variant and the distro labels. */
export function stackTarget(config: ConfigFile): StackTarget {
  const name = readLabel(config, labelKeys.distroName);
  const version = readLabel(config, labelKeys.distroVersion);
  return {
    os: config.os,
    arch: config.architecture,
    ...(config.variant ? { variant: config.variant } : {}),
    ...(name ? { distro: { name, ...(version ? { version } : {}) } } : {}),
  };
}
