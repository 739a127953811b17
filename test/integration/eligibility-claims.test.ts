import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimKeys,
  claimQuota,
  claimTitle,
  eligibilityClaims,
  releaseTitle,
} from '../../functions/lib/adapters/eligibility-claims';
import { loadProfile } from '../../functions/lib/adapters/profile-file';
import type { Agency } from '../../functions/lib/agencies/schema';
import { checkEligibility } from '../../functions/lib/validation/claims';
import type { ValidationReport } from '../../functions/lib/validation/types';
import { startTestTable, type TestTable } from '../../local/emulators/table';

let db: TestTable;

beforeAll(async () => {
  db = await startTestTable();
});

afterAll(async () => {
  await db?.close();
});

/** Each test claims its own title and institution, so the tests share the table without clearing it. */
let serial = 0;
const unique = (what: string) => `${what} ${++serial}`;
/** A run's own agency code (codes are slugs). */
const uniqueCode = (what: string) => `${what}-${++serial}-${Date.now().toString(36)}`;
/** Where no agency registry is kept: quotas per Instansi as written, titles competition-wide. */
const LEGACY = { institution: 'Dinas Kesehatan Kota Surabaya' };

async function read(key: { PK: string; SK: string }) {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }));
  return out.Item;
}

describe('title claims on DynamoDB Local', () => {
  it('gives a title to the first proposal and refuses it to the second, naming the holder', async () => {
    const title = unique('SEHATI: Sistem Antrean Terpadu');
    expect(await claimTitle(db.doc, db.tableName, 'p-first', LEGACY, title)).toEqual({ ok: true });
    expect(await claimTitle(db.doc, db.tableName, 'p-second', LEGACY, title)).toEqual({
      ok: false,
      heldBy: 'p-first',
    });
    expect(await read(claimKeys.title(LEGACY, title))).toMatchObject({ proposalId: 'p-first', title });
  });

  it('treats titles that differ only in case and spacing as the same title', async () => {
    const title = unique('Sistem Antrean Terpadu');
    await claimTitle(db.doc, db.tableName, 'p-first', LEGACY, title);
    expect(await claimTitle(db.doc, db.tableName, 'p-second', LEGACY, `  ${title.toUpperCase()} `)).toEqual({
      ok: false,
      heldBy: 'p-first',
    });
  });

  it('lets the holder claim its title again (a retried validation)', async () => {
    const title = unique('Desa Digital');
    await claimTitle(db.doc, db.tableName, 'p-retry', LEGACY, title);
    expect(await claimTitle(db.doc, db.tableName, 'p-retry', LEGACY, title)).toEqual({ ok: true });
  });

  it('releases a title only for the proposal that holds it', async () => {
    const title = unique('Lapor Cepat');
    await claimTitle(db.doc, db.tableName, 'p-owner', LEGACY, title);

    expect(await releaseTitle(db.doc, db.tableName, 'p-other', LEGACY, title)).toBe(false);
    expect(await read(claimKeys.title(LEGACY, title))).toMatchObject({ proposalId: 'p-owner' });

    expect(await releaseTitle(db.doc, db.tableName, 'p-owner', LEGACY, title)).toBe(true);
    expect(await read(claimKeys.title(LEGACY, title))).toBeUndefined();
    expect(await claimTitle(db.doc, db.tableName, 'p-other', LEGACY, title)).toEqual({ ok: true });
  });

  it('releases nothing when nobody holds the title', async () => {
    expect(await releaseTitle(db.doc, db.tableName, 'p-any', LEGACY, unique('Tidak Diklaim'))).toBe(false);
  });
});

describe('quota claims on DynamoDB Local', () => {
  it('counts proposals up to the quota and refuses the next one without counting it', async () => {
    const institution = unique('Pemerintah Kabupaten Sleman');
    const answers = [];
    for (const id of ['p-1', 'p-2', 'p-3']) {
      answers.push(await claimQuota(db.doc, db.tableName, id, { institution }, 'replikasi', 3));
    }
    expect(answers).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(await read(claimKeys.quotaCounter({ institution }, 'replikasi'))).toMatchObject({ used: 3 });

    expect(await claimQuota(db.doc, db.tableName, 'p-4', { institution }, 'replikasi', 3)).toEqual({
      ok: false,
      used: 3,
    });
    expect(await read(claimKeys.quotaCounter({ institution }, 'replikasi'))).toMatchObject({ used: 3 });
    expect(await read(claimKeys.quotaMember({ institution }, 'replikasi', 'p-4'))).toBeUndefined();
  });

  it('counts a retried claim once, also when the quota is full by then', async () => {
    const institution = unique('Dinas Kesehatan Kota Surabaya');
    const retry = () => claimQuota(db.doc, db.tableName, 'p-retry', { institution }, 'umum', 2);
    expect(await retry()).toEqual({ ok: true });
    expect(await retry()).toEqual({ ok: true });
    expect(await read(claimKeys.quotaCounter({ institution }, 'umum'))).toMatchObject({ used: 1 });
    await claimQuota(db.doc, db.tableName, 'p-other', { institution }, 'umum', 2);
    expect(await retry()).toEqual({ ok: true });
    expect(await read(claimKeys.quotaCounter({ institution }, 'umum'))).toMatchObject({ used: 2 });
    expect(await claimQuota(db.doc, db.tableName, 'p-third', { institution }, 'umum', 2)).toEqual({
      ok: false,
      used: 2,
    });
  });

  it('keeps a quota per institution and group', async () => {
    const institution = unique('Pemerintah Kota Bandung');
    await claimQuota(db.doc, db.tableName, 'p-1', { institution }, 'khusus', 1);
    expect(await claimQuota(db.doc, db.tableName, 'p-2', { institution }, 'umum', 1)).toEqual({ ok: true });
    expect(
      await claimQuota(db.doc, db.tableName, 'p-3', { institution: unique('Lain') }, 'khusus', 1),
    ).toEqual({ ok: true });
    expect(await claimQuota(db.doc, db.tableName, 'p-4', { institution }, 'khusus', 1)).toEqual({
      ok: false,
      used: 1,
    });
  });
});

describe('the eligibility check over the table', () => {
  const kipp = loadProfile('kipp');
  const report = (title: string, institution: string): ValidationReport => ({
    valid: true,
    format: 'markdown',
    group: 'replikasi',
    identity: { title, institution },
    sections: [],
    issues: [],
  });

  it('frees the title of a proposal refused by its quota, for a corrected upload', async () => {
    const claims = eligibilityClaims(db.doc, db.tableName);
    const institution = unique('Pemerintah Kabupaten Banyuwangi');
    for (let i = 0; i < 5; i++)
      await claimQuota(db.doc, db.tableName, `p-${i}`, { institution }, 'replikasi', 5);
    const title = unique('Smart Kampung');

    const checked = await checkEligibility('p-over', report(title, institution), kipp, claims, {
      agency: 'pemkab-banyuwangi',
      registryInUse: false,
    });

    expect(checked.valid).toBe(false);
    expect(checked.issues.map((issue) => issue.code)).toEqual(['QUOTA_EXCEEDED']);
    expect(await read(claimKeys.title(LEGACY, title))).toBeUndefined();
  });
});

describe('claims of registered agencies on DynamoDB Local', () => {
  const kipp = loadProfile('kipp');
  const report = (title: string, institution: string): ValidationReport => ({
    valid: true,
    format: 'markdown',
    group: 'replikasi',
    identity: { title, institution },
    sections: [],
    issues: [],
  });
  const agency = (code: string, name: string, regency: string): Agency => ({
    code,
    name,
    parent: name,
    province: 'Jawa Barat',
    regency,
    kind: 'city',
    contacts: [`inovasi@${code}.example.go.id`],
    language: 'id',
  });

  it('keeps a title per agency: the same agency cannot use it twice, another agency can', async () => {
    const title = unique('Kampung Digital');
    const a = { agency: uniqueCode('pemkot-a') };
    const b = { agency: uniqueCode('pemkot-b') };
    expect(await claimTitle(db.doc, db.tableName, 'p-a1', a, title)).toEqual({ ok: true });
    expect(await claimTitle(db.doc, db.tableName, 'p-a2', a, title)).toEqual({ ok: false, heldBy: 'p-a1' });
    expect(await claimTitle(db.doc, db.tableName, 'p-b1', b, title)).toEqual({ ok: true });
    expect(await read(claimKeys.title(a, title))).toMatchObject({ proposalId: 'p-a1' });
    // Nothing is claimed in the competition-wide space of deployments without a registry.
    expect(await read(claimKeys.title(LEGACY, title))).toBeUndefined();
  });

  it("refuses five uploads under one agency naming another agency's Instansi, so that agency's own proposal enters", async () => {
    const claims = eligibilityClaims(db.doc, db.tableName);
    const a = agency(uniqueCode('pemkot-depok'), 'Pemerintah Kota Depok', 'Kota Depok');
    const b = agency(uniqueCode('pemkot-bogor'), 'Pemerintah Kota Bogor', 'Kota Bogor');
    const squatter = { agency: b.code, registered: b, registryInUse: true };
    for (let i = 0; i < 5; i++) {
      const checked = await checkEligibility(
        `p-squat-${i}`,
        report(unique('Layanan Replikasi'), 'Dinas Kesehatan Kota Depok'),
        kipp,
        claims,
        squatter,
      );
      expect(checked.valid).toBe(false);
      expect(checked.issues.map((issue) => issue.code)).toEqual(['INSTITUTION_NOT_OF_AGENCY']);
    }
    expect(await read(claimKeys.quotaCounter({ agency: a.code }, 'replikasi'))).toBeUndefined();
    expect(await read(claimKeys.quotaCounter({ agency: b.code }, 'replikasi'))).toBeUndefined();

    const genuine = await checkEligibility(
      'p-genuine',
      report(unique('Layanan Replikasi'), 'Dinas Kesehatan Kota Depok'),
      kipp,
      claims,
      { agency: a.code, registered: a, registryInUse: true },
    );
    expect(genuine.valid).toBe(true);
    expect(await read(claimKeys.quotaCounter({ agency: a.code }, 'replikasi'))).toMatchObject({ used: 1 });
  });

  it("counts an agency's proposals against its own quota, whatever Instansi of its own they name", async () => {
    const claims = eligibilityClaims(db.doc, db.tableName);
    const a = agency(uniqueCode('pemkot-cimahi'), 'Pemerintah Kota Cimahi', 'Kota Cimahi');
    const submitter = { agency: a.code, registered: a, registryInUse: true };
    const offices = ['Pemerintah Kota Cimahi', 'Dinas Sosial Kota Cimahi', 'Dinas Pendidikan Kota Cimahi'];
    const verdicts = [];
    for (let i = 0; i < 6; i++) {
      const office = offices[i % offices.length] ?? '';
      const checked = await checkEligibility(
        `p-${a.code}-${i}`,
        report(unique('Inovasi'), office),
        kipp,
        claims,
        submitter,
      );
      verdicts.push(checked.issues.map((issue) => issue.code).join(',') || 'ok');
    }
    // Replikasi: at most 5 per agency in KIPP.
    expect(verdicts).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'QUOTA_EXCEEDED']);
  });
});
