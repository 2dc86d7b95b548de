/**
 * `build -f builder.toml --tag REF`: pack's builder configuration files among local mode's inputs.
 * Each becomes kpack resources (app's `packBuilderResources`) that join the YAML ones, with the
 * file as their origin; a file that cannot be used is a document problem naming every key at fault.
 */
import { readFile } from 'node:fs/promises';
import type { DocumentProblem, SourcedResource } from '../api/index.ts';
import { packBuilderResources, type PackBuilderDeps } from '../app/index.ts';
import { ValidationError, messageOf } from '../shared/index.ts';
import { CliError, exitCodes } from './errors.ts';

/** True for a path local mode reads as pack's builder.toml. */
export const isPackBuilderFile = (path: string): boolean => /\.toml$/i.test(path);

/** The resources of every builder.toml, their problems, and warnings to print. */
export interface PackBuilderInputs {
  resources: SourcedResource[];
  problems: DocumentProblem[];
  warnings: string[];
}

function problemsOf(file: string, error: unknown): DocumentProblem[] {
  if (!(error instanceof ValidationError)) return [{ origin: file, message: messageOf(error) }];
  const message = error.issues.map((i) => `${i.path.replace(`${file} `, '')}: ${i.message}`).join('\n');
  return [{ origin: file, message: `not a usable builder.toml:\n${message}` }];
}

/** Reads `files` (pack builder.toml files) for a builder pushed to `tag`; throws a usage error when there is no tag. */
export async function readPackBuilderFiles(files: readonly string[], tag: string | undefined, deps: PackBuilderDeps): Promise<PackBuilderInputs> {
  const inputs: PackBuilderInputs = { resources: [], problems: [], warnings: [] };
  if (files.length === 0) {
    if (tag !== undefined)
      throw new CliError('--tag is for pack builder.toml files (-f builder.toml); kpack resources name their tag in spec.tag', exitCodes.usage);
    return inputs;
  }
  if (tag === undefined)
    throw new CliError(`${files[0] ?? ''} is pack's builder.toml: give the builder's image with --tag REF (a registry tag or oci:PATH)`, exitCodes.usage);
  if (files.length > 1) throw new CliError(`${files.length} builder.toml files for one --tag: build one builder.toml per run`, exitCodes.usage);
  for (const file of files) {
    try {
      const made = await packBuilderResources(await readFile(file, 'utf8'), { file, tag }, deps);
      inputs.resources.push(...made.resources.map((resource) => ({ resource, origin: file })));
      inputs.warnings.push(...made.warnings.map((w) => `${file}: ${w}`));
    } catch (error) {
      inputs.problems.push(...problemsOf(file, error));
    }
  }
  return inputs;
}
