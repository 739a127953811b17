import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../functions/lib/profile';
import {
  checkEligibility,
  type EligibilityClaims,
  type QuotaClaim,
  type TitleClaim,
} from '../../../functions/lib/validation/claims';
import type { ValidationReport } from '../../../functions/lib/validation/types';
import { codes, profile as kipp } from './helpers';

const TITLE = 'SEHATI: Sistem Antrean dan Rujukan Terpadu Puskesmas';
const INSTITUTION = 'Dinas Kesehatan Kota Surabaya';
/** The Umum group's quota per institution in the KIPP profile. */
const UMUM_QUOTA = 10;

/** The claims in memory, as the table keeps them: one owner per title, counted members per quota. */
class MemoryClaims implements EligibilityClaims {
  readonly titles = new Map<string, string>();
  readonly quotas = new Map<string, Set<string>>();
  readonly calls: string[] = [];

  async claimTitle(proposalId: string, title: string): Promise<TitleClaim> {
    this.calls.push(`claimTitle ${proposalId}`);
    const key = title.toLowerCase();
    const owner = this.titles.get(key);
    if (owner !== undefined && owner !== proposalId) return { ok: false, heldBy: owner };
    this.titles.set(key, proposalId);
    return { ok: true };
  }

  async claimQuota(
    proposalId: string,
    institution: string,
    group: string,
    quota: number,
  ): Promise<QuotaClaim> {
    this.calls.push(`claimQuota ${proposalId}`);
    const members = this.members(institution, group);
    if (members.has(proposalId)) return { ok: true, used: members.size };
    if (members.size >= quota) return { ok: false, used: members.size };
    members.add(proposalId);
    return { ok: true, used: members.size };
  }

  async releaseTitle(proposalId: string, title: string): Promise<boolean> {
    this.calls.push(`releaseTitle ${proposalId}`);
    const key = title.toLowerCase();
    if (this.titles.get(key) !== proposalId) return false;
    this.titles.delete(key);
    return true;
  }

  members(institution: string, group: string): Set<string> {
    const key = `${institution.toLowerCase()}#${group}`;
    let members = this.quotas.get(key);
    if (!members) {
      members = new Set();
      this.quotas.set(key, members);
    }
    return members;
  }

  /** Fills the institution's Umum quota with other proposals. */
  fillQuota(count = UMUM_QUOTA): void {
    const members = this.members(INSTITUTION, 'umum');
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
    const checked = await checkEligibility('p-1', report, kipp, claims);

    expect(checked).toBe(report);
    expect(claims.titles.get(TITLE.toLowerCase())).toBe('p-1');
    expect([...claims.members(INSTITUTION, 'umum')]).toEqual(['p-1']);
  });

  it('rejects a title another proposal holds as DUPLICATE_TITLE and takes no place in the quota', async () => {
    const claims = new MemoryClaims();
    await claims.claimTitle('p-first', TITLE);
    const checked = await checkEligibility('p-second', validReport(), kipp, claims);

    expect(checked.valid).toBe(false);
    expect(codes(checked)).toEqual(['DUPLICATE_TITLE']);
    expect(checked.issues[0]?.severity).toBe('error');
    expect(claims.calls).not.toContain('claimQuota p-second');
    expect(claims.members(INSTITUTION, 'umum').size).toBe(0);
    expect(claims.titles.get(TITLE.toLowerCase())).toBe('p-first');
  });

  it('only warns about a taken title when the profile says warning, and counts the proposal', async () => {
    const claims = new MemoryClaims();
    await claims.claimTitle('p-first', TITLE);
    const checked = await checkEligibility('p-second', validReport(), withDuplicateTitles('warning'), claims);

    expect(checked.valid).toBe(true);
    expect(codes(checked)).toEqual(['DUPLICATE_TITLE']);
    expect(checked.issues[0]?.severity).toBe('warning');
    expect([...claims.members(INSTITUTION, 'umum')]).toEqual(['p-second']);
  });

  it('claims no title at all when the profile allows duplicate titles', async () => {
    const claims = new MemoryClaims();
    await claims.claimTitle('p-first', TITLE);
    const report = validReport();
    const checked = await checkEligibility('p-second', report, withDuplicateTitles('allow'), claims);

    expect(checked).toBe(report);
    expect(claims.calls).toEqual(['claimTitle p-first', 'claimQuota p-second']);
  });

  it('rejects a proposal over its institution quota as QUOTA_EXCEEDED and frees the title it claimed', async () => {
    const claims = new MemoryClaims();
    claims.fillQuota();
    const checked = await checkEligibility('p-over', validReport(), kipp, claims);

    expect(checked.valid).toBe(false);
    expect(codes(checked)).toEqual(['QUOTA_EXCEEDED']);
    expect(checked.issues[0]?.message.en).toContain('(10 proposals)');
    expect(claims.calls).toEqual(['claimTitle p-over', 'claimQuota p-over', 'releaseTitle p-over']);
    expect(claims.titles.size).toBe(0);
    expect(claims.members(INSTITUTION, 'umum').has('p-over')).toBe(false);
  });

  it('frees no title over the quota when it did not claim one (duplicates allowed)', async () => {
    const claims = new MemoryClaims();
    claims.fillQuota();
    const checked = await checkEligibility('p-over', validReport(), withDuplicateTitles('allow'), claims);

    expect(codes(checked)).toEqual(['QUOTA_EXCEEDED']);
    expect(claims.calls).toEqual(['claimQuota p-over']);
  });

  it('frees no title over the quota when another proposal holds it (duplicates only warned)', async () => {
    const claims = new MemoryClaims();
    await claims.claimTitle('p-first', TITLE);
    claims.fillQuota();
    const checked = await checkEligibility('p-over', validReport(), withDuplicateTitles('warning'), claims);

    expect(checked.valid).toBe(false);
    expect(codes(checked)).toEqual(['DUPLICATE_TITLE', 'QUOTA_EXCEEDED']);
    expect(claims.calls).not.toContain('releaseTitle p-over');
    expect(claims.titles.get(TITLE.toLowerCase())).toBe('p-first');
  });

  it('accepts the last place of the quota', async () => {
    const claims = new MemoryClaims();
    claims.fillQuota(UMUM_QUOTA - 1);
    const report = validReport();
    const checked = await checkEligibility('p-last', report, kipp, claims);

    expect(checked).toBe(report);
    expect(claims.members(INSTITUTION, 'umum').size).toBe(UMUM_QUOTA);
  });

  it('gives a retried check the same answer and counts the proposal once', async () => {
    const claims = new MemoryClaims();
    const first = await checkEligibility('p-retry', validReport(), kipp, claims);
    const again = await checkEligibility('p-retry', validReport(), kipp, claims);

    expect(first.valid).toBe(true);
    expect(again.valid).toBe(true);
    expect(claims.members(INSTITUTION, 'umum').size).toBe(1);
  });

  it('adds its issues to the ones the report already has', async () => {
    const claims = new MemoryClaims();
    await claims.claimTitle('p-first', TITLE);
    const report = validReport();
    report.issues.push({
      code: 'SECTION_DUPLICATE',
      severity: 'warning',
      section: 'ringkasan',
      message: { id: 'bagian Ringkasan muncul dua kali', en: 'section Ringkasan appears twice' },
      hint: { id: 'Gabungkan keduanya.', en: 'Merge them.' },
    });
    const checked = await checkEligibility('p-second', report, kipp, claims);

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
    const checked = await checkEligibility('p-1', report, kipp, claims);

    expect(checked).toBe(report);
    expect(claims.calls).toEqual([]);
  });
});
