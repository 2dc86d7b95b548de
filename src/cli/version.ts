/** packsmith's own version (kept in shared, since builders record it too). */
export { packsmithVersion } from '../shared/index.ts';
