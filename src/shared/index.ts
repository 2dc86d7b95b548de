/**
 * shared: leaf utilities used by every module (errors, logging contract, async helpers, type guards).
 * Must not import anything else from packsmith.
 */
// zod's English messages, for every module that parses with zod (see zod-messages.ts).
import './zod-messages.ts';

export * from './errors.ts';
export * from './error-kind.ts';
export * from './log.ts';
export * from './async.ts';
export * from './clock.ts';
export * from './guards.ts';
export * from './did-you-mean.ts';
export * from './version.ts';
export * from './host-backoff.ts';
