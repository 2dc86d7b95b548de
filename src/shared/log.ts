/**
 * The logging contract. Library modules accept a Logger and stay silent by default; the composition
 * root builds a structured (JSON) implementation and passes it down.
 */

/** Structured fields attached to a log record. Never put secrets here. */
export type LogFields = Record<string, unknown>;

/** A structured logger; `child` returns one that adds `fields` to every record. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** A Logger that drops everything: the default for library code. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
