/**
 * Inputs for local-mode tests: a stack (build and run images), a lifecycle image (the REAL
 * lifecycle binary when provisioned, else a stand-in script) and buildpackages made by our
 * buildpackage writer, plus the kpack YAML that names them wherever they were written.
 */
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createBuildpackage, labelKeys, type BuildpackTree } from '../../src/cnb/index.ts';
import { appendLayers, createTarLayer, emptyImage, withEnv, withLabels, type Image, type TarLayerEntry } from '../../src/oci/index.ts';
import { lifecycleBin } from '../harness/cnb-tools.ts';

export const stackId = 'io.packsmith.test.stack';
export const lifecycleVersion = '0.21.17';
const phases = ['detector', 'analyzer', 'restorer', 'builder', 'exporter', 'rebaser', 'creator'];

/** A lifecycle image shaped like buildpacks/lifecycle's; `real` puts the provisioned binary in its last layer. */
export async function lifecycleImage(real: boolean): Promise<Image> {
  const binary = lifecycleBin();
  const entries: TarLayerEntry[] =
    real && existsSync(binary)
      ? [{ path: 'cnb/lifecycle/lifecycle', type: 'file', mode: 0o755, size: (await stat(binary)).size, open: () => Promise.resolve(createReadStream(binary)) }]
      : [{ path: 'cnb/lifecycle/lifecycle', type: 'file', mode: 0o755, content: '#!/bin/sh\n# stand-in for the lifecycle binary\nexit 1\n' }];
  const layer = createTarLayer([
    ...entries,
    ...phases.map((name) => ({ path: `cnb/lifecycle/${name}`, type: 'symlink' as const, mode: 0o777, linkTarget: 'lifecycle' })),
  ]);
  const versions = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_v, i) => `0.${from + i}`);
  return withLabels(appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [layer]), {
    [labelKeys.lifecycleVersion]: lifecycleVersion,
    [labelKeys.lifecycleApis]: JSON.stringify({
      buildpack: { deprecated: [], supported: versions(7, 12) },
      platform: { deprecated: [], supported: versions(7, 15) },
    }),
    [labelKeys.builderMetadata]: JSON.stringify({ lifecycle: { version: lifecycleVersion }, api: { buildpack: '0.7', platform: '0.7' } }),
  });
}

/** A small stack image with the CNB user and the stack id label. */
export function stackImage(kind: 'build' | 'run'): Image {
  const layer = createTarLayer([
    { path: 'etc/packsmith-stack', type: 'file', mode: 0o644, content: `${kind} image of a packsmith test stack\n` },
    { path: 'home/cnb', type: 'dir', mode: 0o755, uid: 1000, gid: 1000 },
  ]);
  const image = withLabels(appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [layer]), { [labelKeys.stackId]: stackId });
  return withEnv(image, { CNB_USER_ID: '1000', CNB_GROUP_ID: '1000' });
}

function component(id: string, marker: string, version = '1.0.0'): BuildpackTree {
  return {
    descriptor: { api: '0.10', buildpack: { id, version, homepage: `https://example.test/${id}` }, targets: [{ os: 'linux', arch: 'amd64' }] },
    files: {
      'bin/detect': { content: `#!/bin/sh\n# test buildpack: passes when the app has ${marker}\n[ -f ${marker} ] || exit 100\n` },
      'bin/build': { content: '#!/bin/sh\nexit 0\n' },
    },
  };
}

const web: BuildpackTree = {
  descriptor: {
    api: '0.10',
    buildpack: { id: 'test/web', version: '2.0.0' },
    order: [
      {
        group: [
          { id: 'test/node', version: '1.0.0' },
          { id: 'test/python', version: '1.0.0', optional: true },
        ],
      },
    ],
  },
};

/** The buildpackages by name: `web` (meta with node and python), `ruby` (one buildpack). */
export async function buildpackages(rubyVersion = '1.0.0'): Promise<Record<'web' | 'ruby', Image>> {
  return {
    web: await createBuildpackage([web, component('test/node', 'package.json'), component('test/python', 'requirements.txt')]),
    ruby: await createBuildpackage([component('test/ruby', 'Gemfile', rubyVersion)]),
  };
}

/** Where each input lives (image references of any kind) and where builders go. */
export interface Locations {
  web: string;
  ruby: string;
  build: string;
  run: string;
  lifecycle: string;
  /** Builder tags are made from this prefix (a repository or `oci:DIR`). */
  builders: string;
}

/** kpack YAML naming the inputs: a store, a ClusterBuildpack, a stack, a lifecycle and two builders (one v1alpha1). */
export function resourcesYaml(at: Locations): string {
  return `apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: default}
spec:
  sources:
  - image: ${at.web}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterBuildpack
metadata: {name: ruby}
spec: {image: ${at.ruby}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: base}
spec:
  id: ${stackId}
  buildImage: {image: ${at.build}}
  runImage: {image: ${at.run}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterLifecycle
metadata: {name: default-lifecycle}
spec: {image: ${at.lifecycle}}
---
apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: web, namespace: team}
spec:
  tag: ${at.builders}
  stack: {name: base}
  store: {name: default}
  order:
  - group: [{id: test/web}]
  - group: [{kind: ClusterBuildpack, name: ruby}]
---
apiVersion: kpack.io/v1alpha1
kind: ClusterBuilder
metadata: {name: python}
spec:
  tag: ${at.builders}
  stack: {kind: ClusterStack, name: base}
  store: {kind: ClusterStore, name: default}
  serviceAccountRef: {name: default, namespace: default}
  order:
  - group: [{id: test/python}]
`;
}

/** A builder whose order names a buildpack nobody supplies. */
export function brokenBuilderYaml(tag: string): string {
  return `apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: broken}
spec:
  tag: ${tag}
  stack: {name: base}
  store: {name: default}
  order:
  - group: [{id: test/node}, {id: test/missing}]
`;
}
