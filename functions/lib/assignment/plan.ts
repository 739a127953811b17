/**
 * Planning a round on given data, the same core as the Lambda (pure: no SDK, no solver, no I/O).
 *
 * - Online: proposals in arrival order, each assigned with the production rules (`rankReviewers` and
 *   `pickReviewers`), loads updated after each one, as uploads would arrive.
 * - Batch: the whole round at once, as a linear program handed to an injected solver (`LpSolver`, HiGHS in
 *   the CLI and the benchmark). Variables are the conflict-free (proposal, reviewer) pairs; the program is a
 *   network flow (each row belongs to one of two laminar families: per proposal, per reviewer), so its basic
 *   optima are integral. Objective, in order of weight: every seat filled (`SHORT_COST`), loads inside the
 *   band around the round's pace (`BAND_COST`), one expert per proposal (`FIRST_EXPERT_BONUS`), then every
 *   expert seat (1 each), and in a live round a pending seat left where it is (`STAY_BONUS`).
 *
 * Both return the same shape: the reviewers of each proposal, the proposals left short and the metrics.
 */
import { normalizeName, type Reviewer } from '../model';
import type { AssignmentProfile } from './profile';
import {
  conflictOf,
  LOAD_BAND,
  type ProposalForAssignment,
  pickReviewers,
  rankReviewers,
  tieBreak,
} from './rules';

export type PlanMode = 'online' | 'batch';

export interface PlanInput {
  proposals: readonly ProposalForAssignment[];
  /** The roster; `load` counts the seats reviewers already hold (kept by the plan). */
  roster: readonly Reviewer[];
  profile: AssignmentProfile;
  /** Reviewers already holding a seat on a proposal, kept as they are (a live round's accepted tasks). */
  kept?: ReadonlyMap<string, readonly string[]>;
  /** Reviewers never to be put on a proposal (they held a task on it before: declined, timed out). */
  avoid?: ReadonlyMap<string, readonly string[]>;
  /** Reviewers holding a seat the plan may move (a live round's PENDING tasks): kept when nothing is gained. */
  current?: ReadonlyMap<string, readonly string[]>;
}

export interface PlanMetrics {
  /** Share of proposals with every seat filled. */
  coverage: number;
  /** Share of filled seats held by an expert of the proposal's category. */
  expertShare: number;
  /** Max - min of load/capacity over the active roster after the plan. */
  spread: number;
  /** The worst-off proposal's match: the lowest share of its seats held by experts (an empty seat counts 0). */
  worstOff: number;
  /** The mean of that share over the proposals. */
  meanMatch: number;
  /** Assignments that break a conflict rule (always 0; checked, not assumed). */
  conflicts: number;
}

export interface PlanResult {
  assignments: Array<{ proposal: string; reviewers: string[] }>;
  /** Proposals with at least one empty seat. */
  short: string[];
  metrics: PlanMetrics;
}

/** What a linear-program solver returns: its status and the value of every column by name. */
export interface LpSolution {
  status: string;
  values: Readonly<Record<string, number>>;
}
/** Solves a model in CPLEX LP format. */
export type LpSolver = (lp: string) => LpSolution | Promise<LpSolution>;

/** Cost of an empty seat: above anything expertise or load could gain. */
export const SHORT_COST = 1000;
/** Cost of one seat outside the load band. */
export const BAND_COST = 4;
/** Bonus for a proposal's first expert, on top of the expert seat itself. */
export const FIRST_EXPERT_BONUS = 2;
/**
 * Bonus for leaving a live round's PENDING seat where it is: below an expert seat, so a re-plan moves a task only
 * for what it gains (a seat filled, a load brought into the band, an expert), never to swap equals.
 */
export const STAY_BONUS = 0.25;
/** Candidates kept per proposal in the batch program when the roster is larger (experts first). */
export const BATCH_CANDIDATES = 40;

function assertUnique(ids: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new Error(`Duplicate ${what} id "${id}"`);
    seen.add(id);
  }
}

/** The seats each proposal still needs, and whether a kept reviewer already brings the expertise. */
function needs(input: PlanInput): Map<string, { need: number; matched: boolean; kept: string[] }> {
  const byId = new Map(input.roster.map((r) => [r.id, r]));
  const out = new Map<string, { need: number; matched: boolean; kept: string[] }>();
  for (const p of input.proposals) {
    const kept = [...(input.kept?.get(p.id) ?? [])];
    const matched = kept.some((id) => byId.get(id)?.expertise.includes(p.category) ?? false);
    out.set(p.id, {
      need: Math.max(0, input.profile.review.reviewersPerProposal - kept.length),
      matched,
      kept,
    });
  }
  return out;
}

/** Assigns the proposals one by one, in order, with the production rules. */
export function planOnline(input: PlanInput): PlanResult {
  assertUnique(
    input.proposals.map((p) => p.id),
    'proposal',
  );
  const roster = input.roster.map((r) => ({ ...r }));
  const byId = new Map(roster.map((r) => [r.id, r]));
  const wanted = needs(input);
  const assignments: PlanResult['assignments'] = [];
  for (const proposal of input.proposals) {
    const { need, matched, kept } = wanted.get(proposal.id)!;
    const avoid = input.avoid?.get(proposal.id) ?? [];
    const { ranked } = rankReviewers(proposal, roster, input.profile, { skip: [...kept, ...avoid] });
    const pick = pickReviewers(ranked, need, input.profile.review.requireExpertiseMatch, matched);
    for (const c of pick.chosen) byId.get(c.reviewerId)!.load++;
    assignments.push({
      proposal: proposal.id,
      reviewers: [...kept, ...pick.chosen.map((c) => c.reviewerId)],
    });
  }
  return finish(input, assignments);
}

/** Column names safe for the LP format, whatever the ids hold. */
function columnNames() {
  const names = new Map<string, string>();
  return (prefix: string, key: string): string => {
    const full = `${prefix}\u0000${key}`;
    let name = names.get(full);
    if (!name) {
      name = `${prefix}${names.size}`;
      names.set(full, name);
    }
    return name;
  };
}

/** Coefficient and name, written the LP way (`+ 2 x1`, `- x2`). */
function term(coefficient: number, name: string): string {
  const sign = coefficient < 0 ? '-' : '+';
  const magnitude = Math.abs(coefficient);
  return `${sign} ${magnitude === 1 ? '' : `${magnitude} `}${name}`;
}

/** Wraps long expressions: the LP format reads lines of limited length. */
function wrap(parts: readonly string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 20) lines.push(`  ${parts.slice(i, i + 20).join(' ')}`);
  return lines.join('\n');
}

export interface BatchModel {
  lp: string;
  /** The pair columns: name to (proposal, reviewer). */
  pairs: Map<string, { proposal: string; reviewer: string }>;
  /** Conflict-free candidate pairs left out to keep the program small. */
  cut: number;
}

/** Builds the round's linear program (see the header). */
export function batchModel(
  input: PlanInput,
  options: { candidates?: number; band?: number } = {},
): BatchModel {
  const { profile } = input;
  const maxCandidates = options.candidates ?? BATCH_CANDIDATES;
  const band = options.band ?? LOAD_BAND;
  const name = columnNames();
  const wanted = needs(input);
  const active = input.roster.filter((r) => r.active && r.capacity > 0);
  const seatsWanted = [...wanted.values()].reduce((s, w) => s + w.need, 0);
  const capacity = active.reduce((s, r) => s + r.capacity, 0);
  const load = active.reduce((s, r) => s + Math.min(r.load, r.capacity), 0);
  const pace = capacity > 0 ? Math.min(1, (load + seatsWanted) / capacity) : 0;

  const objective: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const pairs = new Map<string, { proposal: string; reviewer: string }>();
  const perReviewer = new Map<string, string[]>();
  let cut = 0;
  let row = 0;
  for (const proposal of input.proposals) {
    const { need, matched, kept } = wanted.get(proposal.id)!;
    if (need === 0) continue;
    const skip = new Set([...kept, ...(input.avoid?.get(proposal.id) ?? [])]);
    const eligible = active.filter(
      (r) => !skip.has(r.id) && r.load < r.capacity && !conflictOf(proposal, r, profile),
    );
    const stay = new Set(input.current?.get(proposal.id) ?? []);
    // Current holders first, so the candidate cut never drops them.
    const order = (a: Reviewer, b: Reviewer) =>
      Number(stay.has(b.id)) - Number(stay.has(a.id)) ||
      tieBreak(proposal.id, a.id) - tieBreak(proposal.id, b.id);
    const experts = eligible.filter((r) => r.expertise.includes(proposal.category)).sort(order);
    const others = eligible.filter((r) => !r.expertise.includes(proposal.category)).sort(order);
    const keptExperts = experts.slice(0, Math.max(maxCandidates - Math.min(others.length, need * 4), need));
    const keptOthers = others.slice(0, Math.max(0, maxCandidates - keptExperts.length));
    cut += eligible.length - keptExperts.length - keptOthers.length;
    const seat: string[] = [];
    const expertSeat: string[] = [];
    for (const [list, expert] of [
      [keptExperts, true],
      [keptOthers, false],
    ] as const) {
      for (const r of list) {
        const x = name('x', `${proposal.id}\u0000${r.id}`);
        pairs.set(x, { proposal: proposal.id, reviewer: r.id });
        seat.push(term(1, x));
        if (expert) expertSeat.push(term(1, x));
        const gain = (expert ? 1 : 0) + (stay.has(r.id) ? STAY_BONUS : 0);
        if (gain > 0) objective.push(term(gain, x));
        bounds.push(`  0 <= ${x} <= 1`);
        const list2 = perReviewer.get(r.id) ?? [];
        list2.push(x);
        perReviewer.set(r.id, list2);
      }
    }
    const short = name('s', proposal.id);
    objective.push(term(-SHORT_COST, short));
    bounds.push(`  0 <= ${short} <= ${need}`);
    rows.push(` c${row++}:\n${wrap([...seat, term(1, short)])}\n  = ${need}`);
    if (profile.review.requireExpertiseMatch && !matched && expertSeat.length > 0) {
      const first = name('e', proposal.id);
      objective.push(term(FIRST_EXPERT_BONUS, first));
      bounds.push(`  0 <= ${first} <= 1`);
      rows.push(` c${row++}:\n${wrap([...expertSeat, term(-1, first)])}\n  >= 0`);
    }
  }
  for (const r of active) {
    const xs = perReviewer.get(r.id);
    if (!xs) continue;
    const sum = xs.map((x) => term(1, x));
    const free = r.capacity - r.load;
    rows.push(` c${row++}:\n${wrap(sum)}\n  <= ${free}`);
    // The band, widened to the nearest whole seats around the pace (a small round cannot be finer).
    const share = pace * r.capacity;
    const upper = Math.max(Math.ceil(share - 1e-9), Math.floor((pace + band) * r.capacity + 1e-9)) - r.load;
    if (upper < free) {
      const over = name('o', r.id);
      objective.push(term(-BAND_COST, over));
      bounds.push(`  0 <= ${over} <= ${free}`);
      rows.push(` c${row++}:\n${wrap([...sum, term(-1, over)])}\n  <= ${Math.max(0, upper)}`);
    }
    const lower = Math.min(Math.floor(share + 1e-9), Math.ceil((pace - band) * r.capacity - 1e-9)) - r.load;
    if (lower > 0) {
      const under = name('u', r.id);
      objective.push(term(-BAND_COST, under));
      bounds.push(`  0 <= ${under} <= ${lower}`);
      rows.push(` c${row++}:\n${wrap([...sum, term(1, under)])}\n  >= ${lower}`);
    }
  }
  if (objective.length === 0) objective.push('0 s_none');
  const lp = ['Maximize', ' obj:', wrap(objective), 'Subject To', ...rows, 'Bounds', ...bounds, 'End'].join(
    '\n',
  );
  return { lp, pairs, cut };
}

/** Plans the whole round with the solver; kept seats stay. */
export async function planBatch(
  input: PlanInput,
  solve: LpSolver,
  options: { candidates?: number; band?: number } = {},
): Promise<PlanResult> {
  assertUnique(
    input.proposals.map((p) => p.id),
    'proposal',
  );
  const model = batchModel(input, options);
  const solution = await solve(model.lp);
  if (solution.status !== 'Optimal') {
    throw new Error(`The round's program was not solved to optimality (solver status: ${solution.status})`);
  }
  const chosen = new Map<string, string[]>();
  for (const [column, pair] of model.pairs) {
    const value = solution.values[column] ?? 0;
    if (value > 1e-6 && value < 1 - 1e-6) {
      throw new Error(
        `The solver returned a fractional assignment (${pair.proposal}/${pair.reviewer}: ${value})`,
      );
    }
    if (value >= 0.5) {
      const list = chosen.get(pair.proposal) ?? [];
      list.push(pair.reviewer);
      chosen.set(pair.proposal, list);
    }
  }
  const wanted = needs(input);
  const assignments = input.proposals.map((p) => ({
    proposal: p.id,
    reviewers: [...wanted.get(p.id)!.kept, ...(chosen.get(p.id) ?? [])],
  }));
  return finish(input, assignments);
}

/** The plan's metrics (see `PlanMetrics`), checked against the rules rather than trusted. */
export function planMetrics(
  input: PlanInput,
  assignments: readonly { proposal: string; reviewers: readonly string[] }[],
): PlanMetrics & { short: string[] } {
  const n = input.profile.review.reviewersPerProposal;
  const byId = new Map(input.roster.map((r) => [r.id, r]));
  const proposals = new Map(input.proposals.map((p) => [p.id, p]));
  const added = new Map<string, number>();
  const short: string[] = [];
  let filled = 0;
  let experts = 0;
  let conflicts = 0;
  let worstOff = input.proposals.length > 0 ? 1 : 0;
  let matchSum = 0;
  for (const a of assignments) {
    const proposal = proposals.get(a.proposal);
    if (!proposal) throw new Error(`Unknown proposal "${a.proposal}" in the plan`);
    const keptIds = new Set(input.kept?.get(a.proposal) ?? []);
    let expertSeats = 0;
    for (const id of a.reviewers) {
      const r = byId.get(id);
      if (!r) throw new Error(`Unknown reviewer "${id}" in the plan`);
      if (!keptIds.has(id)) added.set(id, (added.get(id) ?? 0) + 1);
      if (conflictOf(proposal, r, input.profile)) conflicts++;
      if (r.expertise.includes(proposal.category)) expertSeats++;
    }
    if (a.reviewers.length < n) short.push(a.proposal);
    filled += a.reviewers.length;
    experts += expertSeats;
    const match = n > 0 ? expertSeats / n : 1;
    worstOff = Math.min(worstOff, match);
    matchSum += match;
  }
  const ratios = input.roster
    .filter((r) => r.active && r.capacity > 0)
    .map((r) => (r.load + (added.get(r.id) ?? 0)) / r.capacity);
  for (const r of input.roster) {
    if ((added.get(r.id) ?? 0) + r.load > r.capacity && added.has(r.id)) {
      throw new Error(`Reviewer "${r.id}" is planned over capacity`);
    }
  }
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    coverage: round(assignments.length > 0 ? (assignments.length - short.length) / assignments.length : 1),
    expertShare: round(filled > 0 ? experts / filled : 0),
    spread: round(ratios.length > 0 ? Math.max(...ratios) - Math.min(...ratios) : 0),
    worstOff: round(worstOff),
    meanMatch: round(assignments.length > 0 ? matchSum / assignments.length : 0),
    conflicts,
    short,
  };
}

function finish(input: PlanInput, assignments: PlanResult['assignments']): PlanResult {
  const { short, ...metrics } = planMetrics(input, assignments);
  return { assignments, short, metrics };
}

/** The profile category id a proposal's category names (id, name or alias, compared loosely), if any. */
export function categoryId(
  profile: Pick<AssignmentProfile, 'categories'>,
  value: string,
): string | undefined {
  const wanted = normalizeName(value);
  if (!wanted) return undefined;
  for (const c of profile.categories) {
    if ([c.id, c.name, ...(c.aliases ?? [])].some((v) => normalizeName(v) === wanted)) return c.id;
  }
  return undefined;
}

/** A live round's proposal: the reviewers holding seats, split into kept (accepted or submitted) and movable. */
export interface LiveProposal {
  proposal: ProposalForAssignment;
  /** Reviewers who accepted or submitted: their seats stay. */
  kept: readonly string[];
  /** Reviewers whose task is still PENDING (nobody accepted yet): the plan may move them. */
  movable: readonly string[];
  /** Reviewers who held a task on it that no longer holds a seat (declined, timed out): never asked again. */
  avoid: readonly string[];
}

export interface LiveMove {
  proposal: string;
  /** PENDING tasks the plan takes away, and the reviewers it adds. */
  release: string[];
  add: string[];
}

/**
 * The batch plan's input for a live round: kept seats stay (their load stays with the reviewer); movable seats
 * are freed from the loads, so the plan can place them again (often on the same reviewer).
 */
export function liveInput(
  round: readonly LiveProposal[],
  roster: readonly Reviewer[],
  profile: AssignmentProfile,
): PlanInput {
  const freed = new Map<string, number>();
  for (const p of round) for (const id of p.movable) freed.set(id, (freed.get(id) ?? 0) + 1);
  return {
    proposals: round.map((p) => p.proposal),
    roster: roster.map((r) => ({ ...r, load: Math.max(0, r.load - (freed.get(r.id) ?? 0)) })),
    profile,
    kept: new Map(round.map((p) => [p.proposal.id, p.kept])),
    avoid: new Map(round.map((p) => [p.proposal.id, p.avoid])),
    current: new Map(round.map((p) => [p.proposal.id, p.movable])),
  };
}

/** What applying the plan would change: per proposal, the PENDING tasks released and the reviewers added. */
export function liveMoves(round: readonly LiveProposal[], plan: PlanResult): LiveMove[] {
  const planned = new Map(plan.assignments.map((a) => [a.proposal, new Set(a.reviewers)]));
  const moves: LiveMove[] = [];
  for (const p of round) {
    const next = planned.get(p.proposal.id) ?? new Set<string>();
    const held = new Set([...p.kept, ...p.movable]);
    const release = p.movable.filter((id) => !next.has(id));
    const add = [...next].filter((id) => !held.has(id));
    if (release.length > 0 || add.length > 0) moves.push({ proposal: p.proposal.id, release, add });
  }
  return moves;
}
