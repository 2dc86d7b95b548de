/**
 * Test harness basics: free loopback ports, scratch directories, and child processes that are
 * always stopped by PID (also when a test fails or the test process exits).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A loopback TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh scratch directory; remove it with `removeDir`. */
export async function scratchDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `packsmith-${prefix}-`));
}

/** Removes a directory tree, ignoring one that is already gone. */
export async function removeDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** A started server or tool process whose output goes to a log file. */
export interface ManagedProcess {
  readonly pid: number;
  readonly logFile: string;
  /** The log so far (for assertions and for failure messages). */
  log(): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited, with whether the SIGKILL was needed. */
  stop(graceMs?: number): Promise<{ killed: boolean }>;
  /** True while the process has not exited. */
  alive(): boolean;
}

/** Options for `startProcess`. */
export interface StartOptions {
  command: string;
  args: readonly string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Starts a long-running process with stdout and stderr appended to `logFile`. The child writes to
 * the file directly, not through a pipe to this process: a test blocked in a synchronous call would
 * otherwise stop draining the pipe, and a chatty server (the registry logs every request) would hang.
 */
export function startProcess(options: StartOptions): ManagedProcess {
  const logFd = openSync(options.logFile, 'a');
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  running.add(child);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      resolve();
    });
    child.once('error', (error) => {
      appendFileSync(options.logFile, `spawn error: ${error.message}\n`);
      exited = true;
      running.delete(child);
      resolve();
    });
  });
  return {
    pid: child.pid ?? -1,
    logFile: options.logFile,
    log: async () => readFile(options.logFile, 'utf8').catch(() => ''),
    alive: () => !exited,
    stop: async (graceMs = 5000) => {
      if (exited) return { killed: false };
      child.kill('SIGTERM');
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, graceMs);
      await exit;
      clearTimeout(timer);
      return { killed };
    },
  };
}

/** Polls `check` every `intervalMs` until it resolves true; fails with `describe()` after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; describe: () => Promise<string> | string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
  throw new Error(`timed out after ${options.timeoutMs} ms: ${await options.describe()}`);
}

/** Runs a command to completion and returns its exit code and output (never throws on a non-zero exit). */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    // A command that exits without reading its input closes the pipe first; that EPIPE is not its failure.
    child.stdin.once('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Where scripts/provision.sh puts the Go-built tools (lifecycle, pack, kube-apiserver, kubectl, etcd). */
export function toolsBinDir(): string {
  const cacheRoot = process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '/root', '.cache');
  return process.env.PACKSMITH_TOOLS_BIN ?? join(cacheRoot, 'packsmith', 'bin');
}
