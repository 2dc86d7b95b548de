/**
 * packsmith's update policy (kpack has none and its schema ignores the field): `spec.updatePolicy`
 * on the resources that resolve images (ClusterStore, Buildpack, ClusterBuildpack, ClusterStack,
 * ClusterLifecycle), and the status fields the controller's update poller keeps: the digest each
 * source image resolved to (`resolvedImages`, which the reconcile reads instead of the moving tag)
 * and the updates waiting for an approval or a canary (`pendingUpdates`).
 */
import * as z from 'zod/mini';

/** `spec.updatePolicy`. Fields are optional in the schema; `validate-update-policy.ts` says what is required. */
export const updatePolicy = z.strictObject({
  /** Go-style duration (`1h`, `30m`, `1h30m`), at least a minute; default 1h. */
  interval: z.optional(z.string()),
  /** `latest` (follow the tag written in the image, the default) or a semver range such as `~1.x` or `>=1.2 <2`. */
  tags: z.optional(z.string()),
  /** `all` (default), `canary` or `manual`. */
  rollout: z.optional(z.string()),
  /** The builder that gets an update first when `rollout` is `canary`. */
  canary: z.optional(z.strictObject({ kind: z.optional(z.string()), name: z.optional(z.string()), namespace: z.optional(z.string()) })),
});
export type UpdatePolicy = z.infer<typeof updatePolicy>;

/** One source image as the poller last resolved it. */
export const resolvedImage = z.strictObject({
  /** The image as the spec writes it. */
  image: z.optional(z.string()),
  /** The tag it was resolved through (the highest matching one for a semver range). */
  tag: z.optional(z.string()),
  /** The manifest (or index) digest the tag named; the reconcile reads `<repository>@<digest>`. */
  digest: z.optional(z.string()),
  /** When the registry was last asked (RFC 3339). */
  checkedAt: z.optional(z.string()),
});
export type ResolvedImage = z.infer<typeof resolvedImage>;

/** A digest found for a source image and not applied yet (rollout `manual` or `canary`). */
export const pendingUpdate = z.strictObject({
  image: z.optional(z.string()),
  /** The tag the new digest was found under. */
  tag: z.optional(z.string()),
  /** The digest in use. */
  from: z.optional(z.string()),
  /** The digest found. */
  to: z.optional(z.string()),
  foundAt: z.optional(z.string()),
});
export type PendingUpdate = z.infer<typeof pendingUpdate>;

/** The status fields of a resource with an update policy (spread into the kinds' status schemas). */
export const updateStatusFields = {
  resolvedImages: z.optional(z.array(resolvedImage)),
  pendingUpdates: z.optional(z.array(pendingUpdate)),
  /** The approval annotation value last acted on, so `all` approves once (not every later update). */
  lastApproval: z.optional(z.string()),
};

/** The status fields the update poller owns: a reconcile carries them over as they are. */
export const updateStatusKeys = ['resolvedImages', 'pendingUpdates', 'lastApproval'] as const;

/**
 * Approves pending updates: `all`, or comma-separated digests (`sha256:…`). The controller acts on a
 * value once (recorded in `status.lastApproval`); kpack ignores it.
 */
export const approveUpdateAnnotation = 'packsmith.kpack.io/approve-update';

/** The rollouts a policy may name. */
export const rollouts = ['all', 'canary', 'manual'] as const;
export type Rollout = (typeof rollouts)[number];

/** The interval a policy without one uses. */
export const defaultUpdateIntervalMs = 3_600_000;
/** The shortest interval the webhook accepts (the controller can be told to allow less, for tests). */
export const minimumUpdateIntervalMs = 60_000;

const goUnits: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration (`1h30m`, `90s`, `1.5h`, `500ms`); undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return text === '0' ? 0 : undefined;
  let total = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(amount) * (goUnits[unit ?? ''] ?? 0);
  return total;
}

/** The policy's rollout, `all` when it names none (validation rejects unknown ones). */
export function rolloutOf(policy: UpdatePolicy): Rollout {
  const named = rollouts.find((r) => r === policy.rollout);
  return named ?? 'all';
}

/** The policy's interval in ms (default 1h; an unparsable one also 1h: validation reports it). */
export function intervalOf(policy: UpdatePolicy): number {
  const parsed = policy.interval === undefined ? undefined : parseGoDuration(policy.interval);
  return parsed === undefined || parsed <= 0 ? defaultUpdateIntervalMs : parsed;
}

/** True when the policy follows a semver range of tags rather than the tag written in the image. */
export function followsRange(policy: UpdatePolicy): boolean {
  return policy.tags !== undefined && policy.tags !== '' && policy.tags !== 'latest';
}
