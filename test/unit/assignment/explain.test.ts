import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AssignmentProfile } from '../../../functions/lib/assignment/profile';
import {
  describeExplanation,
  explainSelection,
  pickReviewers,
  rankReviewers,
  rosterPace,
} from '../../../functions/lib/assignment/rules';
import type { Reviewer } from '../../../functions/lib/model';

const fixture = (name: string) => new URL(`../../fixtures/rosters/${name}`, import.meta.url);
const roster: Reviewer[] = JSON.parse(readFileSync(fixture('small.json'), 'utf8'));
const profile: AssignmentProfile = JSON.parse(readFileSync(fixture('profile.json'), 'utf8'));
const proposal = {
  id: 'p-surabaya-1',
  institution: 'Dinas Kesehatan Kota Surabaya',
  agency: 'pemkot-surabaya',
  category: 'kesehatan',
  contactEmail: 'submitter@example.ac.id',
};

describe('explaining an assignment', () => {
  const subject = { ...proposal, contactEmail: roster.find((r) => r.id === 'r-submitter')!.email };
  const ranking = rankReviewers(subject, roster, profile);
  const pick = pickReviewers(ranking.ranked, 3, true);
  const pace = rosterPace(roster);
  const explanation = explainSelection(ranking, pick.chosen, roster, pace, { firstExpertSeat: true });

  it('says why each reviewer was chosen, with the load at the time', () => {
    expect(pace).toBeCloseTo(18 / 80);
    expect(explanation.chosen).toEqual([
      { reviewerId: 'r-health-free', expertiseMatch: true, load: 2, capacity: 10, why: 'expert-seat' },
      { reviewerId: 'r-gov-free', expertiseMatch: false, load: 0, capacity: 10, why: 'behind-pace' },
      { reviewerId: 'r-same-city', expertiseMatch: false, load: 1, capacity: 10, why: 'behind-pace' },
    ]);
  });

  it('counts the conflicts checked and names the alternates passed over and why', () => {
    expect(explanation.checked).toBe(roster.length);
    expect(explanation.excluded).toEqual({
      'own-email': 1,
      'same-institution': 1,
      'declared-conflict': 1,
      inactive: 1,
      full: 1,
    });
    expect(explanation.passedOver).toEqual([
      { reviewerId: 'r-edu-half', why: 'no-expertise', load: 3, capacity: 6 },
      { reviewerId: 'r-health-busy', why: 'ahead-of-pace', load: 8, capacity: 10 },
    ]);
  });

  it('writes one line in each language', () => {
    const text = describeExplanation(explanation);
    expect(text.en).toMatch(
      /^Chosen: r-health-free \(expert seat, 2\/10\), r-gov-free \(behind the round, 0\/10\)/,
    );
    expect(text.en).toContain('conflicts checked on 10 reviewers (1 submitter');
    expect(text.en).toContain(
      'passed over: r-edu-half (not an expert, 3/6), r-health-busy (ahead of the round, 8/10)',
    );
    expect(text.id).toMatch(/^Dipilih: r-health-free \(kursi ahli, 2\/10\)/);
    expect(text.id).toContain('dilewati: r-edu-half (bukan ahli, 3/6)');
  });
});
