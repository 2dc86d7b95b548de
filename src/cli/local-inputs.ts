/**
 * The inputs of the local-mode commands (`build`, `plan`): YAML/JSON resources and pack
 * builder.toml files read from `-f`, with notices for skipped kinds and warnings printed once,
 * and every resource prepared (validated, defaulted, local paths resolved).
 */
import type { DocumentProblem } from '../api/index.ts';
import type { LocalEnvironment } from '../compose.ts';
import type { CliIo } from './io.ts';
import { packsmithKinds, prepareResources, readResourceFiles, skippedNotice, type PreparedResource } from './local-resources.ts';
import { formatBytes } from './output.ts';
import { isPackBuilderFile, readPackBuilderFiles } from './pack-builder-files.ts';
import type { Verbosity } from './progress.ts';

/** The resources read from `-f`, each prepared or rejected, and the documents that could not be read at all. */
export interface LocalInputs {
  prepared: PreparedResource[];
  problems: DocumentProblem[];
}

/** Reads YAML/JSON and builder.toml inputs, prints notices and warnings, and prepares every resource. */
export async function readLocalInputs(
  files: readonly string[],
  tag: string | undefined,
  context: { io: CliIo; environment: LocalEnvironment; verbosity: Verbosity },
): Promise<LocalInputs> {
  const { io, environment, verbosity } = context;
  const say = (line: string): void => {
    if (verbosity !== 'quiet') io.stderr(`${line}\n`);
  };
  const onLargeText = (source: string, bytes: number): void => say(`reading ${source} (${formatBytes(bytes)})…`);
  const read = await readResourceFiles(
    files.filter((f) => !isPackBuilderFile(f)),
    io.readStdin,
    onLargeText,
  );
  const pack = await readPackBuilderFiles(files.filter(isPackBuilderFile), tag, {
    images: environment.images,
    keychain: environment.keychain,
    files: environment.packConfigFiles,
  });
  const { kept, skipped } = packsmithKinds([...read.resources, ...pack.resources]);
  const notice = skippedNotice(skipped);
  if (notice !== undefined) say(notice);
  for (const warning of pack.warnings) say(`warning: ${warning}`);
  return { prepared: prepareResources(kept, environment.referenceChecks), problems: [...read.problems, ...pack.problems] };
}
