import { readFileSync } from 'node:fs';

/** packsmith's own version, read once from package.json. */
export const packsmithVersion: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
