import { describe, expect, it } from 'vitest';
import type { Digest } from '../digest.ts';
import { KnownBlobs } from './known-blobs.ts';

const d = (n: number): Digest => `sha256:${String(n).padStart(64, '0')}`;

describe('KnownBlobs', () => {
  it('knows a blob only in the registry and repository it was seen in', () => {
    const known = new KnownBlobs();
    known.add('Reg.example', 'team/app', d(1));
    expect(known.has('reg.example', 'team/app', d(1))).toBe(true);
    expect(known.has('reg.example', 'team/other', d(1))).toBe(false);
    expect(known.has('other.example', 'team/app', d(1))).toBe(false);
    expect(known.has('reg.example', 'team/app', d(2))).toBe(false);
  });

  it('forgets the blobs it is told to', () => {
    const known = new KnownBlobs();
    for (const n of [1, 2, 3]) known.add('reg', 'r', d(n));
    known.forget('reg', 'r', [d(1), d(2)]);
    expect([1, 2, 3].map((n) => known.has('reg', 'r', d(n)))).toEqual([false, false, true]);
  });

  it('keeps at most its bound, dropping the least recently used first', () => {
    const known = new KnownBlobs(2);
    known.add('reg', 'r', d(1));
    known.add('reg', 'r', d(2));
    expect(known.has('reg', 'r', d(1))).toBe(true);
    known.add('reg', 'r', d(3));
    expect(known.size).toBe(2);
    expect([1, 2, 3].map((n) => known.has('reg', 'r', d(n)))).toEqual([true, false, true]);
  });
});
