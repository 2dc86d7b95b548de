import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/index.ts';
import { defaultRetryPolicy, retryBodyFailures, type RetryPolicy } from './retry.ts';

const instant: RetryPolicy = { ...defaultRetryPolicy, sleep: () => Promise.resolve(), maxAttempts: 3 };
const transient = (): AppError => new AppError('REGISTRY_CONNECTION', 'terminated', { kind: 'transient' });

describe('retryBodyFailures', () => {
  it('repeats an attempt whose body failed, until it succeeds', async () => {
    let attempts = 0;
    const result = await retryBodyFailures(instant, (readBody) => {
      attempts++;
      return readBody(() => (attempts < 3 ? Promise.reject(transient()) : Promise.resolve('bytes')));
    });
    expect(result).toBe('bytes');
    expect(attempts).toBe(3);
  });

  it('gives up after the policy’s attempts', async () => {
    let attempts = 0;
    await expect(
      retryBodyFailures(instant, (readBody) => {
        attempts++;
        return readBody(() => Promise.reject(transient()));
      }),
    ).rejects.toThrow('terminated');
    expect(attempts).toBe(3);
  });

  it('does not repeat failures before the body (the transport retries those) or permanent ones', async () => {
    let attempts = 0;
    await expect(
      retryBodyFailures(instant, () => {
        attempts++;
        return Promise.reject(transient());
      }),
    ).rejects.toThrow();
    expect(attempts).toBe(1);
    attempts = 0;
    await expect(
      retryBodyFailures(instant, (readBody) => {
        attempts++;
        return readBody(() => Promise.reject(new AppError('LIMIT_EXCEEDED', 'too big')));
      }),
    ).rejects.toThrow('too big');
    expect(attempts).toBe(1);
  });
});
