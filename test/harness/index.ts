/**
 * Test harness: helpers that start real servers and run real tools for integration tests. Test
 * code only; nothing under src/ may import it.
 */
export * from './process.ts';
export * from './harness-error.ts';
export * from './registry.ts';
export * from './token-server.ts';
export * from './access-log.ts';
export * from './certs.ts';
export * from './skopeo.ts';
export * from './umoci.ts';
export * from './oci-fixture.ts';
export * from './kube.ts';
export * from './kube-request.ts';
export * from './cnb-tools.ts';
export * from './tcp-proxy.ts';
export * from './controller-args.ts';
export * from './cosign.ts';
