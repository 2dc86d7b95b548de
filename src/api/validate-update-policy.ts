/**
 * Rules of `spec.updatePolicy`: a Go duration of at least a minute, `latest` or a semver range,
 * a known rollout, a canary builder exactly when the rollout is `canary`, and images the policy can
 * follow (a tag, not a digest). Every problem is reported, each with its path and a fix.
 */
import semver from 'semver';
import { issue, type FieldIssue } from './field-issues.ts';
import { minimumUpdateIntervalMs, parseGoDuration, rollouts, type UpdatePolicy } from './update-policy.ts';

const base = 'spec.updatePolicy';

function checkInterval(interval: string | undefined): FieldIssue[] {
  if (interval === undefined) return [];
  const ms = parseGoDuration(interval);
  if (ms === undefined) return [issue.invalid(`${base}.interval`, interval, 'write a Go duration such as 1h, 30m or 1h30m')];
  if (ms < minimumUpdateIntervalMs) return [issue.invalid(`${base}.interval`, interval, 'the registry is asked at most once a minute: use 1m or more')];
  return [];
}

function checkTags(tags: string | undefined): FieldIssue[] {
  if (tags === undefined || tags === 'latest' || semver.validRange(tags) !== null) return [];
  return [issue.invalid(`${base}.tags`, tags, 'write "latest" (follow the tag in the image) or a semver range such as "~1.x" or ">=1.2 <2"')];
}

function checkCanaryBuilder(canary: NonNullable<UpdatePolicy['canary']>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (canary.kind !== 'Builder' && canary.kind !== 'ClusterBuilder')
    issues.push(issue.invalid(`${base}.canary.kind`, canary.kind ?? '', 'the canary is a Builder or a ClusterBuilder'));
  if (!canary.name) issues.push(issue.missing(`${base}.canary.name`, 'name the canary builder'));
  if (canary.kind === 'Builder' && !canary.namespace) issues.push(issue.missing(`${base}.canary.namespace`, 'give the namespace of the canary Builder'));
  if (canary.kind === 'ClusterBuilder' && canary.namespace)
    issues.push(issue.disallowed(`${base}.canary.namespace`, 'a ClusterBuilder has no namespace; remove it'));
  return issues;
}

function checkCanary(policy: UpdatePolicy): FieldIssue[] {
  const { canary, rollout } = policy;
  if (rollout !== 'canary') {
    return canary ? [issue.disallowed(`${base}.canary`, 'a canary is used only with rollout: canary; set that rollout or remove the canary')] : [];
  }
  if (!canary) return [issue.missing(`${base}.canary`, 'name the builder that gets an update first: canary: { kind: ClusterBuilder, name: ... }')];
  return checkCanaryBuilder(canary);
}

/** One image the resource names, with its spec path. */
export interface PolicyImage {
  path: string;
  image: string | undefined;
}

/** Every problem with `policy` (none when it is absent), including images it cannot follow. */
export function checkUpdatePolicy(policy: UpdatePolicy | undefined, images: readonly PolicyImage[]): FieldIssue[] {
  if (!policy) return [];
  const issues = [...checkInterval(policy.interval), ...checkTags(policy.tags)];
  if (policy.rollout !== undefined && !rollouts.some((r) => r === policy.rollout))
    issues.push(issue.invalid(`${base}.rollout`, policy.rollout, 'use all (the default), canary or manual'));
  issues.push(...checkCanary(policy));
  for (const { path, image } of images) {
    if (image?.includes('@'))
      issues.push(issue.invalid(path, image, 'a digest never moves, so spec.updatePolicy cannot follow it: write a tag, or remove updatePolicy'));
  }
  return issues;
}
