import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Driver, EXAMPLES_DIR, exampleSet } from '../../local/driver';
import { type LocalRuntime, s3Notification, startLocalRuntime } from '../../local/runtime';

let runtime: LocalRuntime;
let driver: Driver;

beforeAll(async () => {
  runtime = await startLocalRuntime();
  driver = new Driver(runtime);
  await driver.importRoster();
  await driver.importAgencies();
});

afterAll(async () => {
  await runtime?.stop();
});

const example = (file: string) => {
  const found = exampleSet().find((e) => e.file === file);
  if (!found) throw new Error(`No example ${file}`);
  return found;
};

describe('the pipeline on the local runtime', () => {
  it('takes a valid proposal from upload to REVIEWED through reviewer emails and the review API', async () => {
    const { id } = await driver.uploadExample(example('01-dinkes-surabaya-umum.md'));
    await runtime.settle();
    const links = (await driver.reviewLinks()).filter((l) => l.subject.includes('SEHATI'));
    expect(links).toHaveLength(3);
    for (const link of links) expect(link.link).not.toMatch(/token/i);
    for (const link of links) {
      expect(await driver.completeReview(link.link, link.to)).toEqual([200, 303, 303]);
    }
    await runtime.settle();
    const view = await driver.store.view(id);
    expect(view?.status).toBe('REVIEWED');
    // From the agency registry (examples/agencies.csv), recorded when the upload was registered.
    expect(view).toMatchObject({
      parentGovernment: 'Pemerintah Kota Surabaya',
      province: 'Jawa Timur',
      regency: 'Kota Surabaya',
      agencyKind: 'city',
    });
    expect(view?.history[0]?.note).toBe('Upload received');
    expect(view?.reviews.filter((r) => r.status === 'SUBMITTED')).toHaveLength(3);
    expect(view?.result?.reviews).toBe(3);
    expect(view?.result?.score).toBeGreaterThan(0);
    expect(view?.history.map((h) => h.status)).toEqual(
      expect.arrayContaining(['RECEIVED', 'VALIDATING', 'ASSIGNING', 'IN_REVIEW', 'REVIEWED']),
    );
    const mail = await driver.emails();
    expect(
      // The receipt goes to the agency's registered contact (examples/agencies.csv), not the document's Email.
      mail.some(
        (m) => m.destination.to.includes('inovasi.surabaya@example.go.id') && /SEHATI/.test(m.subject),
      ),
    ).toBe(true);
  });

  it('rejects an invalid proposal with the reason and tells the submitter what to fix', async () => {
    const { id } = await driver.uploadExample(example('06-dp3a-bandung-ringkasan-panjang.md'));
    await runtime.settle();
    const view = await driver.store.view(id);
    expect(view?.status).toBe('REJECTED');
    expect(view?.reason).toMatch(/Ringkasan melebihi 200 kata/);
    const email = (await driver.emails()).find((m) =>
      m.destination.to.includes('inovasi.bandung@example.go.id'),
    );
    expect(email?.subject).toMatch(/perlu diperbaiki/);
    expect(email?.body.text).toMatch(/Ringkasan/);
    expect(view?.reviews).toHaveLength(0);
  });

  it('starts one execution when the same S3 event is delivered twice', async () => {
    const body = readFileSync(join(EXAMPLES_DIR, 'proposals', '02-disdik-sleman-replikasi.docx'));
    const { id, key } = await driver.upload('pemkab-sleman', 'duplikat.docx', body);
    await runtime.settle();
    const executionsBefore = [...runtime.sfn.executions.values()].filter((e) => e.name === id).length;
    const stored = await driver.store.get(id);
    const redelivered = s3Notification({
      eventName: 'ObjectCreated:Put',
      bucket: runtime.names.bucket,
      key,
      size: body.length,
      eTag: stored?.etag,
      versionId: stored?.versionId,
    });
    runtime.queue.send(JSON.stringify(redelivered));
    runtime.queue.send(JSON.stringify(redelivered));
    await runtime.settle();
    expect(executionsBefore).toBe(1);
    expect([...runtime.sfn.executions.values()].filter((e) => e.name === id)).toHaveLength(1);
    const view = await driver.store.view(id);
    expect(view?.history.filter((h) => h.status === 'RECEIVED')).toHaveLength(1);
  });

  it('records an upload with an unusable key as REJECTED with the reason, and starts nothing', async () => {
    const nested = await driver.upload('pemkot-surabaya', 'lampiran/berkas.md', 'x');
    const badAgency = await driver.upload('Dinas Kesehatan+Kota', 'proposal 1.md', 'x');
    await runtime.settle();
    const first = await driver.store.view(nested.id);
    expect(first?.status).toBe('REJECTED');
    expect(first?.reason).toMatch(/incoming\/<agency>\/<file>/);
    const second = await driver.store.view(badAgency.id);
    expect(second?.status).toBe('REJECTED');
    expect(second?.key).toBe('incoming/Dinas Kesehatan+Kota/proposal 1.md');
    expect(second?.reason).toMatch(/agency code "Dinas Kesehatan\+Kota"/);
    const names = [...runtime.sfn.executions.values()].map((e) => e.name);
    expect(names).not.toContain(nested.id);
    expect(names).not.toContain(badAgency.id);
  });
});
