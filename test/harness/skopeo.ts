/**
 * Thin wrappers over the `skopeo` CLI, the independent checker that pushes, pulls and inspects
 * images in tests. Registry-specific flags come from `RegistryHandle.skopeoArgs()`.
 */
import { createHash } from 'node:crypto';
import { HarnessError } from './harness-error.ts';
import { runCommand } from './process.ts';

/** The outcome of one CLI run; a non-zero `code` is not an exception. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `skopeo <args>` and returns its result without judging it (for tests that expect a failure). */
export async function skopeo(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<CommandResult> {
  return runCommand('skopeo', args, { timeoutMs: options.timeoutMs ?? 120_000 });
}

async function skopeoOrThrow(args: readonly string[]): Promise<string> {
  const result = await skopeo(args);
  if (result.code !== 0) {
    throw new HarnessError(`skopeo ${args[0] ?? ''} failed (exit ${result.code}): ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** Options for `skopeoCopy`; references are skopeo transports such as `oci:DIR:TAG` or `docker://HOST/REPO:TAG`. */
export interface SkopeoCopyOptions {
  readonly src: string;
  readonly dest: string;
  /** Extra flags, typically `reg.skopeoArgs({ role: 'src' })` and `reg.skopeoArgs({ role: 'dest' })`. */
  readonly flags?: readonly string[];
  /** Copy every image of an index (`--all`). */
  readonly all?: boolean;
}

/** Copies an image; throws HarnessError with skopeo's stderr on failure. Digests are preserved for OCI and v2s2 sources. */
export async function skopeoCopy(options: SkopeoCopyOptions): Promise<void> {
  const args = ['copy', ...(options.all ? ['--all'] : []), ...(options.flags ?? []), options.src, options.dest];
  await skopeoOrThrow(args);
}

/** A manifest as the registry serves it: the exact text and its sha256 digest. */
export interface RawManifest {
  readonly text: string;
  readonly digest: string;
  readonly json: Record<string, unknown>;
}

/** `skopeo inspect --raw`: the manifest bytes, their digest (sha256 of the bytes as served) and the parsed JSON. */
export async function skopeoInspectRaw(reference: string, flags: readonly string[] = []): Promise<RawManifest> {
  const text = await skopeoOrThrow(['inspect', '--raw', ...flags, reference]);
  const digest = `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
  return { text, digest, json: JSON.parse(text) as Record<string, unknown> };
}

/** `skopeo inspect --config --raw`: the image config JSON. */
export async function skopeoInspectConfig(reference: string, flags: readonly string[] = []): Promise<Record<string, unknown>> {
  return JSON.parse(await skopeoOrThrow(['inspect', '--config', '--raw', ...flags, reference])) as Record<string, unknown>;
}

/** `skopeo inspect`: skopeo's summary (`Digest`, `Labels`, `Layers`, `Architecture`, …). */
export async function skopeoInspect(reference: string, flags: readonly string[] = []): Promise<Record<string, unknown>> {
  return JSON.parse(await skopeoOrThrow(['inspect', ...flags, reference])) as Record<string, unknown>;
}

/** `skopeo list-tags` for `docker://HOST/REPO`: the tags, in the registry's order. */
export async function skopeoListTags(repository: string, flags: readonly string[] = []): Promise<string[]> {
  const parsed = JSON.parse(await skopeoOrThrow(['list-tags', ...flags, repository])) as { Tags?: string[] };
  return parsed.Tags ?? [];
}
