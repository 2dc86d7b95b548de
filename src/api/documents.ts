/**
 * Reads kpack resources out of YAML or JSON text (multi-document files, `kind: List` wrappers),
 * keeping where each one came from so that problems can point at the file and document.
 */
import { parseAllDocuments } from 'yaml';
import { isJsonObject, messageOf } from '../shared/index.ts';
import { metadataOf, type KubeObject } from './resource.ts';

/** A resource and its origin, such as `stores.yaml#2` (the third document). */
export interface SourcedResource {
  resource: KubeObject;
  origin: string;
}

/** A problem with a document as a whole (bad YAML, not an object). */
export interface DocumentProblem {
  origin: string;
  message: string;
}

/** The resources of one text, plus documents that could not be read. Empty documents are skipped. */
export function parseResourceDocuments(text: string, source: string): { resources: SourcedResource[]; problems: DocumentProblem[] } {
  const resources: SourcedResource[] = [];
  const problems: DocumentProblem[] = [];
  parseAllDocuments(text, { version: '1.1' }).forEach((document, index) => {
    const origin = `${source}#${index}`;
    if (document.errors.length > 0) {
      problems.push({ origin, message: `not valid YAML: ${document.errors.map((e) => e.message).join('; ')}` });
      return;
    }
    let value: unknown;
    try {
      value = document.toJS();
    } catch (error) {
      // toJS throws plain ReferenceErrors for unresolved aliases and for alias bombs (billion laughs).
      problems.push({ origin, message: `not valid YAML: ${messageOf(error)}` });
      return;
    }
    if (value === null || value === undefined) return;
    collect(value, origin, resources, problems);
  });
  return { resources, problems };
}

function collect(value: unknown, origin: string, resources: SourcedResource[], problems: DocumentProblem[]): void {
  if (!isJsonObject(value)) {
    problems.push({ origin, message: 'expected a Kubernetes object with apiVersion, kind, metadata and spec' });
    return;
  }
  const object = value;
  if (object.kind === 'List' && Array.isArray(object.items)) {
    object.items.forEach((item, i) => collect(item, `${origin}.items[${i}]`, resources, problems));
    return;
  }
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
    problems.push({ origin, message: 'missing apiVersion or kind' });
    return;
  }
  resources.push({ resource: { ...object, apiVersion: object.apiVersion, kind: object.kind, metadata: metadataOf(object.metadata) }, origin });
}
