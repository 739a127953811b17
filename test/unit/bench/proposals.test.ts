import { describe, expect, it } from 'vitest';
import { planProposals, planRoster, setMarkdownField } from '../../../bench/proposals';
import { loadProfile } from '../../../functions/lib/adapters/profile-file';
import { parseRoster } from '../../../functions/lib/roster';
import { validateDocument } from '../../../functions/lib/validation';

const profile = loadProfile('kipp');
const encoder = new TextEncoder();

describe('burst proposals generated from the examples', () => {
  const plan = planProposals(120, profile, 7);

  it('gives every proposal its own title, agency folder and file name', () => {
    const { proposals } = plan;
    expect(proposals).toHaveLength(120);
    expect(new Set(proposals.map((p) => p.title.toLowerCase())).size).toBe(120);
    expect(new Set(proposals.map((p) => `${p.agency}/${p.fileName}`)).size).toBe(120);
  });

  it('mixes valid and invalid proposals of all three groups', () => {
    const groups = new Set(plan.proposals.filter((p) => p.expected === 'valid').map((p) => p.group));
    expect([...groups].sort()).toEqual(['khusus', 'replikasi', 'umum']);
    expect(plan.expected.invalid).toBeGreaterThan(20);
    expect(plan.expected.valid).toBeGreaterThan(70);
  });

  it('sends two Khusus proposals over one institution quota, and no other institution repeats', () => {
    const quota = profile.groups.find((g) => g.id === 'khusus')?.quotaPerInstitution ?? 0;
    expect(plan.expected['over-quota']).toBe(2);
    const byInstitution = new Map<string, number>();
    for (const p of plan.proposals)
      byInstitution.set(p.institution, (byInstitution.get(p.institution) ?? 0) + 1);
    const repeated = [...byInstitution.entries()].filter(([, n]) => n > 1);
    expect(repeated).toHaveLength(1);
    expect(repeated[0]?.[1]).toBe(quota + 2);
  });

  it('writes documents the validator judges as planned (title, institution and category taken over)', async () => {
    const sample = plan.proposals.filter((_, i) => i % 6 === 0);
    for (const p of sample) {
      const report = await validateDocument(encoder.encode(p.body), profile, { fileName: p.fileName });
      expect(report.valid, `${p.fileName}: ${JSON.stringify(report.issues)}`).toBe(p.expected !== 'invalid');
      expect(report.identity.title).toBe(p.title);
      expect(report.identity.institution).toBe(p.institution);
      if (p.expected !== 'invalid') expect(report.category).toBe(p.category);
    }
  });

  it('is the same burst for the same seed', () => {
    const again = planProposals(120, profile, 7);
    expect(again.proposals.map((p) => p.fileName)).toEqual(plan.proposals.map((p) => p.fileName));
    expect(planProposals(120, profile, 8).proposals.map((p) => p.fileName)).not.toEqual(
      plan.proposals.map((p) => p.fileName),
    );
  });

  it('builds a roster the roster import accepts, with room for every seat of every category', () => {
    const { csv, reviewers } = planRoster(plan, profile, 40);
    const parsed = parseRoster(csv, 'bench.csv', profile);
    expect(parsed.errors).toEqual([]);
    expect(parsed.reviewers).toHaveLength(reviewers.length);
    for (const [category, count] of Object.entries(plan.validPerCategory)) {
      const capacity = parsed.reviewers
        .filter((r) => r.expertise.includes(category))
        .reduce((sum, r) => sum + r.capacity, 0);
      expect(capacity).toBeGreaterThanOrEqual(count * profile.review.reviewersPerProposal);
    }
  });

  it('refuses a size that is not a positive whole number', () => {
    expect(() => planProposals(0, profile)).toThrow(RangeError);
    expect(() => planProposals(2.5, profile)).toThrow(RangeError);
  });
});

describe('setMarkdownField', () => {
  it('replaces a value in a table row or in a "Label: value" line', () => {
    expect(setMarkdownField('| Judul | Lama |\n', 'Judul', 'Baru')).toBe('| Judul | Baru |\n');
    expect(setMarkdownField('Judul: Lama\nInstansi: X\n', 'Judul', 'Baru')).toBe(
      'Judul: Baru\nInstansi: X\n',
    );
  });

  it('fails loudly when the example lacks the field', () => {
    expect(() => setMarkdownField('# Judul saja\n', 'Instansi', 'X')).toThrow(/Instansi/);
  });
});
