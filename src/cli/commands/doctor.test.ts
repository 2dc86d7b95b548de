import { describe, expect, it } from 'vitest';
import { renderDoctorTable } from './doctor.ts';

describe('renderDoctorTable', () => {
  it('aligns the columns, says why a check failed in a few words and leaves the fix empty for ok rows', () => {
    const table = renderDoctorTable([
      { resource: 'ClusterStore/s', image: 'r.test/a:1', access: 'read', result: 'ok', credentials: 'ServiceAccount ops/sa (Secrets: c)' },
      {
        resource: 'Builder/team/app',
        image: 'r.test/team/app',
        access: 'push',
        result: 'failed',
        problem: 'denied',
        credentials: 'ServiceAccount team/b (Secrets: c)',
        reason: 'POST https://r.test/v2/team/app/blobs/uploads/: 403 Forbidden',
        fix: 'grant push',
      },
      { resource: 'Buildpack/team/bp', image: 'oci:./bp', access: 'read', result: 'skipped', credentials: 'Docker config x' },
    ]);
    expect(table).toBe(
      [
        'RESOURCE           IMAGE            ACCESS  RESULT                 FIX',
        'ClusterStore/s     r.test/a:1       read    ok',
        'Builder/team/app   r.test/team/app  push    failed: access denied  grant push',
        'Buildpack/team/bp  oci:./bp         read    skipped',
        '',
      ].join('\n'),
    );
  });
});
