/**
 * The three ways kp takes a builder's order, of which at most one may be given: `--order` (a YAML
 * list of `{group: [...]}`, from a file or `-` for stdin), `--buildpack` (ids, `id@version`, all in
 * one group) and `--order-from` (the `io.buildpacks.buildpack.order` label of a builder image).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { builderSpec, type BuilderBuildpackRef } from '../../../api/index.ts';
import { byteChunk, messageOf } from '../../../shared/index.ts';
import { CliError, exitCodes } from '../../errors.ts';

/** A builder's order as the spec stores it. */
export type BuilderOrder = Array<{ group: BuilderBuildpackRef[] }>;

/** The order flags as given; `buildpacks` is empty when `--buildpack` was not used. */
export interface OrderFlags {
  order?: string | undefined;
  buildpacks: string[];
  orderFrom?: string | undefined;
}

/** The image label kp reads `--order-from` from. */
export const orderLabel = 'io.buildpacks.buildpack.order';

const orderSchema = builderSpec.shape.order.def.innerType;

/** Reads the order flags from commander's options; `--buildpack` values may be comma-separated lists. */
export function readOrderFlags(options: Record<string, unknown>): OrderFlags {
  const given = Array.isArray(options.buildpack) ? options.buildpack.filter((v): v is string => typeof v === 'string') : [];
  const buildpacks = given
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  return { order: text(options.order), buildpacks, orderFrom: text(options.orderFrom) };
}

/** Throws kp's usage error when more than one way of giving the order was used. */
export function checkOneOrderSource(flags: OrderFlags): void {
  const used = [flags.order !== undefined, flags.buildpacks.length > 0, flags.orderFrom !== undefined].filter(Boolean).length;
  if (used > 1) throw new CliError('only one of --order, --buildpack, or --order-from can be specified', exitCodes.usage);
}

/** One group from `id` / `id@version` values, in the order given (kp's `--buildpack`). */
export function orderFromBuildpacks(values: readonly string[]): BuilderOrder {
  const group = values.map((value): BuilderBuildpackRef => {
    const at = value.indexOf('@');
    const id = at < 0 ? value : value.slice(0, at);
    const version = at < 0 ? '' : value.slice(at + 1);
    return version === '' ? { id } : { id, version };
  });
  return [{ group }];
}

function checked(value: unknown, what: string): BuilderOrder {
  if (value === null || value === undefined) return [];
  const result = orderSchema.safeParse(value);
  if (result.success) return result.data.map((entry) => ({ group: entry.group ?? [] }));
  const issues = result.error.issues.map((issue) => `  ${['order', ...issue.path.map(String)].join('.')}: ${issue.message}`);
  throw new CliError(`${what} is not a valid order (a list of {group: [{id, version}]}):\n${issues.join('\n')}`);
}

/** Parses the YAML (or JSON) text of an order file; `what` names it in errors. */
export function parseOrderYaml(text: string, what: string): BuilderOrder {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new CliError(`${what}: ${messageOf(error)}`, exitCodes.failure, { cause: error });
  }
  return checked(value, what);
}

/** The order a builder image's labels carry; kp's error when the label is missing. */
export function parseOrderLabel(labels: Readonly<Record<string, string>>, image: string): BuilderOrder {
  const text = labels[orderLabel];
  if (text === undefined) throw new CliError(`image ${image} does not contain the ${orderLabel} label`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`failed to parse ${orderLabel} label of ${image}: ${messageOf(error)}`, exitCodes.failure, { cause: error });
  }
  return checked(value, `the ${orderLabel} label of ${image}`);
}

/** Where `--order` and `--order-from` are read from (injected so the parsing stays testable). */
export interface OrderReaders {
  /** The labels of an image's config. */
  imageLabels: (reference: string) => Promise<Record<string, string>>;
  /** The text of a file, or of stdin for `-`. */
  readText?: (path: string) => Promise<string>;
}

/** The order the flags give, or undefined when none of them was used. */
export async function readOrderInput(flags: OrderFlags, readers: OrderReaders): Promise<BuilderOrder | undefined> {
  checkOneOrderSource(flags);
  if (flags.buildpacks.length > 0) return orderFromBuildpacks(flags.buildpacks);
  if (flags.order !== undefined) {
    const read = readers.readText ?? readTextFile;
    return parseOrderYaml(await read(flags.order), flags.order === '-' ? 'the order on stdin' : flags.order);
  }
  if (flags.orderFrom !== undefined) return parseOrderLabel(await readers.imageLabels(flags.orderFrom), flags.orderFrom);
  return undefined;
}

async function readTextFile(path: string): Promise<string> {
  try {
    if (path !== '-') return await readFile(path, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(byteChunk(chunk)));
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    throw new CliError(`--order: cannot read ${path}: ${messageOf(error)}`, exitCodes.failure, { cause: error });
  }
}
