/**
 * shared/testing: helpers for unit tests in every module (a hand-driven clock). Only test files and
 * other modules' test kits import this.
 */
export * from './manual-clock.ts';
