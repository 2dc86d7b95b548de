/**
 * packsmith's annotations on kpack objects: what pack's builder.toml says about a builder that
 * kpack's Builder spec has no field for. kpack ignores them; packsmith writes them into the builder
 * at its next build (an annotation change does not bump the generation, so it does not rebuild alone).
 */
export const builderAnnotations = {
  /** The builder metadata's description, shown by `pack builder inspect`. */
  description: 'packsmith.kpack.io/builder-description',
  /** Mirrors of the run image, comma-separated, written into stack.toml, run.toml and the metadata label. */
  runImageMirrors: 'packsmith.kpack.io/run-image-mirrors',
} as const;

/**
 * Set (to any new value; the CLI writes the time) to make the controller reconcile an object now:
 * a changed value counts like a spec change, so the object's inputs are re-read without waiting for
 * the periodic resync. kpack ignores it.
 */
export const resyncAnnotation = 'packsmith.kpack.io/resync';

/**
 * On a Builder or ClusterBuilder: an integer from -1000 to 1000 (default 0); when many builders wait
 * to be rebuilt (a store change touching thousands), higher ones go first. kpack ignores it.
 */
export const rebuildPriorityAnnotation = 'packsmith.kpack.io/rebuild-priority';
