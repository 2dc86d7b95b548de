/**
 * The matching rules behind the compatibility check, one small predicate each: which stack entry of a
 * buildpack applies, whether a stack provides a mixin, whether a buildpack target fits the build
 * image, and how the lifecycle image's platform must relate to the build image's.
 */
import type { Platform } from '../oci/index.ts';
import { isApiAtLeast } from './api-version.ts';
import type { StackSupport, StackTarget, TargetSupport } from './records.ts';

/**
 * The first of a buildpack's stacks that applies to `stackId`: the same id, or `*` when the
 * buildpack's API is at least 0.5 (kpack's rule; older buildpacks cannot claim every stack).
 */
export function matchingStack(stacks: readonly StackSupport[], stackId: string, buildpackApi: string | undefined): StackSupport | undefined {
  return stacks.find((s) => s.id === stackId || (s.id === '*' && isApiAtLeast(buildpackApi ?? '', '0.5')));
}

const stagePrefix = /^(build|run):/;

/**
 * True when the stack's mixins satisfy `required`. Strict contract: the exact string is present.
 * Relaxed contract (Platform API ≥ 0.7): `build:x` / `run:x` are also satisfied by a bare `x`, and a
 * bare `x` is satisfied by `build:x` together with `run:x`.
 */
export function mixinProvided(required: string, provided: ReadonlySet<string>, relaxed: boolean): boolean {
  if (provided.has(required)) return true;
  if (!relaxed) return false;
  if (stagePrefix.test(required)) return provided.has(required.replace(stagePrefix, ''));
  return provided.has(`build:${required}`) && provided.has(`run:${required}`);
}

/** The required mixins the stack lacks, in the order they were required. */
export function missingMixins(required: readonly string[], provided: readonly string[], relaxed: boolean): string[] {
  const have = new Set(provided);
  return required.filter((m) => !mixinProvided(m, have, relaxed));
}

const emptyOrEqual = (wanted: string | undefined, actual: string | undefined): boolean => !wanted || wanted === actual;

/**
 * True when a buildpack target fits the build image (pack's rule, D-g): `os` empty or equal, `arch`
 * empty or equal, `variant` empty or equal, and `distros` empty or holding one with the image's
 * distro name and (when given) version. The distro test is skipped when the image declares no distro.
 */
export function targetMatches(target: TargetSupport, stack: StackTarget): boolean {
  if (!emptyOrEqual(target.os, stack.os) || !emptyOrEqual(target.arch, stack.arch)) return false;
  if (target.variant && stack.variant && target.variant !== stack.variant) return false;
  const distro = stack.distro;
  if (!distro || !target.distros?.length) return true;
  return target.distros.some((d) => d.name === distro.name && emptyOrEqual(d.version, distro.version));
}

/** `os/arch[/variant]` with `*` for fields that match anything, plus the distros in parentheses. */
export function describeTarget(target: TargetSupport): string {
  const platform = [target.os || '*', target.arch || '*', ...(target.variant ? [target.variant] : [])].join('/');
  const distros = (target.distros ?? []).map((d) => (d.version ? `${d.name} ${d.version}` : d.name));
  return distros.length > 0 ? `${platform} (${distros.join(' | ')})` : platform;
}

/** The build image's target in the same notation as `describeTarget`. */
export function describeStackTarget(stack: StackTarget): string {
  return describeTarget({ os: stack.os, arch: stack.arch, variant: stack.variant, distros: stack.distro ? [stack.distro] : [] });
}

/** A stack a buildpack supports, as `id` or `id [mixins]`. */
export function describeStack(stack: StackSupport): string {
  return stack.mixins?.length ? `${stack.id} [${stack.mixins.join(', ')}]` : stack.id;
}

/**
 * kpack's check of the lifecycle image against the build image: same OS; architecture and variant
 * equal whenever both are set. Returns kpack's message, or undefined when they fit.
 */
export function checkLifecyclePlatform(input: { build: StackTarget; lifecycle: Platform; image: string }): string | undefined {
  const { build, lifecycle } = input;
  const bothDiffer = (a: string | undefined, b: string | undefined): boolean => Boolean(a) && Boolean(b) && a !== b;
  if (build.os === lifecycle.os && !bothDiffer(build.arch, lifecycle.architecture) && !bothDiffer(build.variant, lifecycle.variant)) {
    return undefined;
  }
  const expected = `${build.os}/${build.arch}/${build.variant ?? ''}`;
  const got = `${lifecycle.os}/${lifecycle.architecture}/${lifecycle.variant ?? ''}`;
  return `validating lifecycle image ${input.image}: expected platform to be ${expected} but got ${got}`;
}
