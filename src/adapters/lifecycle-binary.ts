/**
 * Finds the CNB lifecycle binary on this machine for the sample lifecycle image: `PACKSMITH_LIFECYCLE`
 * when set (then it must work), else `lifecycle` in packsmith's tools cache
 * (`${XDG_CACHE_HOME:-$HOME/.cache}/packsmith/bin`, where scripts/provision.sh puts it), else on
 * `PATH`. A candidate counts only when `lifecycle -version` prints a version. The CNB launcher is
 * looked for beside the binary (as named, then where its links lead: the provisioned `bin/launcher`
 * sits next to `bin/lifecycle`); it is optional, since detect and build work without it.
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { access, constants, realpath, stat } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import type { BinaryFile, LifecycleBinary } from '../app/index.ts';
import { ValidationError, messageOf } from '../shared/index.ts';

/** The outcome of a search: the binary, if any, and why other candidates were passed over. */
export interface LifecycleSearch {
  binary?: LifecycleBinary;
  /** Candidates that exist but did not work, each with the reason. */
  skipped: string[];
  /** Every place looked at, in order, for messages. */
  searched: string[];
}

function candidates(env: NodeJS.ProcessEnv): string[] {
  const cache = env.XDG_CACHE_HOME || join(env.HOME ?? '/root', '.cache');
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'lifecycle'));
  return [join(cache, 'packsmith', 'bin', 'lifecycle'), ...onPath];
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

// The multicall binary prints its version for `-version` without needing CNB_PLATFORM_API.
function reportedVersion(path: string): Promise<{ version: string } | { problem: string }> {
  return new Promise((resolve) => {
    execFile(path, ['-version'], { timeout: 10_000, env: { PATH: '/usr/bin:/bin' } }, (error, stdout) => {
      const version = stdout.trim();
      if (error) resolve({ problem: `does not work as a lifecycle: \`${path} -version\` failed (${error.message.split('\n')[0] ?? ''})` });
      else if (!/^\d+\.\d+\.\d+\S*$/.test(version)) resolve({ problem: `printed "${version.slice(0, 80)}" for -version, not a version` });
      else resolve({ version });
    });
  });
}

// An executable `launcher` in the directory of the lifecycle as named, else in its real directory.
async function launcherBeside(path: string, real: string): Promise<BinaryFile | undefined> {
  for (const dir of new Set([dirname(path), dirname(real)])) {
    const candidate = join(dir, 'launcher');
    if (!(await isExecutableFile(candidate))) continue;
    const target = await realpath(candidate);
    const { size } = await stat(target);
    return { path: candidate, size, open: (io) => Promise.resolve(createReadStream(target, { signal: io.signal })) };
  }
  return undefined;
}

/** Checks one candidate: the binary (with the launcher beside it, if any), or the reason it does not count. */
export async function probeLifecycleBinary(path: string): Promise<LifecycleBinary | string> {
  if (!(await isExecutableFile(path))) return `${path} is not an executable file`;
  try {
    const real = await realpath(path);
    const reported = await reportedVersion(real);
    if ('problem' in reported) return `${path} ${reported.problem}`;
    const { size } = await stat(real);
    const launcher = await launcherBeside(path, real);
    return {
      path,
      version: reported.version,
      size,
      open: (io) => Promise.resolve(createReadStream(real, { signal: io.signal })),
      ...(launcher ? { launcher } : {}),
    };
  } catch (error) {
    return `${path}: ${messageOf(error)}`;
  }
}

/**
 * Looks for the lifecycle as the module header says. Throws ValidationError when
 * `PACKSMITH_LIFECYCLE` is set but names no working lifecycle (an explicit choice must not be ignored).
 */
export async function findLifecycleBinary(env: NodeJS.ProcessEnv): Promise<LifecycleSearch> {
  const explicit = env.PACKSMITH_LIFECYCLE;
  if (explicit) {
    const probed = await probeLifecycleBinary(explicit);
    if (typeof probed === 'string') throw new ValidationError([{ path: 'PACKSMITH_LIFECYCLE', message: probed }]);
    return { binary: probed, skipped: [], searched: [explicit] };
  }
  const searched = candidates(env);
  const skipped: string[] = [];
  for (const path of searched) {
    if (!(await isExecutableFile(path))) continue;
    const probed = await probeLifecycleBinary(path);
    if (typeof probed !== 'string') return { binary: probed, skipped, searched };
    skipped.push(probed);
  }
  return { skipped, searched };
}
