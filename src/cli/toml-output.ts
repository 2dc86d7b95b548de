/**
 * A TOML printer for command output (`-o toml`, as pack offers): nested objects become tables,
 * lists of objects arrays of tables, and anything TOML cannot nest that way (lists of lists) inline
 * values. Undefined and null are left out, as TOML has no null.
 */
import { isJsonObject } from '../shared/index.ts';

type Entry = [key: string, value: unknown];

const bareKey = /^[A-Za-z0-9_-]+$/;
const key = (name: string): string => (bareKey.test(name) ? name : tomlString(name));

// JSON's escapes are all valid in a TOML basic string; DEL is the one control character JSON leaves bare.
function tomlString(text: string): string {
  return JSON.stringify(text).replaceAll('\u007f', '\\u007f');
}

const present = (value: unknown): boolean => value !== undefined && value !== null;
const isTable = (value: unknown): boolean => isJsonObject(value);
const isTableArray = (value: unknown): value is readonly unknown[] => Array.isArray(value) && value.length > 0 && value.every(isTable);

function inline(value: unknown): string {
  if (typeof value === 'string') return tomlString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.filter(present).map(inline).join(', ')}]`;
  if (isJsonObject(value)) {
    const fields = Object.entries(value).filter(([, v]) => present(v));
    return fields.length === 0 ? '{}' : `{ ${fields.map(([k, v]) => `${key(k)} = ${inline(v)}`).join(', ')} }`;
  }
  return tomlString(String(value));
}

function table(entries: readonly Entry[], path: readonly string[], out: string[]): void {
  const fields = entries.filter(([, v]) => present(v));
  for (const [name, value] of fields) if (!isTable(value) && !isTableArray(value)) out.push(`${key(name)} = ${inline(value)}`);
  for (const [name, value] of fields) {
    const inner = [...path, key(name)];
    if (isJsonObject(value)) {
      out.push('', `[${inner.join('.')}]`);
      table(Object.entries(value), inner, out);
    } else if (isTableArray(value)) {
      for (const item of value) {
        out.push('', `[[${inner.join('.')}]]`);
        table(isJsonObject(item) ? Object.entries(item) : [], inner, out);
      }
    }
  }
}

/** `value` (an object) as a TOML document with a final newline. */
export function formatToml(value: unknown): string {
  const out: string[] = [];
  table(isJsonObject(value) ? Object.entries(value) : [['value', value]], [], out);
  return `${out.join('\n').replace(/^\n+/, '')}\n`;
}
