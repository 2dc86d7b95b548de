/**
 * What the controller keeps of `metadata.managedFields`: only the newest entry that wrote `spec`,
 * cut to its time, because the rebuild order (newest spec change first) reads that and nothing
 * reads the rest. The full list is often half an object's size, and 2,000 cached Builders add up.
 */

/** The time of an entry that wrote `spec`, as written and in epoch ms; undefined for any other entry. */
function specWriteOf(entry: unknown): { time: string; at: number } | undefined {
  if (typeof entry !== 'object' || entry === null || !('time' in entry) || typeof entry.time !== 'string') return undefined;
  const fields = 'fieldsV1' in entry ? entry.fieldsV1 : undefined;
  if (typeof fields !== 'object' || fields === null || !('f:spec' in fields)) return undefined;
  const at = Date.parse(entry.time);
  return Number.isFinite(at) ? { time: entry.time, at } : undefined;
}

/** The newest managedFields entry whose fields include `spec`, as `{ time, fieldsV1: { 'f:spec': {} } }`; undefined when none. */
export function newestSpecWrite(managedFields: unknown): { time: string; fieldsV1: { 'f:spec': Record<string, never> } } | undefined {
  if (!Array.isArray(managedFields)) return undefined;
  let newest: { time: string; at: number } | undefined;
  for (const entry of managedFields as unknown[]) {
    const write = specWriteOf(entry);
    if (write !== undefined && (newest === undefined || write.at > newest.at)) newest = write;
  }
  return newest === undefined ? undefined : { time: newest.time, fieldsV1: { 'f:spec': {} } };
}
