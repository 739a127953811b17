import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AssignmentProfile } from '../../../functions/lib/assignment/profile';
import {
  assignmentSubject,
  describeGap,
  type ProposalForAssignment,
  pickReviewers,
  preference,
  type RulesProfile,
  rankReviewers,
  rosterPace,
  tieBreak,
} from '../../../functions/lib/assignment/rules';
import type { Reviewer } from '../../../functions/lib/model';

const fixture = (name: string) => new URL(`../../fixtures/rosters/${name}`, import.meta.url);
const roster: Reviewer[] = JSON.parse(readFileSync(fixture('small.json'), 'utf8'));
const profile: AssignmentProfile = JSON.parse(readFileSync(fixture('profile.json'), 'utf8'));

const proposal: ProposalForAssignment = {
  id: 'p-surabaya-1',
  institution: 'DINAS KESEHATAN  Kota Surabaya.',
  agency: 'dinkes-surabaya',
  category: 'kesehatan',
  contactEmail: 'budi.santoso@example.go.id',
  province: 'Jawa Timur',
  regency: 'Kota Surabaya',
};

function reviewer(id: string, overrides: Partial<Reviewer> = {}): Reviewer {
  return {
    id,
    name: `Dr. ${id}`,
    email: `${id}@example.ac.id`,
    institution: `Universitas ${id}`,
    expertise: ['kesehatan'],
    capacity: 10,
    load: 0,
    language: 'id',
    active: true,
    conflicts: [],
    ...overrides,
  };
}

const reasonOf = (ranking: ReturnType<typeof rankReviewers>, id: string) =>
  ranking.excluded.find((e) => e.reviewerId === id)?.reason;

describe('conflicts of interest', () => {
  const ranking = rankReviewers(proposal, roster, profile);

  it('never proposes a reviewer from the submitting institution, whatever its spelling', () => {
    expect(reasonOf(ranking, 'r-unair')).toBe('same-institution');
    expect(ranking.ranked.map((r) => r.reviewerId)).not.toContain('r-unair');
  });

  it('excludes a reviewer who declared a conflict with the submitting institution', () => {
    expect(reasonOf(ranking, 'r-declared')).toBe('declared-conflict');
  });

  it("excludes the submitter's own email, compared case-insensitively", () => {
    expect(reasonOf(ranking, 'r-submitter')).toBe('own-email');
  });

  it('compares institutions against the agency that uploaded the proposal too', () => {
    const agencyReviewer = reviewer('a', { institution: 'Dinkes Surabaya', conflicts: [] });
    const otherAgency = rankReviewers({ ...proposal, agency: 'dinkes-sidoarjo' }, [agencyReviewer], profile);
    expect(otherAgency.excluded).toEqual([]);
    const sameAgency = rankReviewers({ ...proposal, agency: 'dinkes-surabaya' }, [agencyReviewer], profile);
    expect(sameAgency.excluded[0]?.reason).toBe('same-institution');
  });

  it('excludes reviewers of the same regency only when the profile asks for it', () => {
    expect(reasonOf(ranking, 'r-same-city')).toBeUndefined();
    const strict = { review: { ...profile.review, sameRegionConflict: true } };
    const regional = rankReviewers(proposal, roster, strict);
    expect(reasonOf(regional, 'r-same-city')).toBe('same-region');
    expect(reasonOf(regional, 'r-health-busy')).toBeUndefined();
    const provincial = rankReviewers({ ...proposal, regency: undefined }, roster, strict);
    expect(reasonOf(provincial, 'r-full')).toBe('same-region');
  });

  it('feeds the region of a stored proposal (from the agency registry) to the same-region rule', () => {
    const strict = { review: { ...profile.review, sameRegionConflict: true } };
    const stored = {
      id: 'p-surabaya-2',
      agency: 'pemkot-surabaya',
      institution: 'Dinas Kesehatan Kota Surabaya',
      category: 'kesehatan',
      parentGovernment: 'Pemerintah Kota Surabaya',
      province: 'Jawa Timur',
      regency: 'Kota Surabaya',
      agencyKind: 'city' as const,
    };
    const subject = assignmentSubject(stored)!;
    expect(subject).toMatchObject({
      parentGovernment: 'Pemerintah Kota Surabaya',
      province: 'Jawa Timur',
      regency: 'Kota Surabaya',
    });
    expect(reasonOf(rankReviewers(subject, roster, strict), 'r-same-city')).toBe('same-region');
    expect(reasonOf(rankReviewers(subject, roster, profile), 'r-same-city')).toBeUndefined();
    // An agency missing from the registry leaves the region empty: nobody is excluded for it.
    const unregistered = assignmentSubject({
      ...stored,
      parentGovernment: undefined,
      province: undefined,
      regency: undefined,
    })!;
    expect(rankReviewers(unregistered, roster, strict).excluded.map((e) => e.reason)).not.toContain(
      'same-region',
    );
  });

  describe('conflicts by jurisdiction (the parent government, always on)', () => {
    const depok: ProposalForAssignment = {
      id: 'p-depok-1',
      institution: 'Dinas Kesehatan Kota Depok',
      agency: 'dinkes-kota-depok',
      category: 'kesehatan',
      parentGovernment: 'Pemerintah Kota Depok',
      province: 'Jawa Barat',
      regency: 'Kota Depok',
    };
    const reasonFor = (p: ProposalForAssignment, r: Reviewer, rules: RulesProfile = profile) =>
      rankReviewers(p, [r], rules).excluded[0]?.reason;

    it('excludes a reviewer employed by the government itself, whatever its spelling', () => {
      expect(reasonFor(depok, reviewer('pemkot', { institution: 'PEMERINTAH  Kota Depok.' }))).toBe(
        'same-government',
      );
    });

    it('excludes a reviewer employed by another office of the same government', () => {
      const office = reviewer('bappeda', {
        institution: 'Bappeda Kota Depok',
        government: 'pemerintah kota depok',
      });
      expect(reasonFor(depok, office)).toBe('same-government');
      // The same office of another government is no conflict.
      expect(reasonFor({ ...depok, parentGovernment: 'Pemerintah Kota Bogor' }, office)).toBeUndefined();
    });

    it('excludes a reviewer who declared a conflict with the whole government', () => {
      const declared = reviewer('ui', { conflicts: ['Pemerintah Kota Depok'] });
      expect(reasonFor(depok, declared)).toBe('same-government');
    });

    it('judges a proposal without a parent government as before', () => {
      const unregistered = { ...depok, parentGovernment: undefined };
      const office = reviewer('bappeda', {
        institution: 'Bappeda Kota Depok',
        government: 'Pemerintah Kota Depok',
        conflicts: ['Pemerintah Kota Depok'],
      });
      expect(reasonFor(unregistered, office)).toBeUndefined();
      expect(reasonFor(unregistered, reviewer('pemkot', { institution: 'Pemerintah Kota Depok' }))).toBe(
        undefined,
      );
    });

    it('keeps the earlier conflicts first, and comes before the region and capacity', () => {
      const office = { institution: 'Bappeda Kota Depok', government: 'Pemerintah Kota Depok' };
      expect(reasonFor(depok, reviewer('own', { ...office, email: 'x@depok.go.id' }), profile)).toBe(
        'same-government',
      );
      expect(
        reasonFor(
          { ...depok, contactEmail: 'X@depok.go.id' },
          reviewer('own', { ...office, email: 'x@depok.go.id' }),
        ),
      ).toBe('own-email');
      expect(
        reasonFor(depok, reviewer('dinkes', { ...office, institution: 'Dinas Kesehatan Kota Depok' })),
      ).toBe('same-institution');
      expect(
        reasonFor(depok, reviewer('decl', { ...office, conflicts: ['Dinas Kesehatan Kota Depok'] })),
      ).toBe('declared-conflict');
      const strict = { review: { ...profile.review, sameRegionConflict: true } };
      const sameCity = reviewer('city', { ...office, province: 'Jawa Barat', regency: 'Kota Depok' });
      expect(reasonFor(depok, sameCity, strict)).toBe('same-government');
      expect(reasonFor(depok, { ...sameCity, government: undefined }, strict)).toBe('same-region');
      expect(reasonFor(depok, reviewer('full', { ...office, load: 10 }))).toBe('same-government');
      expect(reasonFor(depok, reviewer('off', { ...office, active: false }))).toBe('same-government');
    });

    it("leaves today's rules unchanged for the fixture roster when the proposal has a parent government", () => {
      const withParent = { ...proposal, parentGovernment: 'Pemerintah Kota Surabaya' };
      const before = rankReviewers(proposal, roster, profile);
      expect(rankReviewers(withParent, roster, profile)).toEqual(before);
    });

    it('names the reason in both languages when a gap is described', () => {
      const office = reviewer('bappeda', {
        institution: 'Bappeda Kota Depok',
        government: 'Pemerintah Kota Depok',
      });
      const ranking = rankReviewers(depok, [office], profile);
      const gap = describeGap(depok, ranking, profile, { needed: 1, missing: 1, expertiseMissing: true });
      expect(gap.id).toContain('1 pemerintah yang sama');
      expect(gap.en).toContain('1 same government');
    });
  });

  it('reports inactive and full reviewers with their reason', () => {
    expect(reasonOf(ranking, 'r-inactive')).toBe('inactive');
    expect(reasonOf(ranking, 'r-full')).toBe('full');
  });

  it('never ranks an excluded reviewer, over a large random roster', () => {
    const big = Array.from({ length: 300 }, (_, i) =>
      reviewer(`x${i}`, {
        institution: i % 7 === 0 ? 'Dinas Kesehatan Kota Surabaya' : `Universitas ${i % 40}`,
        conflicts: i % 11 === 0 ? ['dinas kesehatan kota surabaya'] : [],
        email: i % 97 === 0 ? 'BUDI.santoso@example.go.id' : `x${i}@example.ac.id`,
        active: i % 13 !== 0,
        load: i % 5,
        capacity: 4,
      }),
    );
    const result = rankReviewers(proposal, big, profile);
    const excluded = new Set(result.excluded.map((e) => e.reviewerId));
    for (const candidate of result.ranked) {
      const r = big.find((b) => b.id === candidate.reviewerId)!;
      expect(excluded.has(r.id)).toBe(false);
      expect(r.institution).not.toBe('Dinas Kesehatan Kota Surabaya');
      expect(r.conflicts).toEqual([]);
      expect(r.active).toBe(true);
      expect(r.load).toBeLessThan(r.capacity);
    }
    expect(result.ranked.length + result.excluded.length).toBe(big.length);
  });
});

describe('preference', () => {
  it('puts expertise matches first, even when they are busier (without the load band)', () => {
    const { ranked } = rankReviewers(proposal, roster, profile, { band: Number.POSITIVE_INFINITY });
    expect(ranked.map((r) => r.reviewerId)).toEqual([
      'r-health-free',
      'r-health-busy',
      'r-gov-free',
      'r-same-city',
      'r-edu-half',
    ]);
    expect(ranked.slice(0, 2).every((r) => r.expertiseMatch)).toBe(true);
  });

  it('drops the expertise preference of an expert far ahead of the round and prefers one far behind', () => {
    const reviewers = [
      reviewer('expert-ahead', { load: 8, capacity: 10 }),
      reviewer('expert-on-pace', { load: 5, capacity: 10 }),
      reviewer('other-on-pace', { expertise: ['tata-kelola'], load: 5, capacity: 10 }),
      reviewer('other-behind', { expertise: ['tata-kelola'], load: 2, capacity: 10 }),
    ];
    // Pace 0.5: the band is 0.05 each side.
    expect(rosterPace(reviewers)).toBe(0.5);
    const { ranked } = rankReviewers(proposal, reviewers, profile);
    expect(ranked.map((r) => r.reviewerId)).toEqual([
      'expert-on-pace',
      'other-behind',
      'other-on-pace',
      'expert-ahead',
    ]);
    expect(preference(true, 0.8, 0.5)).toBeCloseTo(0.2);
    expect(preference(false, 0.2, 0.5)).toBeCloseTo(1.8);
    expect(preference(true, 0.5, 0.5)).toBeCloseTo(2.5);
    // Inactive and zero-capacity reviewers do not count in the pace.
    expect(rosterPace([...reviewers, reviewer('off', { active: false, load: 0, capacity: 40 })])).toBe(0.5);
  });

  it('prefers the reviewer with the lowest share of capacity used', () => {
    const reviewers = [
      reviewer('big', { load: 5, capacity: 20 }),
      reviewer('small', { load: 1, capacity: 2 }),
      reviewer('mid', { load: 3, capacity: 10 }),
    ];
    const { ranked } = rankReviewers(proposal, reviewers, profile);
    expect(ranked.map((r) => [r.reviewerId, r.loadRatio])).toEqual([
      ['big', 0.25],
      ['mid', 0.3],
      ['small', 0.5],
    ]);
  });

  it('breaks ties the same way every time for the same proposal', () => {
    const twins = Array.from({ length: 8 }, (_, i) => reviewer(`twin-${i}`));
    const first = rankReviewers(proposal, twins, profile).ranked.map((r) => r.reviewerId);
    const again = rankReviewers(proposal, [...twins].reverse(), profile).ranked.map((r) => r.reviewerId);
    expect(again).toEqual(first);
  });

  it('spreads ties over equal reviewers instead of always taking the first in the file', () => {
    const twins = Array.from({ length: 5 }, (_, i) => reviewer(`twin-${i}`));
    const firsts = new Map<string, number>();
    for (let p = 0; p < 500; p++) {
      const top = rankReviewers({ ...proposal, id: `p-${p}` }, twins, profile).ranked[0]!.reviewerId;
      firsts.set(top, (firsts.get(top) ?? 0) + 1);
    }
    expect(firsts.size).toBe(5);
    for (const count of firsts.values()) expect(count).toBeGreaterThan(70);
  });

  it('gives a tie-break value in [0, 1) that depends on both ids', () => {
    const a = tieBreak('p1', 'r1');
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(1);
    expect(tieBreak('p1', 'r2')).not.toBe(a);
    expect(tieBreak('p2', 'r1')).not.toBe(a);
  });
});

describe('picking reviewers', () => {
  const candidate = (id: string, expertiseMatch: boolean, loadRatio = 0) => ({
    reviewerId: id,
    expertiseMatch,
    loadRatio,
    score: (expertiseMatch ? 2 : 0) + 1 - loadRatio,
  });

  it('takes the n best and keeps the rest, in order, as alternates', () => {
    const ranked = ['a', 'b', 'c', 'd', 'e'].map((id) => candidate(id, true));
    const pick = pickReviewers(ranked, 3, true);
    expect(pick.chosen.map((c) => c.reviewerId)).toEqual(['a', 'b', 'c']);
    expect(pick.alternates.map((c) => c.reviewerId)).toEqual(['d', 'e']);
    expect(pick.missing).toBe(0);
  });

  it('makes sure one chosen reviewer has the expertise when the profile requires it', () => {
    const ranked = [
      candidate('a', false),
      candidate('b', false),
      candidate('c', false),
      candidate('d', true, 0.9),
    ];
    const pick = pickReviewers(ranked, 3, true);
    expect(pick.chosen.map((c) => c.reviewerId)).toEqual(['d', 'a', 'b']);
    expect(pick.alternates.map((c) => c.reviewerId)).toEqual(['c']);
    expect(pick.expertiseMissing).toBe(false);
  });

  it('fills every seat when nobody has the expertise (coverage first) and reports the missing expertise', () => {
    const ranked = ['a', 'b', 'c', 'd'].map((id) => candidate(id, false));
    const pick = pickReviewers(ranked, 3, true);
    expect(pick.chosen.map((c) => c.reviewerId)).toEqual(['a', 'b', 'c']);
    expect(pick.missing).toBe(0);
    expect(pick.expertiseMissing).toBe(true);
  });

  it('fills every seat without an expert when the expertise is not required or already held', () => {
    const ranked = ['a', 'b', 'c'].map((id) => candidate(id, false));
    expect(pickReviewers(ranked, 3, false).missing).toBe(0);
    expect(pickReviewers(ranked, 3, true, true).missing).toBe(0);
  });

  it('reports how many seats stay empty when the roster is too small', () => {
    const pick = pickReviewers([candidate('a', true)], 3, true);
    expect(pick.chosen).toHaveLength(1);
    expect(pick.missing).toBe(2);
    expect(pick.expertiseMissing).toBe(false);
  });
});

describe('describing a gap', () => {
  it('names the missing expertise, the institution and why the experts were excluded, in both languages', () => {
    const experts = roster.filter((r) => r.id !== 'r-health-free' && r.id !== 'r-health-busy');
    const ranking = rankReviewers(proposal, experts, profile);
    const pick = pickReviewers(ranking.ranked, 3, true);
    expect(pick.expertiseMissing).toBe(true);
    const gap = describeGap(proposal, ranking, profile, {
      needed: 3,
      missing: pick.missing,
      expertiseMissing: true,
    });
    expect(gap.id).toContain('Tidak ada penilai dengan keahlian kategori Kesehatan');
    expect(gap.id).toContain('instansi DINAS KESEHATAN  Kota Surabaya.');
    expect(gap.id).toContain(
      '5 penilai berkeahlian ini dikecualikan: 1 email pengusul sendiri, 1 instansi yang sama, 1 konflik yang dinyatakan, 1 tidak aktif, 1 kapasitas penuh',
    );
    expect(gap.en).toContain('No reviewer with expertise in category Kesehatan');
    expect(gap.en).toContain('1 same institution, 1 declared conflict, 1 inactive, 1 at capacity');
  });

  it('says when the roster has nobody with the expertise at all', () => {
    const ranking = rankReviewers(proposal, [reviewer('g', { expertise: ['tata-kelola'] })], profile);
    const gap = describeGap(proposal, ranking, profile, { needed: 3, missing: 3, expertiseMissing: true });
    expect(gap.en).toContain('the roster has no reviewer with this expertise');
    expect(gap.id).toContain('tidak ada penilai dengan keahlian ini di daftar');
  });

  it('counts the missing seats and the excluded reviewers when the roster is short', () => {
    const ranking = rankReviewers(proposal, roster.slice(0, 6), profile);
    const gap = describeGap(proposal, ranking, profile, { needed: 3, missing: 2, expertiseMissing: false });
    expect(gap.id).toMatch(
      /^Kurang 2 dari 3 penilai untuk kategori Kesehatan: hanya 1 penilai lain tersedia/,
    );
    expect(gap.en).toMatch(
      /^2 of 3 reviewers missing for category Kesehatan: only 1 other reviewers available/,
    );
    expect(gap.en).toContain("excluded: 1 submitter's own email, 1 same institution");
  });
});
