/**
 * Where a resource command writes: progress lines (stdout, or stderr when `-o` prints the resource
 * on stdout), the closing result line (suppressed with `-o`), and the resource itself as YAML or
 * JSON with kp's apiVersion.
 */
import { stringify } from 'yaml';
import type { KubeObject } from './port.ts';
import type { CliIo } from '../io.ts';
import { resultSuffix, type WriteMode } from './kp-format.ts';

const outputFormats = ['yaml', 'json'] as const;

/** `-o` formats. */
export type OutputFormat = (typeof outputFormats)[number];

/** The `-o` value as a format; undefined when absent (commander's `choices` rejects any other value first). */
export function outputFormat(value: string | undefined): OutputFormat | undefined {
  return outputFormats.find((format) => format === value);
}

/** Prints a command's progress, result and resources in kp's manner. */
export class Reporter {
  readonly #io: CliIo;
  readonly mode: WriteMode;
  readonly format: OutputFormat | undefined;

  constructor(io: CliIo, options: { mode?: WriteMode; format?: OutputFormat | undefined } = {}) {
    this.#io = io;
    this.mode = options.mode ?? 'apply';
    this.format = options.format;
  }

  /** True when the server must not be changed. */
  get dryRun(): boolean {
    return this.mode !== 'apply';
  }

  /** True when images must not be uploaded. */
  get skipUploads(): boolean {
    return this.mode === 'dry-run';
  }

  /** A progress line (a newline is added). */
  progress(line: string): void {
    const text = `${line}\n`;
    if (this.format === undefined) this.#io.stdout(text);
    else this.#io.stderr(text);
  }

  /** The result line, e.g. `ClusterStore "default" created`, with the mode's suffix; nothing with `-o`. */
  result(line: string, changed = true): void {
    if (this.format === undefined) this.#io.stdout(`${line}${resultSuffix(this.mode, changed)}\n`);
  }

  /** Prints `objects` when `-o` was given (one YAML document each, or a JSON object / list). */
  resources(objects: readonly KubeObject[]): void {
    if (this.format === undefined) return;
    const shown = objects.map(forDisplay);
    if (this.format === 'json') {
      const value = shown.length === 1 ? shown[0] : { apiVersion: 'v1', kind: 'List', items: shown };
      this.#io.stdout(`${JSON.stringify(value, null, 4)}\n`);
      return;
    }
    this.#io.stdout(shown.map((o) => `${shown.length > 1 ? '---\n' : ''}${stringify(o, { lineWidth: 0 })}`).join(''));
  }
}

// Server-managed fields would only distract from what the user wrote; status is kept.
function forDisplay(object: KubeObject): KubeObject {
  const { managedFields: _managed, ...metadata } = object.metadata;
  return { ...object, metadata };
}
