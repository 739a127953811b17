import loadHighs from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  batchModel,
  categoryId,
  type LpSolver,
  planBatch,
  planMetrics,
  planOnline,
} from '../../../functions/lib/assignment';
import type { AssignmentProfile } from '../../../functions/lib/assignment/profile';
import { parseProposalLines } from '../../../functions/lib/assignment/proposals-file';
import type { ProposalForAssignment } from '../../../functions/lib/assignment/rules';
import type { Reviewer } from '../../../functions/lib/model';

const profile: AssignmentProfile = {
  categories: [
    { id: 'kesehatan', name: 'Kesehatan', aliases: ['Health'] },
    { id: 'pendidikan', name: 'Pendidikan' },
    { id: 'tata-kelola', name: 'Tata Kelola Pemerintahan', aliases: ['Tata Kelola'] },
  ],
  review: { reviewersPerProposal: 2, requireExpertiseMatch: true, sameRegionConflict: false, windowDays: 14 },
};

function reviewer(
  id: string,
  expertise: string[],
  capacity: number,
  extra: Partial<Reviewer> = {},
): Reviewer {
  return {
    id,
    name: id,
    email: `${id}@example.ac.id`,
    institution: `Universitas ${id}`,
    expertise,
    capacity,
    load: 0,
    language: 'id',
    active: true,
    conflicts: [],
    ...extra,
  };
}

const proposal = (id: string, category: string, extra: Partial<ProposalForAssignment> = {}) => ({
  id,
  institution: `Dinas ${id}`,
  agency: `agency-${id}`,
  category,
  ...extra,
});

let solver: LpSolver;
beforeAll(async () => {
  const highs = await loadHighs();
  solver = (lp) => {
    const s = highs.solve(lp, { output_flag: false });
    return {
      status: s.Status,
      values: Object.fromEntries(
        Object.entries(s.Columns).map(([k, v]) => [k, (v as { Primal: number }).Primal]),
      ),
    };
  };
});

describe('planning a round online', () => {
  it('fills every seat, the first with an expert, and counts what it did', () => {
    const roster = [
      reviewer('h1', ['kesehatan'], 2),
      reviewer('e1', ['pendidikan'], 2),
      reviewer('g1', ['tata-kelola'], 2),
    ];
    const proposals = [proposal('p1', 'kesehatan'), proposal('p2', 'kesehatan'), proposal('p3', 'kesehatan')];
    const result = planOnline({ proposals, roster, profile });
    expect(result.short).toEqual([]);
    expect(result.metrics.coverage).toBe(1);
    // h1 has two seats for three proposals: the third has no expert but is not left short.
    expect(result.assignments.filter((a) => a.reviewers.includes('h1'))).toHaveLength(2);
    expect(result.metrics.worstOff).toBe(0);
    expect(result.metrics.conflicts).toBe(0);
    expect(result.metrics.meanMatch).toBeCloseTo(1 / 3, 4);
  });

  it('never puts a reviewer on a proposal they conflict with, and leaves a seat short only when nobody is left', () => {
    const roster = [
      reviewer('h1', ['kesehatan'], 5, { institution: 'Dinas p1' }),
      reviewer('h2', ['kesehatan'], 5),
    ];
    const result = planOnline({ proposals: [proposal('p1', 'kesehatan')], roster, profile });
    expect(result.assignments).toEqual([{ proposal: 'p1', reviewers: ['h2'] }]);
    expect(result.short).toEqual(['p1']);
    expect(result.metrics.coverage).toBe(0);
  });

  it('keeps the reviewers already holding a seat and counts their expertise', () => {
    const roster = [reviewer('h1', ['kesehatan'], 5, { load: 1 }), reviewer('e1', ['pendidikan'], 5)];
    const result = planOnline({
      proposals: [proposal('p1', 'kesehatan')],
      roster,
      profile,
      kept: new Map([['p1', ['h1']]]),
    });
    expect(result.assignments).toEqual([{ proposal: 'p1', reviewers: ['h1', 'e1'] }]);
  });

  it('refuses duplicate proposal ids', () => {
    expect(() =>
      planOnline({
        proposals: [proposal('p1', 'kesehatan'), proposal('p1', 'kesehatan')],
        roster: [],
        profile,
      }),
    ).toThrow(/Duplicate proposal id "p1"/);
  });
});

describe('planning a round in batch (HiGHS)', () => {
  it('beats arrival order: gives each proposal its expert where online used them up early', async () => {
    // h1 knows both health and education; e-only reviewers are scarce. Online, the first (health) proposals
    // take h1; in batch, h1 is kept for the education proposal that has no other expert.
    const roster = [
      reviewer('h1', ['kesehatan', 'pendidikan'], 1),
      reviewer('h2', ['kesehatan'], 2),
      reviewer('x1', ['tata-kelola'], 3),
      reviewer('x2', ['tata-kelola'], 3),
    ];
    const proposals = [
      proposal('p1', 'kesehatan'),
      proposal('p2', 'kesehatan'),
      proposal('p3', 'pendidikan'),
    ];
    const online = planOnline({ proposals, roster, profile });
    // Without the load band: expertise alone.
    const batch = await planBatch({ proposals, roster, profile }, solver, { band: Number.POSITIVE_INFINITY });
    expect(online.assignments.find((a) => a.proposal === 'p3')!.reviewers).not.toContain('h1');
    expect(batch.short).toEqual([]);
    expect(batch.assignments.find((a) => a.proposal === 'p3')!.reviewers).toContain('h1');
    expect(batch.metrics.worstOff).toBeGreaterThan(online.metrics.worstOff);
    expect(batch.metrics.conflicts).toBe(0);
  });

  it('keeps every load within the band around the round pace when it can', async () => {
    const roster = ['a', 'b', 'c', 'd'].map((id) => reviewer(id, ['kesehatan'], 10));
    roster.push(reviewer('e', ['pendidikan'], 10));
    const proposals = Array.from({ length: 10 }, (_, i) => proposal(`p${i}`, 'kesehatan'));
    // Pace 20/50 = 0.4: each reviewer takes 4 seats, the non-expert too (expertise yields to the band).
    const batch = await planBatch({ proposals, roster, profile }, solver);
    const loads = new Map<string, number>();
    for (const a of batch.assignments) for (const r of a.reviewers) loads.set(r, (loads.get(r) ?? 0) + 1);
    expect([...loads.values()]).toEqual([4, 4, 4, 4, 4]);
    expect(batch.metrics.spread).toBe(0);
    expect(batch.metrics.worstOff).toBe(0.5);
  });

  it('respects capacity and conflicts, and reports the proposals left short when capacity runs out', async () => {
    const roster = [
      reviewer('h1', ['kesehatan'], 1),
      reviewer('h2', ['kesehatan'], 5, { conflicts: ['Dinas p2'] }),
    ];
    const proposals = [proposal('p1', 'kesehatan'), proposal('p2', 'kesehatan')];
    const batch = await planBatch({ proposals, roster, profile }, solver);
    const loads = new Map<string, number>();
    for (const a of batch.assignments) for (const r of a.reviewers) loads.set(r, (loads.get(r) ?? 0) + 1);
    expect(loads.get('h1') ?? 0).toBeLessThanOrEqual(1);
    expect(batch.assignments.find((a) => a.proposal === 'p2')!.reviewers).not.toContain('h2');
    // Three seats can be filled (h2 on p1, h1 on p1 or p2): one proposal at least is short.
    expect(batch.short.length).toBeGreaterThanOrEqual(1);
    expect(batch.assignments.flatMap((a) => a.reviewers)).toHaveLength(2);
  });

  it('writes ids into the program as generated names only (a hostile id cannot change the model)', () => {
    const hostile = 'p1\nSubject To\n bad: x0 >= 5';
    const model = batchModel({
      proposals: [proposal(hostile, 'kesehatan')],
      roster: [reviewer('h1', ['kesehatan'], 2)],
      profile,
    });
    expect(model.lp).not.toContain('bad:');
    expect([...model.pairs.values()]).toEqual([{ proposal: hostile, reviewer: 'h1' }]);
  });

  it('refuses a solution that is not optimal or not whole', async () => {
    const input = {
      proposals: [proposal('p1', 'kesehatan')],
      roster: [reviewer('h1', ['kesehatan'], 2)],
      profile,
    };
    await expect(planBatch(input, () => ({ status: 'Infeasible', values: {} }))).rejects.toThrow(
      /Infeasible/,
    );
    const [column] = batchModel(input).pairs.keys();
    await expect(planBatch(input, () => ({ status: 'Optimal', values: { [column!]: 0.5 } }))).rejects.toThrow(
      /fractional/,
    );
  });
});

describe('plan metrics', () => {
  it('counts conflicts rather than trusting the plan, and refuses an over-capacity plan', () => {
    const roster = [reviewer('h1', ['kesehatan'], 1, { institution: 'Dinas p1' })];
    const input = { proposals: [proposal('p1', 'kesehatan')], roster, profile };
    expect(planMetrics(input, [{ proposal: 'p1', reviewers: ['h1'] }]).conflicts).toBe(1);
    const two = { ...input, proposals: [proposal('p1', 'kesehatan'), proposal('p2', 'kesehatan')] };
    expect(() =>
      planMetrics(two, [
        { proposal: 'p1', reviewers: ['h1'] },
        { proposal: 'p2', reviewers: ['h1'] },
      ]),
    ).toThrow(/over capacity/);
  });
});

describe('the proposals file', () => {
  it('reads one object a line and maps categories by id, name or alias', () => {
    const text = [
      '{"id":"p1","institution":"Dinas Kesehatan","agency":"pemkot-a","category":"Health","parent":"Pemerintah Kota A"}',
      '',
      '{"id":"p2","institution":"Dinas Pendidikan","agency":"pemkot-a","category":"pendidikan","group":"Umum"}',
    ].join('\n');
    const { proposals, problems } = parseProposalLines(text, profile);
    expect(problems).toEqual([]);
    expect(proposals.map((p) => [p.id, p.category, p.parentGovernment])).toEqual([
      ['p1', 'kesehatan', 'Pemerintah Kota A'],
      ['p2', 'pendidikan', undefined],
    ]);
    expect(categoryId(profile, 'TATA KELOLA')).toBe('tata-kelola');
  });

  it('reports every hostile or broken line with its number, and plans nothing from them', () => {
    const text = [
      'not json',
      '{"id":"p1","institution":"A","agency":"a","category":"Unknown"}',
      '{"id":"p 2","institution":"A","agency":"a","category":"kesehatan"}',
      '{"id":"p3","institution":"A\\u0000","agency":"a","category":"kesehatan","extra":1}',
      '{"id":"p4","institution":"A","agency":"a","category":"kesehatan","contactEmail":"nope"}',
      '{"id":"p5","institution":"A","agency":"a","category":"kesehatan"}',
      '{"id":"p5","institution":"A","agency":"a","category":"kesehatan"}',
    ].join('\n');
    const { proposals, problems } = parseProposalLines(text, profile);
    expect(proposals.map((p) => p.id)).toEqual(['p5']);
    expect(problems.map((p) => [p.line, p.field ?? ''])).toEqual([
      [1, ''],
      [2, 'category'],
      [3, 'id'],
      [4, 'institution'],
      [4, ''],
      [5, 'contactEmail'],
      [7, 'id'],
    ]);
    expect(parseProposalLines('\n\n', profile).problems[0]!.message).toMatch(/no proposal/);
  });
});

describe('a live re-plan (dry run)', () => {
  it('keeps accepted seats, moves only pending ones, never re-asks a reviewer who declined, and writes nothing', async () => {
    const { liveRound, planLiveCommand } = await import('../../../cli/commands/live-plan');
    // p1 got no expert as uploads arrived: x1 accepted, x2 is still PENDING, h2 declined it. h1 is free now.
    const roster = [
      reviewer('h1', ['kesehatan'], 3, { load: 0 }),
      reviewer('h2', ['kesehatan'], 3, { load: 1 }),
      reviewer('x1', ['tata-kelola'], 3, { load: 1 }),
      reviewer('x2', ['tata-kelola'], 3, { load: 2 }),
    ];
    const stored = (id: string) => ({
      id,
      institution: `Dinas ${id}`,
      agency: `agency-${id}`,
      category: 'kesehatan',
      status: 'IN_REVIEW',
    });
    const task = (proposalId: string, reviewerId: string, status: string) => ({
      proposalId,
      reviewerId,
      status,
    });
    const tasks: Record<string, ReturnType<typeof task>[]> = {
      p1: [task('p1', 'x1', 'ACCEPTED'), task('p1', 'x2', 'PENDING'), task('p1', 'h2', 'DECLINED')],
      p2: [task('p2', 'h2', 'ACCEPTED'), task('p2', 'x2', 'SUBMITTED')],
    };
    const round = liveRound(
      // biome-ignore lint/suspicious/noExplicitAny: stored items reduced to what the round reads
      [stored('p1'), stored('p2')] as any,
      // biome-ignore lint/suspicious/noExplicitAny: idem
      new Map(Object.entries(tasks)) as any,
    );
    expect(round[0]).toMatchObject({ kept: ['x1'], movable: ['x2'], avoid: ['h2'] });
    expect(round[1]).toMatchObject({ kept: ['h2', 'x2'], movable: [], avoid: [] });
    let printed = '';
    const code = await planLiveCommand(
      { json: true },
      {
        // biome-ignore lint/suspicious/noExplicitAny: idem
        proposals: async () => [stored('p1'), stored('p2')] as any,
        // biome-ignore lint/suspicious/noExplicitAny: idem
        tasks: async (id) => tasks[id] as any,
        roster: async () => roster,
        profile: async () => profile as never,
      },
      {
        out: (t) => {
          printed += t;
        },
        progress: () => {},
        solve: solver,
      },
    );
    expect(code).toBe(0);
    const report = JSON.parse(printed);
    expect(report.dryRun).toBe(true);
    // The pending non-expert seat goes to the free expert h1 (h2 declined p1: never asked again).
    expect(report.moves).toEqual([{ proposal: 'p1', release: ['x2'], add: ['h1'] }]);
    expect(report.short).toEqual([]);
    expect(report.metrics.conflicts).toBe(0);
  });
});

describe('a live re-plan leaves pending seats alone when moving them gains nothing', () => {
  it('moves only the seat that gains an expert, never swaps equals', async () => {
    const { liveInput, liveMoves } = await import('../../../functions/lib/assignment');
    // Eight health experts with equal loads; p1..p3 hold two of them each, p4 holds one expert and a
    // non-expert while an expert is free: only that seat is worth moving.
    const roster = [
      ...Array.from({ length: 8 }, (_, i) => reviewer(`h${i}`, ['kesehatan'], 2, { load: 1 })),
      reviewer('g1', ['tata-kelola'], 2, { load: 1 }),
    ];
    roster[7]!.load = 0;
    const holders = [
      ['h0', 'h1'],
      ['h2', 'h3'],
      ['h4', 'h5'],
      ['h6', 'g1'],
    ];
    const round = holders.map((movable, i) => ({
      proposal: proposal(`p${i + 1}`, 'kesehatan'),
      kept: [],
      movable,
      avoid: [],
    }));
    const plan = await planBatch(liveInput(round, roster, profile), solver);
    expect(liveMoves(round, plan)).toEqual([{ proposal: 'p4', release: ['g1'], add: ['h7'] }]);
  });
});
