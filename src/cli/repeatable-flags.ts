/**
 * Repeatable flags: one value per use, collected in order. Unlike a variadic `<value...>`, such a
 * flag never takes a positional argument that follows it. `--insecure-registry` is defined here
 * once, so every command spells and explains it the same way.
 */
import { Option } from '@commander-js/extra-typings';

/** An argParser that appends each use's value to the ones before it. */
export const repeatable = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** A new `--insecure-registry <host>` option (commander options belong to one command each). */
export function insecureRegistryOption(): Option<'--insecure-registry <host>', undefined, string[], string[], false, undefined> {
  return new Option('--insecure-registry <host>', 'registry host to reach over plain HTTP or unverified TLS (repeatable; loopback always may)')
    .argParser(repeatable)
    .default<string[]>([]);
}
