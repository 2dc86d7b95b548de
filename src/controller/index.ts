/**
 * controller: the reconcilers (thin glue between the Kubernetes adapter and the use cases), the
 * error policy, and the manager that runs informers, the work queue, workers and leader election.
 */
export * from './reconciler.ts';
export * from './ports.ts';
export * from './status.ts';
export * from './resolving.ts';
export * from './cluster-store.ts';
export * from './cluster-stack.ts';
export * from './cluster-lifecycle.ts';
export * from './builder-inputs.ts';
export * from './builder.ts';
export * from './enqueue.ts';
export * from './cluster-ports.ts';
export * from './metrics.ts';
export * from './http.ts';
export * from './workers.ts';
export * from './manager.ts';
