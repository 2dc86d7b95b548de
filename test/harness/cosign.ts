/**
 * The real cosign for integration tests, built by scripts/provision.sh from test/tools/cosign.
 * Each run gets a private HOME and DOCKER_CONFIG (the registry's credentials, if any) and never
 * reaches a transparency log: verification passes `--insecure-ignore-tlog=true` itself.
 */
import { constants } from 'node:fs';
import { access, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ToolResult } from './cnb-tools.ts';
import { HarnessError } from './harness-error.ts';
import { removeDir, runCommand, scratchDir, toolsBinDir } from './process.ts';

/** The provisioned cosign binary. */
export function cosignBin(): string {
  return join(toolsBinDir(), 'cosign');
}

/** Options for `runCosign`. */
export interface CosignOptions {
  /** A Docker config.json with registry credentials (e.g. `RegistryHandle.authFile()`), copied into the private DOCKER_CONFIG. */
  authFile?: string;
  /** Added to the environment (COSIGN_PASSWORD, say). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs the provisioned cosign; never throws on a non-zero exit. Fails clearly when cosign is not provisioned. */
export async function runCosign(args: readonly string[], options: CosignOptions = {}): Promise<ToolResult> {
  await access(cosignBin(), constants.X_OK).catch((error: unknown) => {
    throw new HarnessError(`cosign not provisioned at ${cosignBin()}: run scripts/provision.sh`, { cause: error });
  });
  const home = await scratchDir('cosign');
  try {
    const dockerConfig = join(home, '.docker');
    await mkdir(dockerConfig);
    if (options.authFile !== undefined) await copyFile(options.authFile, join(dockerConfig, 'config.json'));
    // No TUF root, no Rekor, no Fulcio: everything stays on the machine.
    const env = { ...process.env, HOME: home, DOCKER_CONFIG: dockerConfig, TUF_ROOT: join(home, '.sigstore'), ...options.env };
    return await runCommand(cosignBin(), args, { env, cwd: options.cwd, timeoutMs: 120_000 });
  } finally {
    await removeDir(home);
  }
}

/** The flags that make `cosign verify` / `verify-attestation` work offline against a loopback registry. */
export const cosignOfflineVerifyFlags: readonly string[] = ['--insecure-ignore-tlog=true', '--allow-insecure-registry', '--allow-http-registry'];
