/**
 * oci/testing: the test kit shipped with the oci module (seeded random layers and images, the shared
 * Image conformance suite). Tests import it through this barrel; production code never does, and
 * src/oci/index.ts does not re-export it (it depends on vitest).
 */
export * from './random.ts';
export * from './conformance.ts';
export * from './read-tar.ts';
