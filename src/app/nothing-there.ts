import { errorKindOf, isNotFoundError, NotFoundError } from '../shared/index.ts';

/** True when a read failed because the reference names nothing (a registry 404, a missing layout or tag). */
export function isNothingThere(error: unknown): boolean {
  return error instanceof NotFoundError || isNotFoundError(error) || errorKindOf(error) === 'missing-dependency';
}
