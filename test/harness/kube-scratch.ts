/**
 * Scratch directories for etcd + kube-apiserver. etcd preallocates about 60 MB of WAL, so a
 * directory left behind by a test worker that died without cleaning up is worth reclaiming:
 * each one records its owner's PID, and directories of dead owners are removed.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDir, scratchDir } from './process.ts';

const prefix = 'kube';
const ownerFile = 'owner.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A fresh scratch directory marked as owned by this process. */
export async function claimScratchDir(): Promise<string> {
  const dir = await scratchDir(prefix);
  await writeFile(join(dir, ownerFile), String(process.pid));
  return dir;
}

/** Removes the kube scratch directories whose owning process no longer runs. */
export async function sweepStaleScratchDirs(): Promise<void> {
  const names = (await readdir(tmpdir())).filter((name) => name.startsWith(`packsmith-${prefix}-`));
  for (const name of names) {
    const dir = join(tmpdir(), name);
    // No owner file yet: another process is creating it right now; leave it alone.
    const owner = Number(await readFile(join(dir, ownerFile), 'utf8').catch(() => ''));
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) await removeDir(dir);
  }
}
