import { AppError, type AppErrorOptions } from '../shared/index.ts';

/** Stable codes of signing failures. */
export const signingErrorCodes = {
  /** The key file is not a key packsmith can sign with (format, curve, damaged contents). */
  badKey: 'SIGNING_KEY_INVALID',
  /** The key is encrypted and no password was given. */
  missingPassword: 'SIGNING_KEY_PASSWORD_MISSING',
  /** The password does not open the key. */
  wrongPassword: 'SIGNING_KEY_PASSWORD_WRONG',
  /** A signature or attestation does not verify. */
  verification: 'SIGNATURE_INVALID',
} as const;

/**
 * A signing key that cannot be used. Always permanent: trying again with the same key and password
 * gives the same answer. Messages never contain key material or the password.
 */
export class SigningKeyError extends AppError {
  constructor(code: (typeof signingErrorCodes)[keyof typeof signingErrorCodes], message: string, options: AppErrorOptions = {}) {
    super(code, message, { ...options, kind: 'permanent' });
  }
}

/** A signature, attestation or the payload they sign does not check out. */
export class VerificationError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super(signingErrorCodes.verification, message, { ...options, kind: 'permanent' });
  }
}
