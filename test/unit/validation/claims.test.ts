import { describe, expect, it } from 'vitest';
import type { Agency } from '../../../functions/lib/agencies/schema';
import type { Profile } from '../../../functions/lib/profile';
import {
  type ClaimScope,
  checkEligibility,
  type EligibilityClaims,
  type QuotaClaim,
  type Submitter,
  type TitleClaim,
} from '../../../functions/lib/validation/claims';
import { type AgencyIdentity, institutionBelongs } from '../../../functions/lib/validation/eligibility';
import type { ValidationReport } from '../../../functions/lib/validation/types';
import { codes, profile as kipp } from './helpers';

const TITLE = 'SEHATI: Sistem Antrean dan Rujukan Terpadu Puskesmas';
const INSTITUTION = 'Dinas Kesehatan Kota Surabaya';
/** Where no agency registry is kept: claims per Instansi as written, titles competition-wide. */
const LEGACY: ClaimScope = { institution: INSTITUTION };
const NO_REGISTRY: Submitter = { agency: 'pemkot-surabaya', registryInUse: false };
const titleKey = (scope: ClaimScope, title: string) =>
  'agency' in scope ? `agency:${scope.agency}#${title.toLowerCase()}` : title.toLowerCase();
/** The Umum group's quota per institution in the KIPP profile. */
const UMUM_QUOTA = 10;

/** The claims in memory, as the table keeps them: one owner per title, counted members per quota. */
class MemoryClaims implements EligibilityClaims {
  readonly titles = new Map<string, string>();
  readonly quotas = new Map<string, Set<string>>();
  readonly calls: string[] = [];

  async claimTitle(proposalId: string, scope: ClaimScope, title: string): Promise<TitleClaim> {
    this.calls.push(`claimTitle ${proposalId}`);
    const key = titleKey(scope, title);
    const owner = this.titles.get(key);
    if (owner !== undefined && owner !== proposalId) return { ok: false, heldBy: owner };
    this.titles.set(key, proposalId);
    return { ok: true };
  }

  async claimQuota(proposalId: string, scope: ClaimScope, group: string, quota: number): Promise<QuotaClaim> {
    this.calls.push(`claimQuota ${proposalId}`);
    const members = this.members(scope, group);
    if (members.has(proposalId)) return { ok: true };
    if (members.size >= quota) return { ok: false, used: members.size };
    members.add(proposalId);
    return { ok: true };
  }

  async releaseTitle(proposalId: string, scope: ClaimScope, title: string): Promise<boolean> {
    this.calls.push(`releaseTitle ${proposalId}`);
    const key = titleKey(scope, title);
    if (this.titles.get(key) !== proposalId) return false;
    this.titles.delete(key);
    return true;
  }

  members(scope: ClaimScope, group: string): Set<string> {
    const key = `${'agency' in scope ? `agency:${scope.agency}` : scope.institution.toLowerCase()}#${group}`;
    let members = this.quotas.get(key);
    if (!members) {
      members = new Set();
      this.quotas.set(key, members);
    }
    return members;
  }

  /** Fills the institution's Umum quota with other proposals. */
  fillQuota(count = UMUM_QUOTA): void {
    const members = this.members(LEGACY, 'umum');
    for (let i = 0; i < count; i++) members.add(`other-${i}`);
  }
}

/** A valid report of an Umum proposal, as validateDocument returns it. */
function validReport(identity: ValidationReport['identity'] = {}): ValidationReport {
  return {
    valid: true,
    format: 'markdown',
    group: 'umum',
    groupName: 'Umum',
    category: 'kesehatan',
    identity: { title: TITLE, institution: INSTITUTION, ...identity },
    sections: [],
    issues: [],
  };
}

function withDuplicateTitles(rule: Profile['eligibility']['duplicateTitles']): Profile {
  return { ...kipp, eligibility: { ...kipp.eligibility, duplicateTitles: rule } };
}

describe('the competition-wide eligibility rules', () => {
  it('accepts a proposal with a free title and a place in its quota, unchanged, holding both claims', async () => {
    const claims = new MemoryClaims();
    const report = validReport();
    const checked = await checkEligibility('p-1', report, kipp, claims, NO_REGISTRY);

    expect(checked).toBe(report);
    expect(claims.titles.get(titleKey(LEGACY, TITLE))).toBe('p-1');
    expect([...claims.members(LEGACY, 'umum')]).toEqual(['p-1']);
  });

  it('rejects a title another proposal holds as DUPLICATE_TITLE and takes no place in the quota', async () => {
    const claims = new MemoryClaims();
    await claims.claimTitle('p-first', LEGACY, TITLE);
    const checked = await checkEligibility('p-second', validReport(), kipp, claims, NO_REGISTRY);

    expect(checked.valid).toBe(false);
    expect(codes(checked)).toEqual(['DUPLICATE_TITLE']);
    expect(checked.issues[0]?.severity).toBe('error');
    expect(claims.calls).not.toContain('claimQuota p-second');
    expect(claims.members(LEGACY, 'umum').size).toBe(0);
    expect(claims.titles.get(titleKey(LEGACY, TITLE))).toBe('p-first');
  });

  it('only warns about a taken title when the profile says warning, and counts the proposal', async () => {
    const claims = new MemoryClaims();
    await claims.claimTitle('p-first', LEGACY, TITLE);
    const checked = await checkEligibility(
      'p-second',
      validReport(),
      withDuplicateTitles('warning'),
      claims,
      NO_REGISTRY,
    );

    expect(checked.valid).toBe(true);
    expect(codes(checked)).toEqual(['DUPLICATE_TITLE']);
    expect(checked.issues[0]?.severity).toBe('warning');
    expect([...claims.members(LEGACY, 'umum')]).toEqual(['p-second']);
  });

  it('claims no title at all when the profile allows duplicate titles', async () => {
    const claims = new MemoryClaims();
    await claims.claimTitle('p-first', LEGACY, TITLE);
    const report = validReport();
    const checked = await checkEligibility(
      'p-second',
      report,
      withDuplicateTitles('allow'),
      claims,
      NO_REGISTRY,
    );

    expect(checked).toBe(report);
    expect(claims.calls).toEqual(['claimTitle p-first', 'claimQuota p-second']);
  });

  it('rejects a proposal over its institution quota as QUOTA_EXCEEDED and frees the title it claimed', async () => {
    const claims = new MemoryClaims();
    claims.fillQuota();
    const checked = await checkEligibility('p-over', validReport(), kipp, claims, NO_REGISTRY);

    expect(checked.valid).toBe(false);
    expect(codes(checked)).toEqual(['QUOTA_EXCEEDED']);
    expect(checked.issues[0]?.message.en).toContain('(10 proposals)');
    expect(claims.calls).toEqual(['claimTitle p-over', 'claimQuota p-over', 'releaseTitle p-over']);
    expect(claims.titles.size).toBe(0);
    expect(claims.members(LEGACY, 'umum').has('p-over')).toBe(false);
  });

  it('frees no title over the quota when it did not claim one (duplicates allowed)', async () => {
    const claims = new MemoryClaims();
    claims.fillQuota();
    const checked = await checkEligibility(
      'p-over',
      validReport(),
      withDuplicateTitles('allow'),
      claims,
      NO_REGISTRY,
    );

    expect(codes(checked)).toEqual(['QUOTA_EXCEEDED']);
    expect(claims.calls).toEqual(['claimQuota p-over']);
  });

  it('frees no title over the quota when another proposal holds it (duplicates only warned)', async () => {
    const claims = new MemoryClaims();
    await claims.claimTitle('p-first', LEGACY, TITLE);
    claims.fillQuota();
    const checked = await checkEligibility(
      'p-over',
      validReport(),
      withDuplicateTitles('warning'),
      claims,
      NO_REGISTRY,
    );

    expect(checked.valid).toBe(false);
    expect(codes(checked)).toEqual(['DUPLICATE_TITLE', 'QUOTA_EXCEEDED']);
    expect(claims.calls).not.toContain('releaseTitle p-over');
    expect(claims.titles.get(titleKey(LEGACY, TITLE))).toBe('p-first');
  });

  it('accepts the last place of the quota', async () => {
    const claims = new MemoryClaims();
    claims.fillQuota(UMUM_QUOTA - 1);
    const report = validReport();
    const checked = await checkEligibility('p-last', report, kipp, claims, NO_REGISTRY);

    expect(checked).toBe(report);
    expect(claims.members(LEGACY, 'umum').size).toBe(UMUM_QUOTA);
  });

  it('gives a retried check the same answer and counts the proposal once', async () => {
    const claims = new MemoryClaims();
    const first = await checkEligibility('p-retry', validReport(), kipp, claims, NO_REGISTRY);
    const again = await checkEligibility('p-retry', validReport(), kipp, claims, NO_REGISTRY);

    expect(first.valid).toBe(true);
    expect(again.valid).toBe(true);
    expect(claims.members(LEGACY, 'umum').size).toBe(1);
  });

  it('adds its issues to the ones the report already has', async () => {
    const claims = new MemoryClaims();
    await claims.claimTitle('p-first', LEGACY, TITLE);
    const report = validReport();
    report.issues.push({
      code: 'SECTION_DUPLICATE',
      severity: 'warning',
      section: 'ringkasan',
      message: { id: 'bagian Ringkasan muncul dua kali', en: 'section Ringkasan appears twice' },
      hint: { id: 'Gabungkan keduanya.', en: 'Merge them.' },
    });
    const checked = await checkEligibility('p-second', report, kipp, claims, NO_REGISTRY);

    expect(codes(checked)).toEqual(['SECTION_DUPLICATE', 'DUPLICATE_TITLE']);
    expect(checked.valid).toBe(false);
  });

  it.each([
    ['no title', { title: undefined }, 'umum'],
    ['no institution', { institution: undefined }, 'umum'],
    ['no known group', {}, 'lainnya'],
  ])('leaves a report with %s unchanged and claims nothing', async (_, identity, group) => {
    const claims = new MemoryClaims();
    const report = { ...validReport(identity), group };
    const checked = await checkEligibility('p-1', report, kipp, claims, NO_REGISTRY);

    expect(checked).toBe(report);
    expect(claims.calls).toEqual([]);
  });
});

/** Agencies as examples/agencies.csv registers them. */
const SURABAYA: Agency = {
  code: 'pemkot-surabaya',
  name: 'Pemerintah Kota Surabaya',
  parent: 'Pemerintah Kota Surabaya',
  province: 'Jawa Timur',
  regency: 'Kota Surabaya',
  kind: 'city',
  contacts: ['inovasi@surabaya.example.go.id'],
  language: 'id',
};
const BANDUNG: Agency = {
  ...SURABAYA,
  code: 'pemkot-bandung',
  name: 'Pemerintah Kota Bandung',
  parent: 'Pemerintah Kota Bandung',
  province: 'Jawa Barat',
  regency: 'Kota Bandung',
};
const registered = (agency: Agency): Submitter => ({
  agency: agency.code,
  registered: agency,
  registryInUse: true,
});

describe('claims of a registered agency', () => {
  it("counts the quota and the title against the uploading agency, not the Instansi's text", async () => {
    const claims = new MemoryClaims();
    const checked = await checkEligibility('p-1', validReport(), kipp, claims, registered(SURABAYA));

    expect(checked.valid).toBe(true);
    expect([...claims.members({ agency: 'pemkot-surabaya' }, 'umum')]).toEqual(['p-1']);
    expect(claims.members(LEGACY, 'umum').size).toBe(0);
    expect(claims.titles.get(titleKey({ agency: 'pemkot-surabaya' }, TITLE))).toBe('p-1');
  });

  it('refuses an Instansi of another agency before claiming anything, saying what to write instead', async () => {
    const claims = new MemoryClaims();
    const checked = await checkEligibility('p-squat', validReport(), kipp, claims, registered(BANDUNG));

    expect(checked.valid).toBe(false);
    expect(codes(checked)).toEqual(['INSTITUTION_NOT_OF_AGENCY']);
    expect(checked.issues[0]?.message.en).toBe(
      'the Instansi "Dinas Kesehatan Kota Surabaya" is not the uploading agency (Pemerintah Kota Bandung, folder pemkot-bandung)',
    );
    expect(checked.issues[0]?.hint.en).toContain('"Pemerintah Kota Bandung"');
    expect(checked.issues[0]?.hint.en).toContain('alias');
    expect(claims.calls).toEqual([]);
  });

  it("keeps an agency's quota out of reach of five uploads naming it from another agency", async () => {
    const claims = new MemoryClaims();
    for (let i = 0; i < 5; i++) {
      const squat = await checkEligibility(
        `p-squat-${i}`,
        validReport({ title: `Judul ${i}` }),
        kipp,
        claims,
        registered(BANDUNG),
      );
      expect(codes(squat)).toEqual(['INSTITUTION_NOT_OF_AGENCY']);
    }
    const genuine = await checkEligibility('p-genuine', validReport(), kipp, claims, registered(SURABAYA));

    expect(genuine.valid).toBe(true);
  });

  it('refuses an upload from an agency the registry does not hold, once a registry is kept', async () => {
    const claims = new MemoryClaims();
    const checked = await checkEligibility('p-1', validReport(), kipp, claims, {
      agency: 'pemkot-surabya',
      registryInUse: true,
    });

    expect(codes(checked)).toEqual(['AGENCY_NOT_REGISTERED']);
    expect(checked.issues[0]?.hint.en).toContain('register pemkot-surabya');
    expect(claims.calls).toEqual([]);
  });

  it('names the agency whose quota is full', async () => {
    const claims = new MemoryClaims();
    const members = claims.members({ agency: 'pemkot-surabaya' }, 'umum');
    for (let i = 0; i < UMUM_QUOTA; i++) members.add(`other-${i}`);
    const checked = await checkEligibility('p-over', validReport(), kipp, claims, registered(SURABAYA));

    expect(codes(checked)).toEqual(['QUOTA_EXCEEDED']);
    expect(checked.issues[0]?.message.en).toContain('Pemerintah Kota Surabaya (pemkot-surabaya)');
  });
});

describe('whether an Instansi belongs to an agency', () => {
  it.each([
    ['its name', 'Pemerintah Kota Surabaya', SURABAYA, true],
    ['its name in other case and punctuation', 'PEMERINTAH KOTA SURABAYA.', SURABAYA, true],
    ['an office of a city government', 'Dinas Kesehatan Kota Surabaya', SURABAYA, true],
    ['an office of another city', 'Dinas Kesehatan Kota Surabaya', BANDUNG, false],
    [
      'a region that only starts like it',
      'Dinas Sosial Kabupaten Bandung Barat',
      {
        ...BANDUNG,
        kind: 'regency',
        regency: 'Kabupaten Bandung',
        name: 'Pemerintah Kabupaten Bandung',
        parent: 'Pemerintah Kabupaten Bandung',
      },
      false,
    ],
    [
      'an office of a province',
      'Badan Pendapatan Daerah Provinsi Jawa Timur',
      {
        ...SURABAYA,
        kind: 'province',
        regency: undefined,
        name: 'Pemerintah Provinsi Jawa Timur',
        parent: 'Pemerintah Provinsi Jawa Timur',
      },
      true,
    ],
    ['an alias', 'Pemkot Surabaya', { ...SURABAYA, aliases: ['Pemkot Surabaya'] }, true],
    [
      'a sibling office, for an agency that is itself an office',
      'Dinas Pendidikan Kota Depok',
      {
        ...SURABAYA,
        code: 'dinkes-kota-depok',
        name: 'Dinas Kesehatan Kota Depok',
        parent: 'Pemerintah Kota Depok',
        regency: 'Kota Depok',
      },
      false,
    ],
    [
      'its parent government, for an office',
      'Pemerintah Kota Depok',
      {
        ...SURABAYA,
        code: 'dinkes-kota-depok',
        name: 'Dinas Kesehatan Kota Depok',
        parent: 'Pemerintah Kota Depok',
        regency: 'Kota Depok',
      },
      true,
    ],
    ['nothing', '   ', SURABAYA, false],
  ] satisfies Array<[string, string, AgencyIdentity, boolean]>)('%s', (_, institution, agency, expected) => {
    expect(institutionBelongs(institution, agency)).toBe(expected);
  });
});
