/**
 * The platforms a builder is made for, and what each one is made from. By default every platform
 * the stack's build and run images both provide (one, the stack's own, for single images: the
 * builder is then exactly what it always was); `spec.targets` narrows that list. Each target gets
 * the stack record of its own image pair and its own lifecycle image, and each buildpack the layer
 * of that platform. A buildpack without an image for a target is a problem even when `optional`:
 * pack downloads every buildpack for every target and fails the builder when one is missing
 * (`optional` matters only at detect), and packsmith does the same.
 */
import type { Candidate, CompatibilityIssue, LifecycleRecord, ResolvedOrder, StackRecord, StackTarget, TargetPlatform } from '../cnb/index.ts';
import { buildpackForTarget, formatTarget, sameTarget } from '../cnb/index.ts';
import type { ValidationIssue } from '../shared/index.ts';

/** One platform of a builder and the inputs that serve it. */
export interface BuilderTarget {
  target: StackTarget;
  /** The stack as this platform sees it: its build and run images, its target. */
  stack: StackRecord;
  /** The lifecycle image pinned for this platform. */
  lifecycleImage: string;
}

/** The targets, in a fixed order (by `os/arch/variant`, so the index digest does not depend on list order), or every problem. */
export type TargetsResult = { ok: true; targets: BuilderTarget[] } | { ok: false; issues: ValidationIssue[] };

const defaultTarget: StackTarget = { os: 'linux', arch: 'amd64' };

function stackFor(stack: StackRecord, target: StackTarget): StackRecord {
  const { platforms, ...single } = stack;
  const platform = platforms?.find((p) => sameTarget(p.target, target));
  if (platform === undefined) return single;
  return {
    ...single,
    buildImage: { ...stack.buildImage, latestImage: platform.buildImage },
    runImage: { ...stack.runImage, latestImage: platform.runImage },
    target: platform.target,
  };
}

function lifecycleFor(lifecycle: LifecycleRecord, target: StackTarget, path: string): string | ValidationIssue {
  if (lifecycle.platforms === undefined) return lifecycle.image.latestImage;
  const found = lifecycle.platforms.find((p) => sameTarget(p, target));
  if (found) return found.latestImage;
  const offered = lifecycle.platforms.map(formatTarget).join(', ');
  return { path, message: `the lifecycle ${lifecycle.image.image} has no image for ${formatTarget(target)}; it has ${offered}` };
}

const byText = (a: StackTarget, b: StackTarget): number => (formatTarget(a) < formatTarget(b) ? -1 : formatTarget(a) > formatTarget(b) ? 1 : 0);

/** The builder's targets from the stack's platforms, narrowed by `wanted` (spec.targets) when given. */
export function builderTargets(stack: StackRecord, lifecycle: LifecycleRecord, wanted?: readonly TargetPlatform[]): TargetsResult {
  const available = stack.platforms?.map((p) => p.target) ?? [stack.target ?? defaultTarget];
  const issues: ValidationIssue[] = [];
  const chosen =
    wanted === undefined
      ? available
      : wanted.flatMap((w, i) => {
          const found = available.find((a) => sameTarget(a, w));
          if (!found) {
            const offered = available.map(formatTarget).join(', ');
            issues.push({ path: `spec.targets[${i}]`, message: `the stack ${stack.id} has no images for ${formatTarget(w)}; it provides ${offered}` });
          }
          return found ? [found] : [];
        });
  const targets = [...chosen].sort(byText).flatMap((target) => {
    const lifecycleImage = lifecycleFor(lifecycle, target, 'spec.lifecycle');
    if (typeof lifecycleImage !== 'string') {
      issues.push(lifecycleImage);
      return [];
    }
    return [{ target, stack: stackFor(stack, target), lifecycleImage }];
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, targets };
}

/** The resolved order as `target` sees it: each buildpack with that platform's layer, or a problem naming what it has. */
export function orderForTarget(
  resolved: ResolvedOrder,
  target: StackTarget,
  describe: (candidate: Candidate) => string,
): { resolved: ResolvedOrder; issues: CompatibilityIssue[] } {
  const issues: CompatibilityIssue[] = [];
  const buildpacks = resolved.buildpacks.map((candidate) => {
    const served = buildpackForTarget(candidate.record, target);
    if (served.ok) return { ...candidate, record: served.record };
    const name = `${candidate.record.id}@${candidate.record.version}`;
    const suppliedBy = describe(candidate);
    const reason = `validating buildpack ${name}: no image for ${formatTarget(target)}`;
    const has = served.platforms.map(formatTarget).join(', ');
    const message = `${reason} (supplied by ${suppliedBy}, image ${candidate.record.storeImage.image}; it has ${has})`;
    issues.push({ path: `buildpacks[${name}]`, problem: 'target', reason, message, buildpack: name, suppliedBy });
    return candidate;
  });
  return { resolved: { ...resolved, buildpacks }, issues };
}
