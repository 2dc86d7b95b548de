import { describe, expect, it } from 'vitest';
import type { KpConfig } from '../../cluster/index.ts';
import { Reporter } from '../../cluster/index.ts';
import { runCli } from '../../main.ts';
import { renderDefaultRepository, renderDefaultServiceAccount, repositoryUpdate } from './config.ts';
import { checkLifecycleLabels } from './lifecycle-write.ts';
import { announce, imageSource } from './shared.ts';
import { stackIdOf } from './stack-write.ts';
import { captureIo } from '../../testing/index.ts';

const id = 'io.buildpacks.stack.id';

describe('stack images', () => {
  it("agree on one stack id, or fail with kp's messages", () => {
    expect(stackIdOf({ [id]: 'io.test.stack' }, { [id]: 'io.test.stack' })).toBe('io.test.stack');
    expect(() => stackIdOf({ [id]: 'io.test.stack' }, { [id]: 'io.other.stack' })).toThrow(
      "build stack 'io.test.stack' does not match run stack 'io.other.stack'",
    );
    expect(() => stackIdOf({}, { [id]: 'io.test.stack' })).toThrow(/^invalid stack image$/);
    expect(() => stackIdOf({ [id]: 'io.test.stack' }, {})).toThrow(/^invalid stack image$/);
  });
});

describe('lifecycle images', () => {
  it('need the version and the APIs labels', () => {
    const apis = { 'io.buildpacks.lifecycle.apis': '{}' };
    expect(() => checkLifecycleLabels({ 'io.buildpacks.lifecycle.version': '0.21.17', ...apis })).not.toThrow();
    expect(() => checkLifecycleLabels(apis)).toThrow('invalid lifecycle image: missing label io.buildpacks.lifecycle.version');
    expect(() => checkLifecycleLabels({ 'io.buildpacks.lifecycle.version': '0.21.17' })).toThrow(
      'invalid lifecycle image: missing label io.buildpacks.lifecycle.apis',
    );
  });
});

describe('image arguments', () => {
  it('read existing local paths from disk, as kp does, and keep everything else', () => {
    const exists = (path: string): 'dir' | 'file' | undefined => ({ 'build.tar': 'file' as const, layout: 'dir' as const })[path];
    expect(imageSource('build.tar', exists)).toBe('file:build.tar');
    expect(imageSource('layout', exists)).toBe('oci:layout');
    expect(imageSource('oci:layout:v1', exists)).toBe('oci:layout:v1');
    expect(imageSource('run.cnb', exists)).toBe('run.cnb');
    expect(imageSource('registry.test/stack/run:1', exists)).toBe('registry.test/stack/run:1');
  });
});

describe('progress lines', () => {
  it("carry the dry-run suffix as kp's do, on stderr with -o", () => {
    const io = captureIo();
    announce(new Reporter(io, { mode: 'dry-run' }), 'Creating ClusterStack...');
    announce(new Reporter(io, { mode: 'dry-run-with-image-upload' }), "Uploading to 'r.test/kp'...");
    announce(new Reporter(io, { mode: 'apply' }), 'Updating ClusterStack...');
    announce(new Reporter(io, { mode: 'apply', format: 'json' }), 'Creating ClusterLifecycle...');
    expect(io.out.join('')).toBe("Creating ClusterStack... (dry run)\nUploading to 'r.test/kp'... (dry run with image upload)\nUpdating ClusterStack...\n");
    expect(io.err.join('')).toBe('Creating ClusterLifecycle...\n');
  });
});

describe('config', () => {
  const config: KpConfig = { defaultRepository: 'registry.test/kp/', serviceAccount: { name: 'kp-sa', namespace: 'kpack' } };

  it('prints the repository without a trailing slash, and the service account', () => {
    expect(renderDefaultRepository(config)).toBe('registry.test/kp\n');
    expect(renderDefaultServiceAccount(config)).toBe('Name: kp-sa\nNamespace: kpack\n');
    expect(() => renderDefaultRepository({ ...config, defaultRepository: undefined })).toThrow(
      'failed to get default repository: use "packsmith config default-repository" to set',
    );
  });

  it('sets the service account with the repository only when asked', () => {
    expect(repositoryUpdate(undefined, {})).toBeUndefined();
    expect(repositoryUpdate('r.test/kp', {})).toEqual({ defaultRepository: 'r.test/kp', serviceAccount: undefined });
    expect(repositoryUpdate('r.test/kp', { defaultServiceAccount: 'sa' })).toEqual({
      defaultRepository: 'r.test/kp',
      serviceAccount: { name: 'sa', namespace: 'kpack' },
    });
    expect(repositoryUpdate(undefined, { defaultServiceAccount: 'sa', defaultServiceAccountNamespace: 'team' })).toEqual({
      defaultRepository: undefined,
      serviceAccount: { name: 'sa', namespace: 'team' },
    });
    expect(() => repositoryUpdate('r.test/kp', { defaultServiceAccountNamespace: 'team' })).toThrow(
      '--default-service-account-namespace needs --default-service-account',
    );
  });
});

describe('help', () => {
  const commands = [
    ...['create', 'patch', 'save', 'status', 'list', 'delete'].flatMap((c) => [
      ['clusterstack', c],
      ['clusterlifecycle', c],
    ]),
    ['config', 'default-repository'],
    ['config', 'default-service-account'],
  ];

  it.each(commands)('%s %s --help shows examples', async (group, command) => {
    const io = captureIo();
    expect(await runCli([group, command, '--help'], io)).toBe(0);
    expect(io.out.join('')).toContain(`Examples:\n  packsmith ${group} ${command}`);
  });

  it('patch is also called update, and -v after a subcommand means --verbose', async () => {
    const io = captureIo();
    expect(await runCli(['clusterstack', 'update', '--help'], io)).toBe(0);
    expect(io.out.join('')).toContain('Usage: packsmith clusterstack patch|update');
    const verbose = captureIo();
    expect(await runCli(['clusterlifecycle', 'status', 'x', '-v', '--kubeconfig', '/nonexistent/kubeconfig'], verbose)).toBe(1);
    expect(verbose.err.join('')).toMatch(/cannot load the Kubernetes configuration/);
  });

  it('requires the images', async () => {
    const io = captureIo();
    expect(await runCli(['clusterstack', 'create', 'my-stack', '--build-image', 'r.test/build'], io)).toBe(2);
    expect(io.err.join('')).toContain("required option '-r, --run-image <image>' not specified");
  });
});
