/**
 * The text files of the samples directory: the kpack resources naming the sample images (image
 * paths relative to the YAML file, as `packsmith build` resolves them), a README, and three tiny
 * apps the sample buildpacks detect.
 */
import { sampleBuildpackIds, sampleBuildpackVersion } from './sample-buildpacks.ts';
import { sampleStackId } from './sample-stack.ts';

/** Where the samples' builders are written, relative to the samples directory (a layout). */
export const sampleBuilderLayout = 'out/builder';

/** The builders the resources define, with the tags kpack's rules give them (`latest` → generated). */
export const sampleBuilders = [
  { kind: 'Builder', name: 'samples/web', tag: 'builder-samples-web' },
  { kind: 'ClusterBuilder', name: 'static', tag: 'clusterbuilder-static' },
] as const;

/** Names of the kpack resources, for the summary. */
export const sampleResourceKinds = ['ClusterStore', 'ClusterStack', 'ClusterLifecycle', 'ClusterBuilder', 'Builder'] as const;

/** Where each sample image lives, as `images/<name>:<tag>` relative to the samples directory. */
export interface SampleImagePaths {
  buildpackages: readonly string[];
  build: string;
  run: string;
  lifecycle: string;
}

/** `resources.yaml`: a store, a stack, the default lifecycle, a ClusterBuilder and a namespaced Builder (v1alpha2). */
export function sampleResourcesYaml(at: SampleImagePaths): string {
  const v = sampleBuildpackVersion;
  return `# packsmith samples: kpack resources for the sample images under ./images. Local image paths
# (oci:PATH[:TAG]) are relative to this file. Build with: packsmith build -f <this directory>
apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata:
  name: samples
spec:
  sources:
${at.buildpackages.map((path) => `  - image: oci:${path}`).join('\n')}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata:
  name: samples
spec:
  id: ${sampleStackId}
  buildImage:
    image: oci:${at.build}
  runImage:
    image: oci:${at.run}
---
# Builders use the ClusterLifecycle named default-lifecycle unless they name another.
apiVersion: kpack.io/v1alpha2
kind: ClusterLifecycle
metadata:
  name: default-lifecycle
spec:
  image: oci:${at.lifecycle}
---
# No tag after the path, so kpack's rule writes it as out/builder:clusterbuilder-static.
# A ClusterBuilder must name a service account; local mode takes credentials from Docker's config.json.
apiVersion: kpack.io/v1alpha2
kind: ClusterBuilder
metadata:
  name: static
spec:
  tag: oci:${sampleBuilderLayout}
  serviceAccountRef:
    name: default
    namespace: default
  stack:
    kind: ClusterStack
    name: samples
  store:
    kind: ClusterStore
    name: samples
  order:
  - group:
    - id: ${sampleBuildpackIds.static}
---
# Detection tries the meta-buildpack's groups first (static with an optional shell, then shell
# alone), then a group with the Procfile buildpack, named by id only (the highest version wins).
# Written to out/builder under the generated tag builder-samples-web.
apiVersion: kpack.io/v1alpha2
kind: Builder
metadata:
  name: web
  namespace: samples
spec:
  tag: oci:${sampleBuilderLayout}
  stack:
    kind: ClusterStack
    name: samples
  store:
    kind: ClusterStore
    name: samples
  order:
  - group:
    - id: ${sampleBuildpackIds.web}
      version: ${v}
  - group:
    - id: ${sampleBuildpackIds.procfile}
`;
}

/** The README of the samples directory; `placeholder` says whether the lifecycle image is the placeholder. */
export function sampleReadme(at: SampleImagePaths, placeholder: boolean): string {
  const lifecycle = placeholder
    ? 'a PLACEHOLDER lifecycle image: no lifecycle binary was found, so its layer holds only a README and builders made from it cannot run builds'
    : 'a lifecycle image with the real lifecycle binary found on this machine (no launcher)';
  return `# packsmith samples

Written by \`packsmith samples\`. Everything here is sample content for trying packsmith; none of it
is fit for production.

- \`resources.yaml\`: kpack resources (ClusterStore, ClusterStack, ClusterLifecycle, ClusterBuilder,
  Builder) naming the images below; local paths are relative to that file.
- \`images/\`: local OCI layouts:
${at.buildpackages.map((path) => `  - \`${path}\`: a sample buildpackage`).join('\n')}
  - \`${at.build}\`, \`${at.run}\`: the sample stack \`${sampleStackId}\`, made from scratch (an
    /etc/passwd, the CNB user 1000): not a usable OS base, there is not even a shell. Each is an
    image index over linux/amd64 and linux/arm64, so the builders are image indexes too;
  - \`${at.lifecycle}\`: ${lifecycle} (an index whose linux/arm64 image has the labels, no binary).
- \`apps/\`: tiny apps the sample buildpacks detect (\`static-site\`, \`shell-script\`, \`procfile-app\`).

The buildpacks (Buildpack API 0.10, POSIX sh):

- \`${sampleBuildpackIds.static}\`: passes when the app has \`index.html\`; its process serves the app over HTTP.
- \`${sampleBuildpackIds.shell}\`: passes when the app has \`*.sh\` scripts; each becomes a process run with sh.
- \`${sampleBuildpackIds.procfile}\`: passes when the app has a \`Procfile\`; each \`type: command\` line becomes a process.
- \`${sampleBuildpackIds.web}\`: a meta-buildpack: static with an optional shell, else shell alone.

Build the builders into \`${sampleBuilderLayout}\` and look at one:

    packsmith build -f .
    packsmith inspect builder oci:${sampleBuilderLayout}:builder-samples-web
`;
}

/** The sample apps: relative path → content. */
export const sampleApps: Readonly<Record<string, string>> = {
  'apps/static-site/index.html':
    '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>packsmith sample</title></head>\n<body><h1>Hello from a packsmith sample static site</h1></body>\n</html>\n',
  'apps/shell-script/start.sh': '#!/bin/sh\necho "Hello from a packsmith sample shell app"\n',
  'apps/procfile-app/Procfile': '# packsmith sample: one process per "type: command" line\nweb: echo "Hello from a packsmith sample Procfile app"\n',
};
