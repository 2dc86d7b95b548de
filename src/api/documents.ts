/**
 * Reads kpack resources out of YAML or JSON text (multi-document files, `kind: List` wrappers),
 * keeping where each one came from so that problems can point at the file and document.
 */
import { Composer, LineCounter, Parser } from 'yaml';
import { isJsonObject, messageOf } from '../shared/index.ts';
import { metadataOf, type KubeObject } from './resource.ts';

/** A resource and its origin, such as `stores.yaml#3` (the third document; documents count from 1). */
export interface SourcedResource {
  resource: KubeObject;
  origin: string;
}

/** A problem with a document as a whole (bad YAML, not an object). */
export interface DocumentProblem {
  origin: string;
  message: string;
}

/** At most this many problems are listed per text; the rest are counted, so output stays bounded. */
export const maxProblemsPerText = 20;

/** The resources of one text, plus documents that could not be read. Empty documents are skipped. */
export function parseResourceDocuments(text: string, source: string): { resources: SourcedResource[]; problems: DocumentProblem[] } {
  // NUL bytes never occur in YAML or JSON text: the file is binary (an image, an archive, a `.cnb`).
  if (text.includes('\u0000')) return { resources: [], problems: [{ origin: source, message: 'not YAML: binary content' }] };
  const resources: SourcedResource[] = [];
  const problems: DocumentProblem[] = [];
  // One document at a time (parser and composer are generators): each syntax tree is dropped once
  // its value is taken, so a file of many documents costs a few times its size, not tens of times.
  const lines = new LineCounter();
  const documents = new Composer({ version: '1.1' }).compose(new Parser(lines.addNewLine).parse(text));
  let index = 0;
  for (const document of documents) {
    const origin = `${source}#${++index}`;
    const [firstError] = document.errors;
    if (firstError !== undefined) {
      const line = lines.linePos(firstError.pos[0]).line;
      problems.push({
        origin,
        message: `not valid YAML${line > 0 ? ` at line ${line}` : ''}: ${document.errors.map((e) => firstLine(e.message)).join('; ')}`,
      });
      continue;
    }
    let value: unknown;
    try {
      // A copy: the parsed strings are slices of the parser's buffers, and keeping one keeps the whole
      // buffer alive (about 10 KB per small document); the copy holds only its own characters.
      value = structuredClone(document.toJS());
    } catch (error) {
      // toJS throws plain ReferenceErrors for unresolved aliases and for alias bombs (billion laughs).
      problems.push({ origin, message: `not valid YAML: ${messageOf(error)}` });
      continue;
    }
    if (value === null || value === undefined) continue;
    collect(value, origin, resources, problems);
  }
  return { resources, problems: bounded(problems, source) };
}

// yaml's messages carry a code excerpt after the first line; the line number says where instead.
function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}

function bounded(problems: DocumentProblem[], source: string): DocumentProblem[] {
  if (problems.length <= maxProblemsPerText) return problems;
  const rest = problems.length - maxProblemsPerText;
  return [...problems.slice(0, maxProblemsPerText), { origin: source, message: `and ${rest} more problem${rest === 1 ? '' : 's'} in this file` }];
}

function missingEnvelopeFields(object: Record<string, unknown>): string | undefined {
  const missing = (['apiVersion', 'kind'] as const).filter((field) => typeof object[field] !== 'string');
  return missing.length === 0 ? undefined : `missing ${missing.join(' and ')}`;
}

function collect(value: unknown, origin: string, resources: SourcedResource[], problems: DocumentProblem[]): void {
  if (!isJsonObject(value)) {
    problems.push({ origin, message: 'expected a Kubernetes object with apiVersion, kind, metadata and spec' });
    return;
  }
  const { apiVersion, kind, items } = value;
  if (kind === 'List' && Array.isArray(items)) {
    items.forEach((item, i) => collect(item, `${origin}.items[${i}]`, resources, problems));
    return;
  }
  const missing = missingEnvelopeFields(value);
  if (missing !== undefined || typeof apiVersion !== 'string' || typeof kind !== 'string') {
    problems.push({ origin, message: missing ?? 'missing apiVersion or kind' });
    return;
  }
  resources.push({ resource: { ...value, apiVersion, kind, metadata: metadataOf(value.metadata) }, origin });
}
