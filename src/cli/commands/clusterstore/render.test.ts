// Golden output of `clusterstore status` (plain and --verbose) and `clusterstore list`, byte for
// byte as kp prints them (tabwriter padding included, so some lines end in spaces).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/port.ts';
import { readySummary } from '../../cluster/index.ts';
import { renderStoreList, renderStoreStatus, renderStoreStatusVerbose } from './render.ts';

const meta = { id: 'meta', version: '1', homepage: 'meta-1-buildpackage-homepage' };
const simple = { id: 'simple-buildpack', version: '3', homepage: 'simple-3-buildpackage-homepage' };

const buildpacks = [
  {
    id: 'meta',
    version: '1',
    buildpackage: meta,
    storeImage: { image: 'some-meta-image' },
    homepage: 'meta-homepage',
    order: [{ group: [{ id: 'nested-buildpack', version: '2', optional: true }] }],
  },
  { id: 'nested-buildpack', version: '2', buildpackage: meta, storeImage: { image: 'some-meta-image' }, homepage: 'nested-buildpack-homepage' },
  { id: 'simple-buildpack', version: '3', buildpackage: simple, storeImage: { image: 'simple-buildpackage' }, homepage: 'simple-buildpack-homepage' },
];

function store(name: string, status: Record<string, unknown>): KubeObject {
  return { apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStore', metadata: { name }, spec: {}, status };
}

const ready = (value: string, message?: string): Record<string, unknown> => ({ type: 'Ready', status: value, ...(message ? { message } : {}) });

describe('clusterstore status', () => {
  it('shows the distinct buildpackages sorted by id', () => {
    const text = renderStoreStatus(store('s', { buildpacks: [buildpacks[2], buildpacks[1], buildpacks[0]] }));
    expect(text).toBe(`Status:    Unknown

BUILDPACKAGE ID     VERSION    HOMEPAGE
meta                1          meta-1-buildpackage-homepage
simple-buildpack    3          simple-3-buildpackage-homepage

`);
  });

  it('shows the condition message when not ready, and no table without buildpackages', () => {
    const failed = store('s', { conditions: [ready('False', 'could not find label io.buildpacks.buildpack.layers')] });
    expect(renderStoreStatus(failed)).toBe('Status:    Not Ready - could not find label io.buildpacks.buildpack.layers\n\n');
    expect(readySummary(store('s', { conditions: [ready('True')] }))).toBe('Ready');
    expect(readySummary(store('s', { conditions: [ready('Unknown')] }))).toBe('Unknown');
  });

  it('leaves out buildpacks without buildpackage metadata (builder images as sources)', () => {
    const fromBuilder = { id: 'loose', version: '9', storeImage: { image: 'some-builder' } };
    const text = renderStoreStatus(store('s', { conditions: [ready('True')], buildpacks: [fromBuilder, buildpacks[2]] }));
    expect(text).toBe(`Status:    Ready

BUILDPACKAGE ID     VERSION    HOMEPAGE
simple-buildpack    3          simple-3-buildpackage-homepage

`);
    expect(renderStoreStatusVerbose(store('s', { buildpacks: [fromBuilder] }))).toBe('Status:    Unknown\n\n');
  });

  it("--verbose reproduces kp's documented example", () => {
    const text = renderStoreStatusVerbose(store('s', { conditions: [ready('True')], buildpacks: buildpacks.slice(0, 2) }));
    expect(text).toBe(`Status:    Ready

Buildpackage:    meta@1
Image:           some-meta-image
Homepage:        meta-homepage

BUILDPACK ID        VERSION    HOMEPAGE
nested-buildpack    2          nested-buildpack-homepage

DETECTION ORDER       
Group #1              
  nested-buildpack    (Optional)

`);
  });

  it('--verbose separates buildpackages by an empty line, with empty tables for a single buildpack', () => {
    const text = renderStoreStatusVerbose(store('s', { buildpacks: [buildpacks[2], ...buildpacks.slice(0, 2)] }));
    expect(text).toBe(`Status:    Unknown

Buildpackage:    meta@1
Image:           some-meta-image
Homepage:        meta-homepage

BUILDPACK ID        VERSION    HOMEPAGE
nested-buildpack    2          nested-buildpack-homepage

DETECTION ORDER       
Group #1              
  nested-buildpack    (Optional)


Buildpackage:    simple-buildpack@3
Image:           simple-buildpackage
Homepage:        simple-buildpack-homepage

BUILDPACK ID    VERSION    HOMEPAGE

DETECTION ORDER    

`);
  });

  it('--verbose numbers groups and marks only optional buildpacks; a missing homepage prints --', () => {
    const top = {
      id: 'test/web',
      version: '2.0.0',
      buildpackage: { id: 'test/web', version: '2.0.0' },
      storeImage: { image: 'reg.test/kp-default@sha256:abc' },
      order: [
        {
          group: [
            { id: 'test/node', version: '1.0.0' },
            { id: 'test/python', version: '1.0.0', optional: true },
          ],
        },
        { group: [{ id: 'test/ruby' }] },
      ],
    };
    const text = renderStoreStatusVerbose(store('s', { conditions: [ready('True')], buildpacks: [top] }));
    expect(text).toBe(`Status:    Ready

Buildpackage:    test/web@2.0.0
Image:           reg.test/kp-default@sha256:abc
Homepage:        --

BUILDPACK ID    VERSION    HOMEPAGE

DETECTION ORDER    
Group #1           
  test/node        
  test/python      (Optional)
Group #2           
  test/ruby        

`);
  });
});

describe('clusterstore list', () => {
  it('shows each store with the status of its Ready condition, Unknown without one', () => {
    const text = renderStoreList([
      store('default', { conditions: [ready('True')] }),
      store('broken-store', { conditions: [ready('False', 'nope')] }),
      store('new', {}),
    ]);
    expect(text).toBe(`NAME            READY
default         True
broken-store    False
new             Unknown

`);
  });
});
