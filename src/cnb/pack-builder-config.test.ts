import { describe, expect, it } from 'vitest';
import { parsePackBuilderConfig, type PackConfigResult } from './pack-builder-config.ts';

// The shape of pack's documented builder.toml (our own copy): [[buildpacks]] by uri and by image,
// an order with an optional buildpack, [stack] with mirrors, and a lifecycle by version.
const documented = `
description = "Sample builder"

[[buildpacks]]
  id = "samples/java-maven"
  version = "0.0.1"
  uri = "samples/java-maven.cnb"

[[buildpacks]]
  image = "registry.example.com/buildpacks/kotlin:0.0.1"

[[order]]
  [[order.group]]
    id = "samples/java-maven"
    version = "0.0.1"

[[order]]
  [[order.group]]
    id = "samples/kotlin"
  [[order.group]]
    id = "samples/hello"
    optional = true

[stack]
  id = "io.buildpacks.samples.stacks.jammy"
  build-image = "registry.example.com/stacks/build:jammy"
  run-image = "registry.example.com/stacks/run:jammy"
  run-image-mirrors = ["mirror.example.com/stacks/run:jammy"]

[lifecycle]
  version = "0.21.0"
`;

function problems(result: PackConfigResult): string[] {
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('parsePackBuilderConfig', () => {
  it('reads the documented shape and merges [stack] into the build and run images as pack does', () => {
    const result = parsePackBuilderConfig(documented);
    expect(problems(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.config).toEqual({
      description: 'Sample builder',
      buildpacks: [
        { location: 'samples/java-maven.cnb', isImage: false, id: 'samples/java-maven', version: '0.0.1' },
        { location: 'registry.example.com/buildpacks/kotlin:0.0.1', isImage: true },
      ],
      order: [{ group: [{ id: 'samples/java-maven', version: '0.0.1' }] }, { group: [{ id: 'samples/kotlin' }, { id: 'samples/hello', optional: true }] }],
      stackId: 'io.buildpacks.samples.stacks.jammy',
      buildImage: 'registry.example.com/stacks/build:jammy',
      runImages: [{ image: 'registry.example.com/stacks/run:jammy', mirrors: ['mirror.example.com/stacks/run:jammy'] }],
      lifecycle: { version: '0.21.0' },
      targets: [],
    });
    expect(result.warnings).toEqual([]);
  });

  it('takes [build] and [[run.images]] without a [stack] (RFC 0096), and one target', () => {
    const result = parsePackBuilderConfig(`
[[buildpacks]]
uri = "docker://registry.example.com/bp:1"
[[order]]
[[order.group]]
id = "x/y"
[build]
image = "b:1"
[[run.images]]
image = "r:1"
mirrors = ["m/r:1"]
[[run.images]]
image = "r2:1"
[[targets]]
os = "linux"
arch = "amd64"
[[targets.distributions]]
name = "ubuntu"
version = "24.04"
`);
    expect(problems(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.config.stackId).toBeUndefined();
    expect(result.config.buildImage).toBe('b:1');
    expect(result.config.runImages).toEqual([
      { image: 'r:1', mirrors: ['m/r:1'] },
      { image: 'r2:1', mirrors: [] },
    ]);
    expect(result.config.targets).toEqual([{ os: 'linux', arch: 'amd64', distributions: [{ name: 'ubuntu', version: '24.04' }] }]);
  });

  it('reports every problem at once, each at its key, with a did-you-mean for a misspelt key', () => {
    const result = parsePackBuilderConfig(`
descripton = "typo"
[[buildpacks]]
id = "a"
[[buildpacks]]
uri = "x"
image = "y"
[[order]]
[[order.group]]
id = "a"
[[order.group]]
id = "a"
optional = "yes"
[stack]
build-image = "b:1"
run-image = "r:1"
[build]
image = "other:1"
[[run.images]]
image = "r:2"
[[extensions]]
uri = "e"
`);
    expect(problems(result)).toEqual([
      'descripton: unknown key: did you mean description? (known: description, buildpacks, extensions, order, order-extensions, stack, lifecycle, run, build, targets, system)',
      'buildpacks[1].uri: required: where the buildpack comes from (an image reference, docker://, a .cnb file or oci:PATH)',
      'buildpacks[2]: give uri or image, not both',
      'order[1].group[2].optional: must be true or false, not string "yes"',
      'order[1].group[2].id: a is already in this group: a group names each buildpack once',
      'build.image: "other:1" and stack.build-image "b:1" differ: give one',
      'run.images[1].image: "r:2" and stack.run-image "r:1" differ: give one',
      'extensions: image extensions are not supported by packsmith yet (kpack builders have none either): remove this table',
    ]);
  });

  it('requires a build and a run image, and os and arch of each of several targets', () => {
    const result = parsePackBuilderConfig(`
[[targets]]
os = "linux"
arch = "amd64"
[[targets]]
os = "linux"
`);
    expect(problems(result)).toEqual([
      'build.image: required: the build image ([build] image, or [stack] build-image)',
      'run.images: required: a run image ([[run.images]] image, or [stack] run-image)',
      'targets[2]: give os and arch: with several targets each names one platform',
    ]);
  });

  it('names the line of a TOML syntax error', () => {
    const result = parsePackBuilderConfig('[[buildpacks]]\nuri = "a"\n[stack\n');
    expect(result.ok).toBe(false);
    expect(problems(result)[0]).toMatch(/^line 3: not valid TOML: /);
  });

  it('warns, like pack, when there is no order', () => {
    const result = parsePackBuilderConfig('[build]\nimage = "b"\n[[run.images]]\nimage = "r"\n');
    expect(result.ok && result.warnings).toEqual(['builder.toml has no [[order]]: the builder detects nothing']);
  });
});
