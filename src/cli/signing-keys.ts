/**
 * Local mode's cosign key, kubectl-style: the `--signing-key FILE` flag, else the environment
 * variable PACKSMITH_COSIGN_KEY (a file path, or the PEM itself). The password comes from
 * PACKSMITH_COSIGN_PASSWORD, else COSIGN_PASSWORD (what cosign itself reads); an unencrypted key
 * needs none. The key is opened before anything is built, so a wrong password fails at once.
 */
import { readFile } from 'node:fs/promises';
import { namedSigningKey, type NamedSigningKey } from '../app/index.ts';
import { messageOf } from '../shared/index.ts';
import { CliError } from './errors.ts';

/** The environment variables local mode reads its signing key from. */
export const signingKeyEnv = { key: 'PACKSMITH_COSIGN_KEY', password: 'PACKSMITH_COSIGN_PASSWORD', cosignPassword: 'COSIGN_PASSWORD' } as const;

async function readKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the signing key ${path}: ${messageOf(error)}`, undefined, { cause: error });
  }
}

/** The keys to sign with: none when neither the flag nor the environment names one. */
export async function localSigningKeys(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<NamedSigningKey[]> {
  const fromEnv = env[signingKeyEnv.key];
  const password = env[signingKeyEnv.password] ?? env[signingKeyEnv.cosignPassword];
  if (flag !== undefined) return [namedSigningKey(`file:${flag}`, await readKeyFile(flag), password)];
  if (fromEnv === undefined || fromEnv === '') return [];
  if (fromEnv.trimStart().startsWith('-----BEGIN')) return [namedSigningKey(`env:${signingKeyEnv.key}`, fromEnv, password)];
  return [namedSigningKey(`file:${fromEnv}`, await readKeyFile(fromEnv), password)];
}
