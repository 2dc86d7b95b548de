/**
 * The sample buildpacks and how they are packaged: three small component buildpacks (static
 * sites, shell scripts, Procfiles) and one meta-buildpack, `samples/web`, that tries static with
 * an optional shell first and shell alone second. Every component declares only `os = linux`:
 * its scripts are plain sh, so any architecture fits.
 */
import type { BuildpackTree } from '../../cnb/index.ts';
import { procfileBuild, procfileDetect, shellBuild, shellDetect, staticBuild, staticDetect } from './sample-scripts.ts';

/** Version of every sample buildpack. */
export const sampleBuildpackVersion = '0.1.0';

/** Ids of the sample buildpacks. */
export const sampleBuildpackIds = {
  static: 'samples/static',
  shell: 'samples/shell',
  procfile: 'samples/procfile',
  web: 'samples/web',
} as const;

function component(id: string, detect: string, build: string, about: string): BuildpackTree {
  return {
    descriptor: { api: '0.10', buildpack: { id, version: sampleBuildpackVersion }, targets: [{ os: 'linux' }] },
    files: {
      'bin/detect': { content: detect },
      'bin/build': { content: build },
      'README.md': { content: `# ${id} ${sampleBuildpackVersion}\n\nA packsmith sample buildpack (Buildpack API 0.10): ${about}\n` },
    },
  };
}

const staticSite = component(sampleBuildpackIds.static, staticDetect, staticBuild, 'detects an index.html and serves the app directory over HTTP.');
const shellScripts = component(sampleBuildpackIds.shell, shellDetect, shellBuild, 'detects *.sh scripts and makes each one a process run with sh.');
const procfile = component(sampleBuildpackIds.procfile, procfileDetect, procfileBuild, 'detects a Procfile and makes each "type: command" line a process.');

const version = sampleBuildpackVersion;
const web: BuildpackTree = {
  descriptor: {
    api: '0.10',
    buildpack: { id: sampleBuildpackIds.web, version },
    order: [
      {
        group: [
          { id: sampleBuildpackIds.static, version },
          { id: sampleBuildpackIds.shell, version, optional: true },
        ],
      },
      { group: [{ id: sampleBuildpackIds.shell, version }] },
    ],
  },
};

/** One sample buildpackage: where it goes under `images/`, its tag, and its buildpacks (main first). */
export interface SampleBuildpackage {
  name: string;
  tag: string;
  buildpacks: readonly BuildpackTree[];
}

/** The sample buildpackages: `web-buildpackage` (the meta-buildpack with its members) and `procfile-buildpackage`. */
export const sampleBuildpackages: readonly SampleBuildpackage[] = [
  { name: 'web-buildpackage', tag: version, buildpacks: [web, staticSite, shellScripts] },
  { name: 'procfile-buildpackage', tag: version, buildpacks: [procfile] },
];
