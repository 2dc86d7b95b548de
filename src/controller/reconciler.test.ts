import { describe, expect, it } from 'vitest';
import { SourceReadError } from '../app/index.ts';
import { ConflictError, ForbiddenError, KubeApiError } from '../k8s/index.ts';
import { RegistryError } from '../oci/index.ts';
import { AppError, ValidationError } from '../shared/index.ts';
import { classifyError, missingImageDelayMs, resultFor } from './reconciler.ts';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5000'), { code: 'ECONNREFUSED' });
const sourceFailure = (...errors: unknown[]): SourceReadError => new SourceReadError(errors.map((error, i) => ({ path: `spec.sources[${i}]`, image: `r/x${i}`, error })));

describe('classifyError (D-a)', () => {
  it.each([
    ['a 503', new RegistryError('unavailable', { status: 503 }), 'retry'],
    ['a 429', new RegistryError('slow down', { status: 429 }), 'retry'],
    ['a refused connection', refused, 'retry'],
    ['a refused connection wrapped in an AppError', new AppError('NETWORK', 'fetch failed', { cause: refused }), 'retry'],
    ['a retryable AppError', new AppError('X', 'reset', { retryable: true }), 'retry'],
    ['a 404 on an image', new RegistryError('manifest unknown', { status: 404 }), 'missing-image'],
    ['a 401', new RegistryError('unauthorized', { status: 401 }), 'permanent'],
    ['a 403', new RegistryError('denied', { status: 403 }), 'permanent'],
    ['an invalid spec', new ValidationError([{ path: 'spec.tag', message: 'bad' }]), 'permanent'],
    ['a status-write conflict', new ConflictError('modified'), 'conflict'],
    ['an RBAC refusal', new ForbiddenError('forbidden'), 'permanent'],
    ['a deleted object', new KubeApiError('gone', { status: 404 }), 'permanent'],
    ['an apiserver 500', new KubeApiError('oops', { status: 500 }), 'retry'],
    ['a plain Error', new Error('?'), 'permanent'],
    ['sources that all timed out', sourceFailure(refused, new RegistryError('x', { status: 502 })), 'retry'],
    ['sources with one 404 and one 5xx', sourceFailure(new RegistryError('x', { status: 404 }), new RegistryError('x', { status: 502 })), 'missing-image'],
    ['sources with a wrong password', sourceFailure(new RegistryError('x', { status: 401 }), refused), 'permanent'],
  ])('%s → %s', (_name, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });

  it('maps classes to results: backoff, slow requeue, at once, nothing', () => {
    expect(resultFor('retry')).toEqual({ type: 'backoff', failure: 'retry' });
    expect(resultFor('missing-image')).toEqual({ type: 'requeueAfter', delayMs: missingImageDelayMs, failure: 'missing-image' });
    expect(resultFor('conflict')).toEqual({ type: 'requeueAfter', delayMs: 0, failure: 'conflict' });
    expect(resultFor('permanent')).toEqual({ type: 'done', failure: 'permanent' });
  });
});
