/**
 * The kpack examples of the seed documents (the store and builder docs): each complete resource
 * in their ```yaml blocks, with the block text exactly as written, for `kubectl apply` verbatim.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/api/index.ts';

/** One example: the YAML as written and what it parses to. */
export interface SeedExample {
  yaml: string;
  resource: KubeObject;
}

const seedsDir = new URL('../../../shared/seeds/', import.meta.url);
const files = ['000_b2b5bbfafae59edd.txt', '002_d5986d9c4f3d46f8.txt'];

/** Every block that is a whole kpack resource (fragments such as a lone `spec:` are skipped). */
export function seedExamples(): SeedExample[] {
  return files.flatMap((file) => {
    const text = readFileSync(new URL(file, seedsDir), 'utf8');
    return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].flatMap((match) => {
      const yaml = match[1] ?? '';
      const documents = parseAllDocuments(yaml).map((d) => d.toJS() as KubeObject | null);
      const resources = documents.filter((r): r is KubeObject => Boolean(r?.apiVersion && r.kind));
      return resources.length === 1 && documents.length === 1 ? [{ yaml, resource: resources[0]! }] : [];
    });
  });
}
