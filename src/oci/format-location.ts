import { OciFormatError } from './errors.ts';

/**
 * Runs a parse and prefixes `where` to an OciFormatError's message, so a bad document among many
 * (layouts, registry images) says which one it was; the original error stays as `cause`.
 */
export function inLocation<T>(where: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof OciFormatError) throw new OciFormatError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
}
