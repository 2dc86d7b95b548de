/**
 * Renders the TOML files a builder carries: `/cnb/order.toml`, `/cnb/stack.toml` (Platform API < 0.12)
 * and `/cnb/run.toml` (Platform API ≥ 0.12, D-h). The text is fixed byte for byte, in the layout Go's
 * TOML encoder gives kpack and pack (2-space indentation per table level, a blank line before each
 * nested table), so the generated layers, and therefore the builder digest, are reproducible.
 */
import type { OrderEntry } from './records.ts';

/** A run image and its mirrors, as `stack.toml` and `run.toml` list them. */
export interface RunImageReference {
  image: string;
  mirrors?: readonly string[];
}

/** A TOML basic string: quotes, backslashes and control characters escaped; everything else literal UTF-8. */
export function tomlString(value: string): string {
  let out = '"';
  for (const char of value) out += escapeChar(char);
  return `${out}"`;
}

const namedEscapes: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

function escapeChar(char: string): string {
  const named = namedEscapes[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}` : char;
}

function tomlStringArray(values: readonly string[]): string {
  return `[${values.map(tomlString).join(', ')}]`;
}

/**
 * `/cnb/order.toml`: one `[[order]]` per entry and one `[[order.group]]` per buildpack with `id`,
 * `version` (left out when empty) and `optional = true` only when true, exactly as kpack writes it.
 */
export function renderOrderToml(order: readonly OrderEntry[]): string {
  if (order.length === 0) return 'order = []\n';
  return order
    .map((entry) => {
      if (entry.group.length === 0) return '[[order]]\n  group = []\n';
      const groups = entry.group.map((bp) => {
        const lines = [`    id = ${tomlString(bp.id)}`];
        if (bp.version) lines.push(`    version = ${tomlString(bp.version)}`);
        if (bp.optional === true) lines.push('    optional = true');
        return `\n  [[order.group]]\n${lines.join('\n')}\n`;
      });
      return `[[order]]\n${groups.join('')}`;
    })
    .join('\n');
}

/** `/cnb/stack.toml`: the `[run-image]` table, `mirrors` only when there are some (kpack's text). */
export function renderStackToml(runImage: RunImageReference): string {
  const mirrors = runImage.mirrors?.length ? `  mirrors = ${tomlStringArray(runImage.mirrors)}\n` : '';
  return `[run-image]\n  image = ${tomlString(runImage.image)}\n${mirrors}`;
}

/**
 * `/cnb/run.toml`: one `[[images]]` per run image, each with `image` and `mirrors` (always written,
 * possibly empty). The first image is the default the lifecycle uses. No images renders `images = []`.
 */
export function renderRunToml(images: readonly RunImageReference[]): string {
  if (images.length === 0) return 'images = []\n';
  return images.map((i) => `[[images]]\n  image = ${tomlString(i.image)}\n  mirrors = ${tomlStringArray(i.mirrors ?? [])}\n`).join('\n');
}
