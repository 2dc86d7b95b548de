import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/index.ts';
import { rebuildPriorityOf, rebuildRank, specChangedAt } from './rebuild-order.ts';

const builder = (metadata: Partial<KubeObject['metadata']>): KubeObject => ({ metadata: { name: 'b', namespace: 'team', ...metadata } });
const at = (iso: string): number => Date.parse(iso) / 1000;

describe('rebuild order', () => {
  it('reads the priority annotation as an integer within ±1000, else 0', () => {
    const of = (value: string): number => rebuildPriorityOf(builder({ annotations: { 'packsmith.kpack.io/rebuild-priority': value } }));
    expect([of('5'), of(' -3 '), of('+7'), of('99999'), of('-99999'), of('high'), of('1.5'), of('')]).toEqual([5, -3, 7, 1000, -1000, 0, 0, 0]);
    expect(rebuildPriorityOf(builder({}))).toBe(0);
  });

  it('dates the spec by the newest managedFields entry that touched spec, else the creation time', () => {
    const managedFields = [
      { manager: 'kubectl', operation: 'Update', time: '2026-12-01T10:00:00Z', fieldsV1: { 'f:spec': {} } },
      { manager: 'packsmith', operation: 'Update', time: '2026-12-03T10:00:00Z', subresource: 'status', fieldsV1: { 'f:status': {} } },
      { manager: 'kp', operation: 'Update', time: '2026-12-02T10:00:00Z', fieldsV1: { 'f:metadata': {}, 'f:spec': {} } },
      { manager: 'broken', time: 'not a time', fieldsV1: { 'f:spec': {} } },
    ];
    expect(specChangedAt(builder({ creationTimestamp: '2026-11-01T00:00:00Z', managedFields }))).toBe(at('2026-12-02T10:00:00Z'));
    expect(specChangedAt(builder({ creationTimestamp: '2026-11-01T00:00:00Z' }))).toBe(at('2026-11-01T00:00:00Z'));
    expect(specChangedAt(builder({}))).toBe(0);
  });

  it('ranks inputs before builders, then priority, then the newest spec change', () => {
    const old = builder({ creationTimestamp: '2026-01-01T00:00:00Z' });
    const recent = builder({ creationTimestamp: '2026-12-01T00:00:00Z' });
    const urgentButOld = builder({ creationTimestamp: '2020-01-01T00:00:00Z', annotations: { 'packsmith.kpack.io/rebuild-priority': '1' } });
    const ranks = [
      rebuildRank('ClusterStore', undefined),
      rebuildRank('Builder', urgentButOld),
      rebuildRank('ClusterBuilder', recent),
      rebuildRank('Builder', old),
    ];
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(rebuildRank('ClusterStore', undefined)).toBeGreaterThan(
      rebuildRank('Builder', builder({ annotations: { 'packsmith.kpack.io/rebuild-priority': '1000' }, creationTimestamp: '2200-01-01T00:00:00Z' })),
    );
    expect(Number.isSafeInteger(rebuildRank('ClusterStore', undefined))).toBe(true);
  });
});
