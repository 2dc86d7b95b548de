/**
 * Composition root: the one place that picks concrete implementations from several modules and
 * hands them to the ones that only know interfaces. Grows with the controller; today it supplies
 * the image-reference checks the api module's validation takes and the structured JSON logger.
 */
import { pino, type Logger as PinoLogger } from 'pino';
import type { ReferenceChecks } from './api/index.ts';
import { parseReference } from './oci/index.ts';
import { messageOf, type Logger } from './shared/index.ts';

function problemOf(check: () => string | undefined): string | undefined {
  try {
    return check();
  } catch (error) {
    return messageOf(error);
  }
}

/**
 * Reference checks backed by the OCI reference grammar (Docker's rules: tag and digest syntax,
 * 128-character tags, registry detection). A builder tag must not carry a digest.
 */
export const imageReferenceChecks: ReferenceChecks = {
  image: (reference) => problemOf(() => void parseReference(reference)),
  tag: (reference) =>
    problemOf(() =>
      parseReference(reference).digest === undefined ? undefined : 'must be a tag such as registry.example.com/team/builder:tag, not a digest; the builder is pushed to it',
    ),
};

function adaptPino(logger: PinoLogger): Logger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
    child: (fields) => adaptPino(logger.child(fields)),
  };
}

/** A pino-backed Logger writing one JSON object per line to stderr (file descriptor 2). */
export function jsonLogger(options: { level?: string; name?: string } = {}): Logger {
  const logger = pino({ level: options.level ?? 'info', name: options.name, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: 2, sync: true }));
  return adaptPino(logger);
}
