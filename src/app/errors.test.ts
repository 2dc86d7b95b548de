import { describe, expect, it } from 'vitest';
import { RegistryError } from '../oci/index.ts';
import { BuilderPushError, isBuilderPushRefusal, isCredentialFailure, SourceReadError } from './errors.ts';

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

describe('isBuilderPushRefusal', () => {
  it("is true only when the builder's target repository (or the token service asked for it) refused", () => {
    const target = new RegistryError('POST', { status: 401, url: 'https://r.test/v2/team/app/blobs/uploads/' });
    const token = new RegistryError('token', { status: 401, url: 'https://auth.test/token?scope=repository%3Ateam%2Fapp%3Apull%2Cpush' });
    const blobOfAStore = new RegistryError('GET', { status: 401, url: 'https://r.test/v2/store/ruby/blobs/sha256:ab' });
    expect(isBuilderPushRefusal(new BuilderPushError('team/app', target))).toBe(true);
    expect(isBuilderPushRefusal(new BuilderPushError('team/app', token))).toBe(true);
    expect(isBuilderPushRefusal(new BuilderPushError('team/app', blobOfAStore))).toBe(false);
    expect(isBuilderPushRefusal(new BuilderPushError('team/app', new RegistryError('down', { status: 503, url: 'https://r.test/v2/team/app/' })))).toBe(false);
    expect(isBuilderPushRefusal(target)).toBe(false);
  });

  it('keeps the cause message', () => {
    expect(new BuilderPushError('team/app', new Error('POST …: 401 Unauthorized')).message).toBe('POST …: 401 Unauthorized');
  });
});
