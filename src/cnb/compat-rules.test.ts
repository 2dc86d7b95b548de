import { describe, expect, it } from 'vitest';
import { describeTarget, matchingStack, mixinProvided } from './compat-rules.ts';

describe('mixinProvided', () => {
  const provided = new Set(['a', 'build:b', 'run:b', 'build:c', 'run:only']);
  it.each([
    ['a', false, true],
    ['build:a', false, false],
    ['build:a', true, true],
    ['run:a', true, true],
    ['b', false, false],
    ['b', true, true],
    ['c', true, false],
    ['build:c', false, true],
    ['run:c', true, false],
    ['only', true, false],
    ['zzz', true, false],
  ] as const)('%s (relaxed %s) → %s', (required, relaxed, expected) => {
    expect(mixinProvided(required, provided, relaxed)).toBe(expected);
  });
});

describe('matchingStack', () => {
  it('takes the first applicable entry, so an earlier id match decides over a later `*`', () => {
    const stacks = [{ id: 's', mixins: ['m'] }, { id: '*' }];
    expect(matchingStack(stacks, 's', '0.5')).toEqual({ id: 's', mixins: ['m'] });
    expect(matchingStack([{ id: '*' }, ...stacks], 's', '0.5')).toEqual({ id: '*' });
    expect(matchingStack([{ id: '*' }, ...stacks], 's', '0.4')).toEqual({ id: 's', mixins: ['m'] });
    expect(matchingStack([{ id: '*' }], 's', undefined)).toBeUndefined();
  });
});

describe('describeTarget', () => {
  it('writes * for fields that match anything', () => {
    expect(describeTarget({})).toBe('*/*');
    expect(describeTarget({ os: 'linux', arch: 'arm', variant: 'v7', distros: [{ name: 'alpine' }] })).toBe('linux/arm/v7 (alpine)');
  });
});
