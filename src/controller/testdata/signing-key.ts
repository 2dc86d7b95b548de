import { readFileSync } from 'node:fs';

/** The key `cosign generate-key-pair` made for the signing module's tests (read as a file: no import across layers). */
export const encryptedTestKey = {
  pem: readFileSync(new URL('../../signing/testdata/cosign-generated.key', import.meta.url), 'utf8'),
  password: 'correct-horse',
} as const;
