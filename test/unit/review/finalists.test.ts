import loadHighs from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import { finalistsSelection, formatSelection } from '../../../cli/commands/finalists';
import { loadProfile } from '../../../functions/lib/adapters/profile-file';
import type { Proposal } from '../../../functions/lib/model';
import {
  type FinalistCandidate,
  finalistModel,
  type MipSolver,
  quotaBounds,
  selectFinalists,
} from '../../../functions/lib/review/finalists';

let solve: MipSolver;
beforeAll(async () => {
  const highs = await loadHighs();
  solve = (lp) => {
    const s = highs.solve(lp, { output_flag: false });
    return {
      status: s.Status,
      values: Object.fromEntries(
        Object.entries(s.Columns).map(([k, v]) => [k, (v as { Primal: number }).Primal]),
      ),
    };
  };
});

const c = (id: string, score: number, extra: Partial<FinalistCandidate> = {}): FinalistCandidate => ({
  id,
  score,
  category: 'kesehatan',
  group: 'Umum',
  agencyKind: 'city',
  ...extra,
});

describe('finalists under quotas', () => {
  const candidates = [
    c('a', 90),
    c('b', 85),
    c('c', 80),
    c('d', 70, { category: 'pendidikan' }),
    c('e', 60, { regency: 'Kabupaten Kupang', agencyKind: 'regency' }),
    c('f', 50, { category: 'pendidikan' }),
  ];

  it('takes the plain top N when no quota binds', async () => {
    const s = await selectFinalists(candidates, { top: 3, quotas: [], regions3T: [] }, solve);
    expect(s.finalists.map((f) => f.id)).toEqual(['a', 'b', 'c']);
    expect(s.total).toBe(255);
    expect(s.unconstrained).toBe(255);
  });

  it('meets every quota at the least cost in score, and prices each quota by solving again without it', async () => {
    const rules = {
      top: 3,
      quotas: [
        { id: 'per-category', field: 'category' as const, min: 1 },
        { id: '3t', field: 'region3T' as const, min: 1 },
      ],
      regions3T: ['Kabupaten Kupang'],
    };
    const s = await selectFinalists(candidates, rules, solve);
    expect(s.finalists.map((f) => f.id).sort()).toEqual(['a', 'd', 'e']);
    expect(s.total).toBe(220);
    expect(s.finalists.find((f) => f.id === 'e')!.inTopByScore).toBe(false);
    const cost = new Map(s.costs.map((q) => [q.quota, q]));
    // Without the category quota: a, b, e (235); without the 3T quota: a, b, d (245).
    expect(cost.get('per-category')!.cost).toBe(15);
    expect(cost.get('3t')!.cost).toBe(25);
    expect(cost.get('3t')!.brings).toEqual(['e']);
    expect(cost.get('3t')!.keepsOut).toEqual(['b']);
  });

  it('applies shares of N, caps a value, and lowers a minimum nobody can meet', () => {
    const bounds = quotaBounds(candidates, {
      top: 4,
      quotas: [
        { id: 'cap', field: 'category', maxShare: 0.5 },
        { id: 'replikasi', field: 'group', value: 'Replikasi', min: 2 },
      ],
      regions3T: [],
    });
    expect(bounds).toEqual([
      { quota: 'cap', value: 'kesehatan', min: 0, max: 2, available: 4 },
      { quota: 'cap', value: 'pendidikan', min: 0, max: 2, available: 2 },
      { quota: 'replikasi', value: 'replikasi', min: 0, max: 4, available: 0, lowered: true },
    ]);
  });

  it('refuses a bad N, duplicates and quotas that cannot hold together', async () => {
    await expect(selectFinalists(candidates, { top: 0, quotas: [], regions3T: [] }, solve)).rejects.toThrow(
      /positive whole number/,
    );
    await expect(
      selectFinalists([c('a', 1), c('a', 2)], { top: 1, quotas: [], regions3T: [] }, solve),
    ).rejects.toThrow(/Duplicate/);
    const clash = {
      top: 2,
      quotas: [
        { id: 'many-health', field: 'category' as const, value: 'kesehatan', min: 2 },
        { id: 'many-education', field: 'category' as const, value: 'pendidikan', min: 2 },
      ],
      regions3T: [],
    };
    await expect(selectFinalists(candidates, clash, solve)).rejects.toThrow(/cannot all be met/);
  });

  it('names columns itself: a hostile id or value cannot change the program', () => {
    const { lp } = finalistModel(
      [c('x\nSubject To\n evil: x0 >= 9', 1, { category: 'a\nEnd' }), c('y', 2)],
      { top: 1, quotas: [{ id: 'q', field: 'category', min: 1 }], regions3T: [] },
      [],
    );
    expect(lp).not.toContain('evil');
    expect(lp).not.toContain('a\nEnd');
  });
});

describe('proposals finalists on a round', () => {
  it('ranks by calibrated score, uses the KIPP quotas and prints the cost of each', {
    timeout: 60_000,
  }, async () => {
    const profile = loadProfile('kipp');
    const categories = profile.categories.map((x) => x.id);
    const proposals: Proposal[] = Array.from({ length: 40 }, (_, i) => ({
      id: `p${i}`,
      status: 'REVIEWED',
      category: categories[i % categories.length],
      group: i % 4 === 0 ? 'Replikasi' : i % 4 === 1 ? 'Khusus' : 'Umum',
      agencyKind: i % 3 === 0 ? 'regency' : 'city',
      regency: i % 7 === 0 ? 'Kabupaten Alor' : `Kota ${i}`,
      result: { score: 50 + i, mean: 50 + i, spread: 0, reviews: 3, disagreement: false },
    })) as unknown as Proposal[];
    const notes: string[] = [];
    const source = {
      reviewed: async () => proposals,
      tasks: async (id: string) =>
        ['r1', 'r2', 'r3'].map((r, k) => ({
          proposalId: id,
          reviewerId: `${r}-${Number(id.slice(1)) % 5}`,
          status: 'SUBMITTED',
          score: Math.min(100, 50 + Number(id.slice(1)) + k),
        })),
      note: async (id: string, note: string) => {
        notes.push(`${id}: ${note}`);
      },
    };
    const { selection, calibration } = await finalistsSelection(source, profile, 20, solve);
    expect(calibration?.proposals).toHaveLength(40);
    expect(selection.finalists).toHaveLength(20);
    expect(selection.costs.map((q) => q.quota)).toEqual(profile.finalists!.quotas.map((q) => q.id));
    const text = formatSelection(selection, 'table');
    expect(text).toMatch(/kelompok-replikasi: costs \d/);
    expect(text).toMatch(/daerah-3t: costs/);
    expect(formatSelection(selection, 'csv').split('\n')[0]).toBe(
      'rank,id,score,category,group,agencyKind,regency,top by score',
    );
  });
});
