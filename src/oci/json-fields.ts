/**
 * Field checks over parsed JSON that report problems as `invalid <what>: <json path>: <problem>`
 * (OciFormatError). The checks are assertion functions: a value that passes is typed in place, so
 * parsers keep the parsed object (unknown fields included) without copying or casting it.
 */
import { isJsonObject, type JsonObject } from '../shared/index.ts';
import { isDigest, type Digest } from './digest.ts';
import { OciFormatError } from './errors.ts';
import type { Descriptor, Platform } from './image.ts';

/** A short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return shorten(JSON.stringify(value));
  return typeof value === 'number' || typeof value === 'boolean' ? shorten(String(value)) : typeof value;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function childPath(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(shorten(key))}]`;
}

/** Checks of one document; `what` names it in every error. */
export class Fields {
  readonly what: string;

  constructor(what: string) {
    this.what = what;
  }

  as(what: string): Fields {
    return new Fields(what);
  }

  get article(): string {
    return `an ${this.what}`;
  }

  fail(path: string, message: string): never {
    throw new OciFormatError(`invalid ${this.what}: ${path === '' ? '' : `${path}: `}${message}`);
  }

  object(value: unknown, path: string): JsonObject {
    return isJsonObject(value) ? value : this.fail(path, `expected a JSON object, got ${describe(value)}`);
  }

  array(value: unknown, path: string): readonly unknown[] {
    return Array.isArray(value) ? value : this.fail(path, `expected an array, got ${describe(value)}`);
  }

  string(value: unknown, path: string): string {
    return typeof value === 'string' ? value : this.fail(path, `expected a string, got ${describe(value)}`);
  }

  boolean(value: unknown, path: string): boolean {
    return typeof value === 'boolean' ? value : this.fail(path, `expected true or false, got ${describe(value)}`);
  }

  stringArray(value: unknown, path: string): asserts value is string[] {
    this.array(value, path).forEach((item, i) => this.string(item, `${path}[${i}]`));
  }

  stringMap(value: unknown, path: string): asserts value is Record<string, string> {
    for (const [key, item] of Object.entries(this.object(value, path))) this.string(item, childPath(path, key));
  }

  /** An object whose values are objects, such as `ExposedPorts` (`{"8080/tcp": {}}`). */
  objectMap(value: unknown, path: string): asserts value is Record<string, object> {
    for (const [key, item] of Object.entries(this.object(value, path))) this.object(item, childPath(path, key));
  }

  digest(value: unknown, path: string): Digest {
    if (isDigest(value)) return value;
    return this.fail(path, `${describe(value)} is not a digest; expected "sha256:" followed by 64 lowercase hex characters`);
  }

  /** Runs `check` on `object[key]` unless the key is absent. */
  optional(object: JsonObject, key: string, check: (value: unknown, path: string) => unknown, parent = ''): void {
    if (object[key] !== undefined) check(object[key], childPath(parent, key));
  }

  /** Like `optional`, but `null` counts as absent too. */
  nullable(object: JsonObject, key: string, check: (value: unknown, path: string) => unknown, parent = ''): void {
    if (object[key] !== undefined && object[key] !== null) check(object[key], childPath(parent, key));
  }

  descriptor(value: unknown, path: string): asserts value is Descriptor {
    const d = this.object(value, path);
    if (this.string(d.mediaType, `${path}.mediaType`) === '') this.fail(`${path}.mediaType`, 'must not be empty');
    this.digest(d.digest, `${path}.digest`);
    if (!Number.isSafeInteger(d.size) || Number(d.size) < 0) {
      this.fail(`${path}.size`, `expected a non-negative integer number of bytes, got ${describe(d.size)}`);
    }
    this.optional(d, 'urls', (v, p) => this.stringArray(v, p), path);
    this.optional(d, 'annotations', (v, p) => this.stringMap(v, p), path);
    this.optional(d, 'artifactType', (v, p) => this.string(v, p), path);
    this.optional(d, 'platform', (v, p) => this.platform(v, p), path);
  }

  platform(value: unknown, path: string): asserts value is Platform {
    const p = this.object(value, path);
    this.string(p.os, `${path}.os`);
    this.string(p.architecture, `${path}.architecture`);
    this.optional(p, 'variant', (v, at) => this.string(v, at), path);
    this.optional(p, 'os.version', (v, at) => this.string(v, at), path);
    this.optional(p, 'os.features', (v, at) => this.stringArray(v, at), path);
  }
}
