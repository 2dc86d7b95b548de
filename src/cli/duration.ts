/** Durations on the command line, written as Go and kubectl write them. */
import { CliError, exitCodes } from './errors.ts';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `500ms`, `30s`, `5m`, `10h` (or a bare number of seconds) into milliseconds. */
export function parseDuration(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new CliError(`${flag}: ${value} is not a duration such as 30s, 5m or 10h`, exitCodes.usage);
  return Math.round(Number(match[1]) * (units[match[2] ?? 's'] ?? 1000));
}
