/**
 * Checks that a builder's stack, lifecycle and buildpacks fit together, with kpack's rules (Platform
 * API, Buildpack API, stacks and mixins, Windows, lifecycle platform) plus buildpack targets (D-g).
 * Where kpack stops at the first failing buildpack, every problem of every buildpack is returned,
 * each naming the buildpack, who supplied it, what it supports and what the stack offers (D-f).
 */
import type { Platform } from '../oci/index.ts';
import type { ValidationIssue } from '../shared/index.ts';
import { allApiVersions, apiSatisfies, isApiAtLeast, isSupported } from './api-version.ts';
import { checkLifecyclePlatform, describeStack, describeStackTarget, describeTarget, matchingStack, missingMixins, targetMatches } from './compat-rules.ts';
import type { BuildpackRecord, LifecycleRecord, StackRecord } from './records.ts';

/**
 * The Platform APIs packsmith's builders serve: 0.3 … 0.15. kpack stops at 0.8 because it writes only
 * `stack.toml`; packsmith also writes `run.toml` (D-h), which Platform API 0.12+ reads instead, and
 * 0.15 is the newest that current lifecycles (v0.21) and pack offer. A lifecycle must share at least
 * one of these.
 */
export const supportedPlatformApis: readonly string[] = ['0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9', '0.10', '0.11', '0.12', '0.13', '0.14', '0.15'];

/** The kinds of compatibility problem. */
export type CompatibilityProblem = 'platform-api' | 'lifecycle-platform' | 'windows' | 'buildpack-api' | 'stack' | 'mixins' | 'target';

/** One compatibility problem. `message` = kpack's message (`reason`) followed by packsmith's context in parentheses. */
export interface CompatibilityIssue extends ValidationIssue {
  problem: CompatibilityProblem;
  /** kpack's message for the problem, without the added context. */
  reason: string;
  /** `id@version` of the buildpack at fault. */
  buildpack?: string;
  /** The resource that supplied that buildpack, as the caller described it. */
  suppliedBy?: string;
}

/** A buildpack to check, with a description of the resource that supplied it (e.g. `ClusterStore default`). */
export type SuppliedBuildpack = BuildpackRecord & { suppliedBy: string };

/** Everything the check needs. */
export interface CompatibilityInput {
  stack: StackRecord;
  lifecycle: LifecycleRecord;
  buildpacks: readonly SuppliedBuildpack[];
  /** The lifecycle image's platform (see `lifecyclePlatform`); without it that check is skipped. */
  lifecyclePlatform?: Platform;
}

/**
 * Every compatibility problem, in a stable order: Windows, lifecycle platform and Platform API
 * first, then each buildpack in input order. An empty list means the builder may be assembled.
 * Composites (non-empty `order`) are skipped, as in kpack; their children are checked on their own.
 */
export function checkCompatibility(input: CompatibilityInput): CompatibilityIssue[] {
  const issues = [...checkBase(input)];
  // Relaxed mixin matching arrived with Platform API 0.7; any lifecycle API that high enables it.
  const relaxed = allApiVersions(input.lifecycle.apis.platform).some((api) => isApiAtLeast(api, '0.7'));
  for (const buildpack of input.buildpacks) {
    if (buildpack.order?.length) continue;
    issues.push(...checkBuildpack(buildpack, input, relaxed));
  }
  return issues;
}

function checkBase(input: CompatibilityInput): CompatibilityIssue[] {
  const issues: CompatibilityIssue[] = [];
  const target = input.stack.target;
  if (target?.os === 'windows') {
    const reason = 'windows base images are not supported';
    issues.push({ path: 'stack', problem: 'windows', reason, message: reason });
  }
  const mismatch =
    target && input.lifecyclePlatform && checkLifecyclePlatform({ build: target, lifecycle: input.lifecyclePlatform, image: input.lifecycle.image.image });
  if (mismatch) issues.push({ path: 'lifecycle', problem: 'lifecycle-platform', reason: mismatch, message: mismatch });
  const offered = allApiVersions(input.lifecycle.apis.platform);
  if (!offered.some((api) => supportedPlatformApis.some((ours) => apiSatisfies(ours, api)))) {
    const reason = `unsupported platform apis in kpack lifecycle: ${offered.join(', ')}, expecting one of: ${supportedPlatformApis.join(', ')}`;
    issues.push({
      path: 'lifecycle',
      problem: 'platform-api',
      reason,
      message: `${reason} (lifecycle ${input.lifecycle.version}, ${input.lifecycle.image.image})`,
    });
  }
  return issues;
}

function checkBuildpack(buildpack: SuppliedBuildpack, input: CompatibilityInput, relaxed: boolean): CompatibilityIssue[] {
  const name = `${buildpack.id}@${buildpack.version}`;
  const supplied = `supplied by ${buildpack.suppliedBy}, image ${buildpack.storeImage.image}`;
  const issue = (problem: CompatibilityProblem, cause: string, context: string[] = []): CompatibilityIssue => {
    const reason = `validating buildpack ${name}: ${cause}`;
    const message = `${reason} (${[supplied, ...context].join('; ')})`;
    return { path: `buildpacks[${name}]`, problem, reason, message, buildpack: name, suppliedBy: buildpack.suppliedBy };
  };
  const issues: CompatibilityIssue[] = [];
  const api = buildpack.api ?? '';
  if (!isSupported(api, input.lifecycle.apis.buildpack)) {
    const expecting = allApiVersions(input.lifecycle.apis.buildpack).join(', ');
    issues.push(issue('buildpack-api', `unsupported buildpack api: ${api}, expecting: ${expecting}`, [`lifecycle ${input.lifecycle.version}`]));
  }
  const stackIssue = checkStacks(buildpack, input.stack, relaxed);
  if (stackIssue) issues.push(issue(stackIssue.problem, stackIssue.cause, stackIssue.context));
  const targetIssue = checkTargets(buildpack, input.stack);
  if (targetIssue) issues.push(issue('target', targetIssue.cause, targetIssue.context));
  return issues;
}

interface Finding {
  problem: CompatibilityProblem;
  cause: string;
  context: string[];
}

/** kpack's stack rule: no stacks passes; otherwise the first applicable entry decides, and its mixins must be provided. */
function checkStacks(buildpack: BuildpackRecord, stack: StackRecord, relaxed: boolean): Finding | undefined {
  const stacks = buildpack.stacks ?? [];
  if (stacks.length === 0) return undefined;
  const match = matchingStack(stacks, stack.id, buildpack.api);
  if (!match) {
    return {
      problem: 'stack',
      cause: `stack ${stack.id} is not supported`,
      context: [`the buildpack supports stacks: ${stacks.map(describeStack).join(', ')}`],
    };
  }
  const missing = missingMixins(match.mixins ?? [], stack.mixins ?? [], relaxed);
  if (missing.length === 0) return undefined;
  const provides = stack.mixins?.length ? stack.mixins.join(', ') : 'none';
  const contract = relaxed ? 'relaxed' : 'strict';
  return {
    problem: 'mixins',
    cause: `stack missing mixin(s): ${missing.join(', ')}`,
    context: [`stack ${stack.id} provides mixins: ${provides}`, `${contract} mixin contract`],
  };
}

/** D-g: a buildpack that declares targets must have one that fits the build image; no targets passes. */
function checkTargets(buildpack: BuildpackRecord, stack: StackRecord): { cause: string; context: string[] } | undefined {
  const targets = buildpack.targets ?? [];
  if (targets.length === 0 || !stack.target) return undefined;
  if (targets.some((t) => targetMatches(t, stack.target!))) return undefined;
  return {
    cause: `build image target ${describeStackTarget(stack.target)} is not supported`,
    context: [`the buildpack supports targets: ${targets.map(describeTarget).join(', ')}`],
  };
}
