import { describe, expect, it } from 'vitest';
import { SourceReadError } from '../app/index.ts';
import { ConflictError, ForbiddenError, GoneError, KubeApiError } from '../k8s/index.ts';
import { RegistryError } from '../oci/index.ts';
import { AppError, MissingDependencyError, NotFoundError, ValidationError, errorKindOf } from '../shared/index.ts';
import { missingImageDelayMs, resultForError } from './reconciler.ts';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5000'), { code: 'ECONNREFUSED' });
const badCertificate = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
const sourceFailure = (...errors: unknown[]): SourceReadError =>
  new SourceReadError(errors.map((error, i) => ({ path: `spec.sources[${i}]`, image: `r/x${i}`, error })));

describe('error kinds as the controller sees them (D-a)', () => {
  it.each([
    ['a 503', new RegistryError('unavailable', { status: 503 }), 'transient'],
    ['a 429', new RegistryError('slow down', { status: 429 }), 'transient'],
    ['a 408', new RegistryError('timeout', { status: 408 }), 'transient'],
    ['a registry that sent no answer', new RegistryError('no response'), 'transient'],
    ['a refused connection', refused, 'transient'],
    ['a refused connection wrapped in an AppError', new AppError('NETWORK', 'fetch failed', { cause: refused }), 'transient'],
    ['an unknown certificate', badCertificate, 'permanent'],
    ['an abort', new DOMException('aborted', 'AbortError'), 'cancelled'],
    ['a transient AppError', new AppError('X', 'reset', { kind: 'transient' }), 'transient'],
    ['a 404 on an image', new RegistryError('manifest unknown', { status: 404 }), 'missing-dependency'],
    ['a 401', new RegistryError('unauthorized', { status: 401 }), 'permanent'],
    ['a 403', new RegistryError('denied', { status: 403 }), 'permanent'],
    ['an invalid spec', new ValidationError([{ path: 'spec.tag', message: 'bad' }]), 'permanent'],
    ['a missing layout', new NotFoundError('no such file'), 'permanent'],
    ['an unready stack', new MissingDependencyError(['stack x is not ready']), 'missing-dependency'],
    ['a status-write conflict', new ConflictError('modified'), 'conflict'],
    ['an RBAC refusal', new ForbiddenError('forbidden'), 'permanent'],
    ['an expired watch', new GoneError('too old'), 'transient'],
    ['a deleted object', new KubeApiError('gone', { status: 404 }), 'permanent'],
    ['an apiserver 500', new KubeApiError('oops', { status: 500 }), 'transient'],
    ['an unreachable apiserver', new KubeApiError('cannot reach', { cause: refused }), 'transient'],
    ['a plain Error', new Error('?'), 'permanent'],
    ['a thrown string', 'boom', 'permanent'],
    ['sources that all timed out', sourceFailure(refused, new RegistryError('x', { status: 502 })), 'transient'],
    ['sources with one 404 and one 5xx', sourceFailure(new RegistryError('x', { status: 404 }), new RegistryError('x', { status: 502 })), 'missing-dependency'],
    ['sources with a wrong password', sourceFailure(new RegistryError('x', { status: 401 }), refused), 'permanent'],
  ])('%s → %s', (_name, error, expected) => {
    expect(errorKindOf(error)).toBe(expected);
  });

  it('decides from the kind alone: backoff, slow requeue, at once, nothing', () => {
    expect(resultForError(new RegistryError('x', { status: 503 }))).toEqual({ type: 'backoff', failure: 'transient' });
    expect(resultForError(new RegistryError('x', { status: 404 }))).toEqual({
      type: 'requeueAfter',
      delayMs: missingImageDelayMs,
      failure: 'missing-dependency',
    });
    expect(resultForError(new ConflictError('x'))).toEqual({ type: 'requeueAfter', delayMs: 0, failure: 'conflict' });
    expect(resultForError(new ValidationError([]))).toEqual({ type: 'done', failure: 'permanent' });
    expect(resultForError(new DOMException('aborted', 'AbortError'))).toEqual({ type: 'done', failure: 'cancelled' });
  });

  it('lets a missing dependency say when to look again, or wait for an event', () => {
    expect(resultForError(new MissingDependencyError(['a'], { requeueAfterMs: 60_000 }))).toEqual({
      type: 'requeueAfter',
      delayMs: 60_000,
      failure: 'missing-dependency',
    });
    expect(resultForError(new MissingDependencyError(['a', 'b']))).toEqual({ type: 'done', failure: 'missing-dependency' });
  });

  it('never reads message text: the same words with another kind decide differently', () => {
    const words = 'clusterstack.kpack.io "x" not found';
    expect(resultForError(new AppError('X', words, { kind: 'transient' })).type).toBe('backoff');
    expect(resultForError(new AppError('X', words)).type).toBe('done');
  });
});
