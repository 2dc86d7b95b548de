/**
 * k8s/testing: helpers for unit tests of code built on the adapter. The hand-driven clock lives in
 * shared/testing (one Clock for every module); it is re-exported here for the adapter's tests.
 * Only test files import this.
 */
export * from '../../shared/testing/index.ts';
