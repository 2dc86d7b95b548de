import { describe, expect, it } from 'vitest';
import { RegistryError } from '../oci/index.ts';
import { isCredentialFailure, SourceReadError } from './errors.ts';

describe('isCredentialFailure', () => {
  it('is true for a registry 401 or 403, alone or among the failures of a multi-source read', () => {
    expect(isCredentialFailure(new RegistryError('401', { status: 401 }))).toBe(true);
    expect(isCredentialFailure(new RegistryError('403', { status: 403 }))).toBe(true);
    const mixed = new SourceReadError([
      { path: 'spec.sources[0]', image: 'r/a', error: new RegistryError('timeout', { status: 503 }) },
      { path: 'spec.sources[1]', image: 'r/b', error: new RegistryError('denied', { status: 403 }) },
    ]);
    expect(isCredentialFailure(mixed)).toBe(true);
  });

  it('is false for other failures', () => {
    expect(isCredentialFailure(new RegistryError('missing', { status: 404 }))).toBe(false);
    expect(isCredentialFailure(new RegistryError('refused'))).toBe(false);
    expect(isCredentialFailure(new SourceReadError([{ path: 'spec.image', image: 'r/a', error: new Error('401') }]))).toBe(false);
  });
});
