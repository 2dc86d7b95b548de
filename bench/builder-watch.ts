/**
 * The benchmark's view of the Builders: one list, then one watch through the apiserver's HTTP API
 * kept open, so each Builder's state comes from its events. Polling `kubectl get -o json` instead
 * spawned a process and parsed every Builder (tens of MB with 2,000) twice a second, on the same
 * cores as the controllers it measures. A watch that ends is reopened from the last
 * resourceVersion; a 410 (too old) lists again.
 */
import { request as httpsRequest } from 'node:https';
import { createInterface } from 'node:readline';
import type { IncomingMessage } from 'node:http';
import type { KubeHandle } from '../test/harness/index.ts';

/** What the benchmark checks of one Builder. */
export interface BuilderState {
  name: string;
  ready: boolean;
  upToDate: boolean;
  ruby: string;
  latestImage: string;
}

interface BuilderJson {
  metadata: { name: string; resourceVersion: string };
  status?: { conditions?: Array<{ type: string; status: string }>; order?: Array<{ group: Array<{ version?: string }> }>; latestImage?: string };
}

function stateOf(b: BuilderJson): BuilderState {
  const condition = (type: string): boolean => b.status?.conditions?.find((c) => c.type === type)?.status === 'True';
  return {
    name: b.metadata.name,
    ready: condition('Ready'),
    upToDate: condition('UpToDate'),
    ruby: b.status?.order?.[1]?.group[0]?.version ?? '',
    latestImage: b.status?.latestImage ?? '',
  };
}

/** The live states, and a way to wait until a predicate holds for `count` of them. */
export interface BuilderWatch {
  states(): BuilderState[];
  /** Resolves once `done` holds for `count` Builders (checked on every event); rejects after `timeoutMs` or when `failed()` names a problem. */
  until(wait: {
    done: (b: BuilderState) => boolean;
    count: number;
    timeoutMs: number;
    what: string;
    failed?: () => Promise<string | undefined>;
  }): Promise<number>;
  stop(): void;
}

/** Watches the Builders of `namespace` whose name starts with `prefix`. */
export async function watchBuilders(kube: KubeHandle, namespace: string, prefix: string): Promise<BuilderWatch> {
  const path = `/apis/kpack.io/v1alpha2/namespaces/${namespace}/builders`;
  const states = new Map<string, BuilderState>();
  const listeners = new Set<() => void>();
  let stopped = false;
  let current: IncomingMessage | undefined;
  const changed = (): void => {
    for (const listener of listeners) listener();
  };
  const open = (query: string): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const req = httpsRequest(
        new URL(`${path}?${query}`, kube.server),
        { ca: kube.caPem, headers: { Authorization: `Bearer ${kube.token}`, Accept: 'application/json' } },
        resolve,
      );
      req.once('error', reject);
      req.end();
    });
  const list = async (): Promise<string> => {
    const res = await open('');
    let text = '';
    res.setEncoding('utf8');
    for await (const chunk of res) text += chunk as string;
    if (res.statusCode !== 200) throw new Error(`list builders: ${String(res.statusCode)} ${text.slice(0, 500)}`);
    const body = JSON.parse(text) as { metadata: { resourceVersion: string }; items: BuilderJson[] };
    states.clear();
    for (const item of body.items) if (item.metadata.name.startsWith(prefix)) states.set(item.metadata.name, stateOf(item));
    changed();
    return body.metadata.resourceVersion;
  };
  /** Applies one event line; returns the resourceVersion to resume from, or undefined when the watch must list again. */
  const apply = (line: string, resourceVersion: string): string | undefined => {
    if (line.trim() === '') return resourceVersion;
    const event = JSON.parse(line) as { type: string; object: BuilderJson };
    if (event.type === 'ERROR') return undefined;
    const { name } = event.object.metadata;
    if (event.type !== 'BOOKMARK' && name.startsWith(prefix)) {
      if (event.type === 'DELETED') states.delete(name);
      else states.set(name, stateOf(event.object));
      changed();
    }
    return event.object.metadata.resourceVersion;
  };
  const watchOnce = async (from: string): Promise<string> => {
    const res = await open(`watch=true&allowWatchBookmarks=true&timeoutSeconds=600&resourceVersion=${from}`);
    current = res;
    if (res.statusCode !== 200) throw new Error(`watch builders: ${String(res.statusCode)}`);
    let resourceVersion = from;
    for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
      const next = apply(line, resourceVersion);
      if (next === undefined) return list();
      resourceVersion = next;
    }
    return resourceVersion;
  };
  const watchLoop = async (from: string): Promise<void> => {
    let resourceVersion = from;
    while (!stopped) {
      try {
        resourceVersion = await watchOnce(resourceVersion);
      } catch (error) {
        if (stopped) return;
        console.error(`builder watch: ${(error as Error).message}; reopening`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  void watchLoop(await list());
  return {
    states: () => [...states.values()],
    until: ({ done, count, timeoutMs, what, failed }) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const finish = (error?: Error): void => {
          listeners.delete(check);
          clearTimeout(deadline);
          clearInterval(health);
          if (error) reject(error);
          else resolve(Date.now() - started);
        };
        const check = (): void => {
          let finished = 0;
          for (const state of states.values()) if (done(state)) finished += 1;
          if (finished >= count) finish();
        };
        const deadline = setTimeout(() => {
          const finished = [...states.values()].filter(done).length;
          finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${finished}/${count})`));
        }, timeoutMs);
        // A dead controller would otherwise only show as the deadline.
        const health = setInterval(() => {
          void failed?.().then((problem) => problem !== undefined && finish(new Error(`${problem} while waiting for ${what}`)));
        }, 2_000);
        listeners.add(check);
        check();
      }),
    stop: () => {
      stopped = true;
      current?.destroy();
    },
  };
}
