// Golden output of `buildpack status` and `buildpack list` (both kinds share the renderers): kp's
// own expected texts for the shapes kp has, and packsmith's detection-order sections for
// meta-buildpacks. Trailing spaces are part of the expected text (Go tabwriter pads every cell).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/port.ts';
import { renderBuildpackList, renderBuildpackStatus } from './render.ts';

const ready = [{ type: 'Ready', status: 'True' }];

function buildpack(name: string, image: string, status: Record<string, unknown>): KubeObject {
  return { apiVersion: 'kpack.io/v1alpha2', kind: 'Buildpack', metadata: { name, namespace: 'team' }, spec: { image, serviceAccountName: 'default' }, status };
}

describe('buildpack status', () => {
  it("prints kp's ready view for a plain buildpack", () => {
    const object = buildpack('test-buildpack-1', 'some-registry.com/test-buildpack-1', {
      conditions: ready,
      buildpacks: [{ id: 'org.cloudfoundry.nodejs', version: '0.2.1' }],
    });
    expect(renderBuildpackStatus(object)).toBe(`Status:    Ready
Source:    some-registry.com/test-buildpack-1

BUILDPACK ID               VERSION    HOMEPAGE
org.cloudfoundry.nodejs    0.2.1      

`);
  });

  it('adds the detection order of each meta-buildpack, with versions and optional marks', () => {
    const object = buildpack('web', 'registry.test/kp-default@sha256:abc', {
      conditions: ready,
      buildpacks: [
        {
          id: 'test/web',
          version: '2.0.0',
          buildpackage: { id: 'test/web', version: '2.0.0' },
          order: [
            {
              group: [
                { id: 'test/node', version: '1.0.0' },
                { id: 'test/python', version: '1.0.0', optional: true },
              ],
            },
            { group: [{ id: 'test/static' }] },
          ],
        },
        { id: 'test/node', version: '1.0.0', homepage: 'https://example.test/test/node', buildpackage: { id: 'test/web', version: '2.0.0' } },
        { id: 'test/python', version: '1.0.0', homepage: 'https://example.test/test/python', buildpackage: { id: 'test/web', version: '2.0.0' } },
      ],
    });
    expect(renderBuildpackStatus(object)).toBe(`Status:    Ready
Source:    registry.test/kp-default@sha256:abc

BUILDPACK ID    VERSION    HOMEPAGE
test/web        2.0.0      
test/node       1.0.0      https://example.test/test/node
test/python     1.0.0      https://example.test/test/python

Buildpack:    test/web@2.0.0

DETECTION ORDER        
Group #1               
  test/node@1.0.0      
  test/python@1.0.0    (Optional)
Group #2               
  test/static          

`);
  });

  it('prints Not Ready with the condition message as the reason', () => {
    const object = buildpack('broken', 'some-registry.com/broken', {
      conditions: [{ type: 'Ready', status: 'False', message: 'this buildpack is not ready for the purpose of a test' }],
      buildpacks: [{ id: 'kept/from-last-read', version: '1' }],
    });
    expect(renderBuildpackStatus(object)).toBe(`Status:    Not Ready
Reason:    this buildpack is not ready for the purpose of a test

`);
  });

  it('prints Unknown before the controller has decided', () => {
    expect(renderBuildpackStatus(buildpack('new', 'some-registry.com/new', {}))).toBe('Status:    Unknown\n\n');
    expect(renderBuildpackStatus(buildpack('new', 'some-registry.com/new', { conditions: [{ type: 'Ready', status: 'Unknown' }] }))).toBe(
      'Status:    Unknown\n\n',
    );
  });

  it('prints -- for a missing reason or source', () => {
    const notReady = buildpack('x', 'i', { conditions: [{ type: 'Ready', status: 'False' }] });
    expect(renderBuildpackStatus(notReady)).toBe('Status:    Not Ready\nReason:    --\n\n');
    const noImage: KubeObject = { metadata: { name: 'x' }, spec: {}, status: { conditions: ready } };
    expect(renderBuildpackStatus(noImage)).toBe('Status:    Ready\nSource:    --\n\nBUILDPACK ID    VERSION    HOMEPAGE\n\n');
  });
});

describe('buildpack list', () => {
  it("prints kp's NAME READY IMAGE table sorted by name", () => {
    const objects = [
      buildpack('test-buildpack-2', 'some-registry.com/test-buildpack-2', { conditions: [{ type: 'Ready', status: 'False' }] }),
      buildpack('test-buildpack-1', 'some-registry.com/test-buildpack-1', { conditions: ready }),
      buildpack('test-buildpack-3', 'some-registry.com/test-buildpack-3', {}),
    ];
    expect(renderBuildpackList(objects)).toBe(`NAME                READY      IMAGE
test-buildpack-1    true       some-registry.com/test-buildpack-1
test-buildpack-2    false      some-registry.com/test-buildpack-2
test-buildpack-3    unknown    some-registry.com/test-buildpack-3

`);
  });

  it("matches kp's sample for two buildpacks", () => {
    const objects = [
      buildpack('test-buildpack-1', 'some-registry.com/test-buildpack-1', { conditions: ready }),
      buildpack('test-buildpack-2', 'some-registry.com/test-buildpack-2', { conditions: [{ type: 'Ready', status: 'False' }] }),
    ];
    expect(renderBuildpackList(objects)).toBe(`NAME                READY    IMAGE
test-buildpack-1    true     some-registry.com/test-buildpack-1
test-buildpack-2    false    some-registry.com/test-buildpack-2

`);
  });
});
