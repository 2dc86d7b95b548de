/**
 * The sample stack: a build image and a run image made from scratch, each one small layer with
 * the files a CNB base needs to name its user (`/etc/passwd`, `/etc/group`, the user's home and
 * `/tmp`), the CNB user and group 1000, and the stack id label. They hold no shell and no
 * libraries: good for building and inspecting builders, not for running the buildpacks in them.
 */
import { labelKeys } from '../../cnb/index.ts';
import type { Image } from '../../oci/index.ts';
import { appendLayers, createTarLayer, emptyImage, normalizedModTime, withCreated, withEnv, withLabels, withUser } from '../../oci/index.ts';

/** The stack id of the sample stack. */
export const sampleStackId = 'io.packsmith.samples.stack';

/** The OCI annotation/label key both stack images describe themselves with. */
export const descriptionLabel = 'org.opencontainers.image.description';

const notice = (kind: 'build' | 'run'): string =>
  `packsmith sample ${kind} image for the stack ${sampleStackId}: minimal files only (no shell, no libraries), not a usable OS base`;

/**
 * The sample build or run image (linux/amd64 unless `architecture` says otherwise, created
 * 1980-01-01T00:00:01Z, user 1000:1000). The files hold no binaries, so every architecture has the
 * same layer and only the config differs.
 */
export function sampleStackImage(kind: 'build' | 'run', architecture = 'amd64'): Image {
  const layer = createTarLayer([
    { path: 'etc/passwd', type: 'file', mode: 0o644, content: 'root:x:0:0:root:/root:/sbin/nologin\ncnb:x:1000:1000:CNB user:/home/cnb:/sbin/nologin\n' },
    { path: 'etc/group', type: 'file', mode: 0o644, content: 'root:x:0:\ncnb:x:1000:\n' },
    { path: 'etc/packsmith-sample', type: 'file', mode: 0o644, content: `${notice(kind)}.\n` },
    { path: 'home/cnb', type: 'dir', mode: 0o755, uid: 1000, gid: 1000 },
    { path: 'root', type: 'dir', mode: 0o700 },
    { path: 'tmp', type: 'dir', mode: 0o1777 },
  ]);
  const created = normalizedModTime.toISOString().replace('.000Z', 'Z');
  const base = withCreated(emptyImage({ os: 'linux', architecture }), normalizedModTime);
  const image = appendLayers(base, [layer], { history: [{ created, created_by: `packsmith samples (${kind} image)` }] });
  const labelled = withLabels(image, { [labelKeys.stackId]: sampleStackId, [descriptionLabel]: notice(kind) });
  return withUser(withEnv(labelled, { CNB_USER_ID: '1000', CNB_GROUP_ID: '1000', HOME: '/home/cnb' }), '1000:1000');
}
