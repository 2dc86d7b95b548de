/**
 * k8s/testing: helpers for unit tests of code built on the adapter (a hand-driven clock). Only test
 * files import this.
 */
export * from './manual-clock.ts';
