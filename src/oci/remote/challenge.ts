/**
 * Parsing of `WWW-Authenticate` challenges (RFC 7235) and of token scopes. Registries answer 401
 * with `Basic realm="…"` or `Bearer realm="…",service="…",scope="repository:x:pull,push"`; scope
 * values contain commas, so parameters are read with quoted-string rules, not by splitting.
 */

/** One authentication challenge: its scheme in lower case and its parameters (names in lower case). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const token = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const whitespace = /[ \t]*/y;

/** Every challenge in a `WWW-Authenticate` value, in order; malformed tails are dropped rather than thrown. */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const reader = new Reader(header);
  const challenges: Challenge[] = [];
  while (!reader.done()) {
    reader.skip(/[ \t,]*/y);
    const scheme = reader.match(token);
    if (scheme === undefined) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    readParams(reader, challenge.params);
  }
  return challenges;
}

function readParams(reader: Reader, params: Record<string, string>): void {
  for (;;) {
    const start = reader.position;
    reader.skip(/[ \t,]*/y);
    const name = reader.match(token);
    reader.skip(whitespace);
    if (name === undefined || !reader.consume('=')) {
      // Not `name=`: this is the next challenge's scheme (or the end), so give the characters back.
      reader.position = start;
      return;
    }
    reader.skip(whitespace);
    const value = reader.peek() === '"' ? reader.quoted() : (reader.match(/[^,\s]*/y) ?? '');
    params[name.toLowerCase()] = value;
  }
}

class Reader {
  readonly #text: string;
  position = 0;

  constructor(text: string) {
    this.#text = text;
  }

  done(): boolean {
    return this.position >= this.#text.length;
  }

  peek(): string | undefined {
    return this.#text[this.position];
  }

  consume(char: string): boolean {
    if (this.#text[this.position] !== char) return false;
    this.position++;
    return true;
  }

  skip(pattern: RegExp): void {
    this.match(pattern);
  }

  match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.#text);
    if (found === null || found[0] === '') return undefined;
    this.position += found[0].length;
    return found[0];
  }

  quoted(): string {
    let value = '';
    this.position++;
    while (!this.done()) {
      const char = this.#text[this.position++];
      if (char === '"') return value;
      value += char === '\\' ? (this.#text[this.position++] ?? '') : char;
    }
    return value;
  }
}

/** The first challenge we can answer (Bearer or Basic) among those offered. */
export function pickChallenge(header: string | null): Challenge | undefined {
  if (header === null) return undefined;
  return parseWwwAuthenticate(header).find((c) => c.scheme === 'bearer' || c.scheme === 'basic');
}

/** The scope that pulls from a repository: `repository:<name>:pull`. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

/** The scope that pushes to a repository (push implies reading it back): `repository:<name>:pull,push`. */
export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}

/**
 * Canonical form of a scope set: one entry per resource with the union of its actions, actions and
 * entries sorted. Two requests needing the same access therefore share one cached token.
 */
export function mergeScopes(scopes: Iterable<string>): string[] {
  const actionsByResource = new Map<string, Set<string>>();
  for (const scope of scopes) {
    const colon = scope.lastIndexOf(':');
    // A scope without actions (unusual) is kept whole as its own resource.
    const resource = colon > 0 ? scope.slice(0, colon) : scope;
    const actions = actionsByResource.get(resource) ?? new Set<string>();
    const listed = colon > 0 ? scope.slice(colon + 1).split(',') : [];
    listed.filter((action) => action !== '').forEach((action) => actions.add(action));
    actionsByResource.set(resource, actions);
  }
  return [...actionsByResource.entries()].map(([resource, actions]) => (actions.size === 0 ? resource : `${resource}:${[...actions].sort().join(',')}`)).sort();
}
