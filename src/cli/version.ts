import { readFileSync } from 'node:fs';
import { isJsonObject } from '../shared/index.ts';

function versionOf(manifest: unknown): string {
  if (isJsonObject(manifest) && typeof manifest.version === 'string') return manifest.version;
  throw new Error('package.json has no "version" string');
}

/** packsmith's own version, read once from package.json. */
export const packsmithVersion: string = versionOf(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')));
