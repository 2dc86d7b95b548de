/**
 * Picks one image out of an index by platform. A small stand-in for the shared platform selector,
 * kept private to the layout reader so it can be swapped without changing the public API.
 */
import { NotFoundError } from '../../shared/index.ts';
import type { Descriptor, IndexManifest, Platform } from '../image.ts';

const nodeArchToOci: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };

/** The platform of the running process in OCI terms (`linux/amd64` on an x64 Linux machine). */
export function hostPlatform(): Platform {
  return { os: process.platform === 'win32' ? 'windows' : process.platform, architecture: nodeArchToOci[process.arch] ?? process.arch };
}

/** The first entry matching `wanted` (os, architecture, and variant when given); throws NotFoundError listing what exists. */
export function selectByPlatform(index: IndexManifest, wanted: Platform, where: string): Descriptor {
  const match = index.manifests.find((d) => {
    const p = d.platform;
    if (p === undefined) return false;
    return p.os === wanted.os && p.architecture === wanted.architecture && (wanted.variant === undefined || p.variant === wanted.variant);
  });
  if (match) return match;
  const available = index.manifests.map((d) => formatPlatform(d.platform)).join(', ') || '(none)';
  throw new NotFoundError(`${where} has no image for platform ${formatPlatform(wanted)}; available: ${available}`);
}

function formatPlatform(platform: Platform | undefined): string {
  if (platform === undefined) return 'unknown';
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
