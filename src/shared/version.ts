import { readFileSync } from 'node:fs';
import { isJsonObject } from './guards.ts';

function versionOf(manifest: unknown): string {
  if (isJsonObject(manifest) && typeof manifest.version === 'string') return manifest.version;
  throw new Error('package.json has no "version" string');
}

/**
 * packsmith's own version, read once from package.json (two levels up from src/shared and from
 * dist/bundle alike). Builders record it in `createdBy`, as pack records its own.
 */
export const packsmithVersion: string = versionOf(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')));
