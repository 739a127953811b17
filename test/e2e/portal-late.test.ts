/**
 * After the deadline, on the local runtime: the portal still shows an agency its proposals but refuses uploads
 * with a page saying so, and a file that still reaches the bucket ends REJECTED "after the deadline", kept.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Driver, EXAMPLES_DIR } from '../../local/driver';
import { PortalJourney } from '../../local/portal-journey';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';

let runtime: LocalRuntime;
let driver: Driver;
let journey: PortalJourney;
let invitation: string;

beforeAll(async () => {
  // Submissions closed an hour ago; the invitation links (deadline plus a margin) still work.
  runtime = await startLocalRuntime({ submissionsCloseAt: new Date(Date.now() - 3_600_000) });
  driver = new Driver(runtime);
  journey = new PortalJourney(driver);
  await driver.importRoster();
  await driver.importAgencies();
  invitation = (await journey.invite(['pemkot-surabaya'])).get('pemkot-surabaya') ?? '';
});

afterAll(async () => {
  await runtime?.stop();
});

describe('after the deadline', () => {
  it('the portal shows the home page but refuses drafts and submissions with a clear page', async () => {
    const home = await journey.page(invitation);
    expect(home.status).toBe(200);
    expect(home.body).toContain('Pengiriman sudah ditutup');
    for (const route of ['/check', '/submit']) {
      const page = await journey.page(journey.url(invitation, route));
      expect(page.status).toBe(403);
      expect(page.body).toContain('Batas waktu pengiriman sudah lewat');
    }
  });

  it('a file that still reaches the bucket ends REJECTED after the deadline, with the file kept', async () => {
    const body = readFileSync(join(EXAMPLES_DIR, 'proposals', '01-dinkes-surabaya-umum.md'));
    const { id, key } = await driver.upload('pemkot-surabaya', 'terlambat.md', body);
    await runtime.settle();
    const proposal = await driver.store.require(id);
    expect(proposal.status).toBe('REJECTED');
    expect(proposal.reason).toMatch(/^Received after the deadline/);
    const kept = await driver.s3.send(
      new GetObjectCommand({ Bucket: runtime.names.bucket, Key: key, VersionId: proposal.versionId }),
    );
    expect(Buffer.from(await kept.Body!.transformToByteArray()).equals(body)).toBe(true);
    const page = await journey.page(journey.url(invitation, '/proposal', { p: id }));
    expect(page.body).toContain('Received after the deadline');
  });
});
