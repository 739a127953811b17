/**
 * Reviewer assignment benchmark.
 *
 * 1. CPU: rank + pick for one proposal against 500 reviewers (median of many runs).
 * 2. End to end on DynamoDB Local: import a 500-reviewer roster, then assign proposals one at a time.
 * 3. Quality over a simulated season (3,000 proposals, 300 reviewers, seeded, skewed categories), on the same
 *    data three ways: online in arrival order with the rules before coverage first (an expert ranked above
 *    everything, the last seat left empty when no expert was free), online with today's rules, and the batch
 *    plan over the whole round (`planBatch`, HiGHS); and the season as it runs: online, then the re-plan after
 *    the deadline (`proposals plan --live --apply`) with half the tasks accepted by then. For each: coverage, proposals short, expert share, load
 *    spread, the worst-off proposal's match (min and mean of its experts per seat), proposals without an
 *    expert, and the ratio of the match score to the offline optimum computed with HiGHS.
 *
 * Match score: 1 for each (proposal, reviewer) assignment whose reviewer lists the proposal's category as
 * expertise, 0 otherwise; a season's score is the sum. The offline optimum maximises that sum over all
 * conflict-free assignments with at most `reviewersPerProposal` reviewers per proposal and at most
 * `capacity` proposals per reviewer (a transportation LP over the expert pairs; its optimum is integral).
 * It ignores the seats filled by non-experts. To keep the LP small each proposal keeps its top 15 experts;
 * a second, tiny LP that ignores conflicts (so proposals of one category are interchangeable) gives an upper
 * bound that shows whether that cut lost anything.
 *
 * Run alone: `npx tsx bench/assignment.ts` (or `--endpoint http://127.0.0.1:8000` for a running DynamoDB).
 */
import { pathToFileURL } from 'node:url';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import loadHighs from 'highs';
import { loadProfile } from '../functions/lib/adapters/profile-file';
import { assignmentPorts } from '../functions/lib/adapters/review-tasks';
import { importRoster } from '../functions/lib/adapters/roster';
import {
  assignReviewers,
  type LiveProposal,
  liveInput,
  liveMoves,
  type PlanMetrics,
  planBatch,
  planMetrics,
  planOnline,
} from '../functions/lib/assignment';
import type { AssignmentProfile } from '../functions/lib/assignment/profile';
import { type ProposalForAssignment, pickReviewers, rankReviewers } from '../functions/lib/assignment/rules';
import type { Reviewer } from '../functions/lib/model';
import { createProjectTable, startTestTable } from '../local/emulators/table';
import { seededRandom } from './random';

/** Share of the online tasks accepted when submissions close and ops re-plan (their seats stay). */
const ACCEPTED_AT_DEADLINE = 0.5;

/** Experts per proposal kept in the offline LP (the conflict-free bound shows the cut loses nothing here). */
const TOP_CANDIDATES = 15;

export interface Measurement {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

/**
 * An upper bound of the match score that ignores conflicts, so that proposals of one category are
 * interchangeable: y[c][r] = proposals of category c given to expert r (at most one seat per proposal, so
 * y <= count[c]); sum over r <= seats of category c; sum over c <= capacity of r. A few hundred variables.
 */
export async function matchScoreUpperBound(season: Season, profile: AssignmentProfile): Promise<number> {
  const highs = await loadHighs();
  const n = profile.review.reviewersPerProposal;
  const count = new Map<string, number>();
  for (const p of season.proposals) count.set(p.category, (count.get(p.category) ?? 0) + 1);
  const terms: string[] = [];
  const bounds: string[] = [];
  const byCategory = new Map<string, string[]>();
  const rows: string[] = [];
  for (const [i, r] of season.reviewers.entries()) {
    const names = r.expertise
      .filter((c) => count.has(c))
      .map((c) => {
        const name = `y${i}_${c.replaceAll('-', '_')}`;
        terms.push(name);
        bounds.push(` 0 <= ${name} <= ${count.get(c)}`);
        const list = byCategory.get(c) ?? [];
        list.push(name);
        byCategory.set(c, list);
        return name;
      });
    if (names.length > 0) rows.push(` r${i}: ${names.join(' + ')} <= ${r.capacity}`);
  }
  for (const [c, names] of byCategory)
    rows.push(` s_${c.replaceAll('-', '_')}: ${names.join(' + ')} <= ${n * count.get(c)!}`);
  const lp = [
    'Maximize',
    ` score: ${terms.join(' + ')}`,
    'Subject To',
    ...rows,
    'Bounds',
    ...bounds,
    'End',
  ].join('\n');
  const solution = highs.solve(lp, { output_flag: false });
  if (solution.Status !== 'Optimal') throw new Error(`HiGHS ended with status ${solution.Status}`);
  return solution.ObjectiveValue;
}

function pickWeighted<T>(items: readonly T[], weights: readonly number[], random: () => number): T {
  const total = weights.reduce((s, w) => s + w, 0);
  let x = random() * total;
  for (let i = 0; i < items.length; i++) {
    x -= weights[i]!;
    if (x < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Share of KIPP proposals by category, highest first (governance, health and education dominate the
 * published winners lists; law enforcement and gender-responsive services are rare). An assumption, stated
 * as such: the ministry does not publish counts per category.
 */
const CATEGORY_SHARE: Record<string, number> = {
  'tata-kelola': 22,
  kesehatan: 16,
  pendidikan: 12,
  'pemberdayaan-masyarakat': 12,
  'pertumbuhan-ekonomi': 10,
  'pengentasan-kemiskinan': 9,
  'lingkungan-hidup': 7,
  'ketahanan-pangan': 5,
  'responsif-gender': 4,
  'penegakan-hukum': 3,
};

export interface Season {
  reviewers: Reviewer[];
  proposals: ProposalForAssignment[];
}

/** A simulated season: agencies submit, academics and a few agency practitioners review. */
export function simulateSeason(
  profile: Pick<AssignmentProfile, 'categories'>,
  proposals: number,
  reviewers: number,
  seed: number,
  capacity: [number, number] = [25, 40],
): Season {
  const random = seededRandom(seed);
  const categories = profile.categories.map((c) => c.id);
  const demand = categories.map((c) => CATEGORY_SHARE[c] ?? 5);
  // Academics' expertise is spread far more evenly than the proposals are: popular categories are short of
  // experts, rare ones have spare experts.
  const supply = demand.map((w) => w / 4 + 75 / categories.length);
  const agencies = Array.from({ length: 400 }, (_, i) => `Pemerintah Daerah ${i + 1}`);
  const universities = Array.from({ length: 40 }, (_, i) => `Universitas ${i + 1}`);
  const roster: Reviewer[] = Array.from({ length: reviewers }, (_, i) => {
    const k = random() < 0.7 ? 1 : random() < 0.8 ? 2 : 3;
    const expertise = new Set<string>();
    while (expertise.size < k) expertise.add(pickWeighted(categories, supply, random));
    const practitioner = random() < 0.1;
    const conflicts =
      random() < 0.25
        ? Array.from(
            { length: 1 + Math.floor(random() * 3) },
            () => agencies[Math.floor(random() * agencies.length)]!,
          )
        : [];
    return {
      id: `r${String(i).padStart(4, '0')}`,
      name: `Penilai ${i}`,
      email: `penilai.${i}@example.ac.id`,
      institution: practitioner
        ? agencies[Math.floor(random() * agencies.length)]!
        : universities[Math.floor(random() * universities.length)]!,
      expertise: [...expertise],
      capacity: capacity[0] + Math.floor(random() * (capacity[1] - capacity[0] + 1)),
      load: 0,
      language: 'id',
      active: true,
      conflicts,
    };
  });
  const season: ProposalForAssignment[] = Array.from({ length: proposals }, (_, i) => ({
    id: `p${String(i).padStart(5, '0')}`,
    institution: agencies[Math.floor(random() * agencies.length)]!,
    agency: `agency-${i}`,
    category: pickWeighted(categories, demand, random),
    ...(random() < 0.01 ? { contactEmail: `penilai.${Math.floor(random() * reviewers)}@example.ac.id` } : {}),
  }));
  return { reviewers: roster, proposals: season };
}

export interface OnlineOutcome {
  assignments: Array<{ proposalId: string; reviewerId: string; match: boolean }>;
  missing: number;
  loads: Map<string, number>;
}

/**
 * Assigns a season in arrival order with the rules as they were before coverage first: experts ranked above
 * everything whatever their load (no load band), and when no expert was free, the last seat left empty for ops.
 */
export function assignOnlineBefore(season: Season, profile: AssignmentProfile): OnlineOutcome {
  const roster = season.reviewers.map((r) => ({ ...r }));
  const byId = new Map(roster.map((r) => [r.id, r]));
  const n = profile.review.reviewersPerProposal;
  const assignments: OnlineOutcome['assignments'] = [];
  let missing = 0;
  for (const proposal of season.proposals) {
    const queue = rankReviewers(proposal, roster, profile, { band: Number.POSITIVE_INFINITY }).ranked;
    let matched = false;
    let taken = 0;
    while (taken < n && queue.length > 0) {
      let index = 0;
      if (profile.review.requireExpertiseMatch && !matched) {
        index = queue.findIndex((c) => c.expertiseMatch);
        if (index < 0) index = n - taken > 1 ? 0 : -1;
      }
      if (index < 0) break;
      const [chosen] = queue.splice(index, 1);
      matched ||= chosen!.expertiseMatch;
      taken++;
      byId.get(chosen!.reviewerId)!.load++;
      assignments.push({
        proposalId: proposal.id,
        reviewerId: chosen!.reviewerId,
        match: chosen!.expertiseMatch,
      });
    }
    missing += n - taken;
  }
  return { assignments, missing, loads: new Map(roster.map((r) => [r.id, r.load])) };
}

/** Assigns a season in arrival order with the production rules, loads updated after each proposal. */
export function assignOnline(season: Season, profile: AssignmentProfile): OnlineOutcome {
  const roster = season.reviewers.map((r) => ({ ...r }));
  const byId = new Map(roster.map((r) => [r.id, r]));
  const assignments: OnlineOutcome['assignments'] = [];
  let missing = 0;
  for (const proposal of season.proposals) {
    const { ranked } = rankReviewers(proposal, roster, profile);
    const pick = pickReviewers(
      ranked,
      profile.review.reviewersPerProposal,
      profile.review.requireExpertiseMatch,
    );
    missing += pick.missing;
    for (const chosen of pick.chosen) {
      byId.get(chosen.reviewerId)!.load++;
      assignments.push({
        proposalId: proposal.id,
        reviewerId: chosen.reviewerId,
        match: chosen.expertiseMatch,
      });
    }
  }
  return { assignments, missing, loads: new Map(roster.map((r) => [r.id, r.load])) };
}

/**
 * The offline optimum of the season's match score (see the header) with HiGHS. Variables are the
 * conflict-free expert pairs only; with `topCandidates`, each proposal keeps only that many of them
 * (least-loaded-first is meaningless offline, so the cut is by the same hash tie-break as online).
 */
export async function optimalMatchScore(
  season: Season,
  profile: AssignmentProfile,
  topCandidates = Number.POSITIVE_INFINITY,
): Promise<{ optimum: number; variables: number; seconds: number }> {
  const highs = await loadHighs();
  const n = profile.review.reviewersPerProposal;
  const terms: string[] = [];
  const perProposal: string[] = [];
  const perReviewer = new Map<string, string[]>();
  let variables = 0;
  for (const [p, proposal] of season.proposals.entries()) {
    const { ranked } = rankReviewers(proposal, season.reviewers, profile);
    const experts = ranked.filter((c) => c.expertiseMatch).slice(0, topCandidates);
    if (experts.length === 0) continue;
    const names: string[] = [];
    for (const c of experts) {
      const name = `x${p}_${c.reviewerId}`;
      names.push(name);
      terms.push(name);
      const list = perReviewer.get(c.reviewerId) ?? [];
      list.push(name);
      perReviewer.set(c.reviewerId, list);
      variables++;
    }
    perProposal.push(` p${p}: ${names.join(' + ')} <= ${n}`);
  }
  const capacity = new Map(season.reviewers.map((r) => [r.id, r.capacity]));
  const rows: string[] = [
    ...perProposal,
    ...[...perReviewer].map(([id, names]) => ` c_${id}: ${names.join(' + ')} <= ${capacity.get(id)}`),
  ];
  const lp = [
    'Maximize',
    ` score: ${terms.join(' + ')}`,
    'Subject To',
    ...rows,
    'Bounds',
    ...terms.map((t) => ` 0 <= ${t} <= 1`),
    'End',
  ].join('\n');
  const started = performance.now();
  const solution = highs.solve(lp, { output_flag: false });
  const seconds = (performance.now() - started) / 1000;
  if (solution.Status !== 'Optimal') throw new Error(`HiGHS ended with status ${solution.Status}`);
  return { optimum: solution.ObjectiveValue, variables, seconds };
}

async function openTable(endpoint?: string) {
  if (!endpoint) return startTestTable(`bench-assignment-${Date.now()}`);
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tableName = `bench-assignment-${Date.now()}`;
  await createProjectTable(client, tableName);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    doc,
    tableName,
    async close() {
      await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
      client.destroy();
    },
  };
}

export async function benchAssignment(opts: { endpoint?: string } = {}): Promise<Measurement[]> {
  const profile = loadProfile('kipp');
  const results: Measurement[] = [];

  // 1. CPU: rank + pick against 500 reviewers.
  const cpu = simulateSeason(profile, 400, 500, 1);
  const roster = cpu.reviewers.map((r, i) => ({ ...r, load: i % r.capacity }));
  for (const p of cpu.proposals.slice(0, 50)) rankReviewers(p, roster, profile); // warm-up
  const times: number[] = [];
  for (const proposal of cpu.proposals) {
    const started = performance.now();
    const { ranked } = rankReviewers(proposal, roster, profile);
    pickReviewers(ranked, profile.review.reviewersPerProposal, profile.review.requireExpertiseMatch);
    times.push(performance.now() - started);
  }
  results.push({
    name: 'assignment: rank + pick, 500 reviewers',
    value: Number(median(times).toFixed(3)),
    unit: 'ms',
    note: `median of ${times.length} proposals`,
  });

  // 2. End to end on DynamoDB Local.
  const table = await openTable(opts.endpoint);
  try {
    const e2e = simulateSeason(profile, 30, 500, 2);
    let started = performance.now();
    await importRoster(table.doc, table.tableName, e2e.reviewers);
    results.push({
      name: 'roster import, 500 reviewers (DynamoDB Local)',
      value: Math.round(performance.now() - started),
      unit: 'ms',
    });
    const assignTimes: number[] = [];
    const now = new Date('2025-07-01T00:00:00Z');
    for (const proposal of e2e.proposals) {
      started = performance.now();
      await assignReviewers(assignmentPorts(table.doc, table.tableName), proposal, profile, now);
      assignTimes.push(performance.now() - started);
    }
    results.push({
      name: 'assignment end to end, one proposal, 500 reviewers (DynamoDB Local)',
      value: Number(median(assignTimes).toFixed(1)),
      unit: 'ms',
      note: `median of ${assignTimes.length}: roster query, task query, ${profile.review.reviewersPerProposal} transactions`,
    });
  } finally {
    await table.close();
  }

  // 3. Quality over a simulated season, the same data three ways.
  const season = simulateSeason(profile, 3000, 300, 2025);
  const seats = season.proposals.length * profile.review.reviewersPerProposal;
  const capacity = season.reviewers.reduce((s, r) => s + r.capacity, 0);
  const input = { proposals: season.proposals, roster: season.reviewers, profile };
  const byProposal = new Map(season.proposals.map((p) => [p.id, p]));
  const byReviewer = new Map(season.reviewers.map((r) => [r.id, r]));
  const grouped = (outcome: OnlineOutcome) => {
    const map = new Map<string, string[]>(season.proposals.map((p) => [p.id, []]));
    for (const a of outcome.assignments) map.get(a.proposalId)!.push(a.reviewerId);
    return [...map].map(([proposal, reviewers]) => ({ proposal, reviewers }));
  };
  const lp = await optimalMatchScore(season, profile, TOP_CANDIDATES);
  const bound = await matchScoreUpperBound(season, profile);
  let started = performance.now();
  const beforePlan = grouped(assignOnlineBefore(season, profile));
  const before = planMetrics(input, beforePlan);
  const beforeSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const online = planOnline(input);
  const onlineSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const highs = await loadHighs();
  const batch = await planBatch(input, (model) => {
    const solution = highs.solve(model, { output_flag: false });
    const values: Record<string, number> = {};
    for (const [name, column] of Object.entries(solution.Columns))
      values[name] = (column as { Primal: number }).Primal;
    return { status: solution.Status, values };
  });
  const batchSeconds = (performance.now() - started) / 1000;
  // The season as it runs: online as uploads arrive, then `proposals plan --live --apply` after the deadline,
  // when some reviewers have accepted (their seats stay) and the others' PENDING seats may move.
  started = performance.now();
  const accepting = seededRandom(2026);
  const onlineLoad = new Map<string, number>();
  const round: LiveProposal[] = online.assignments.map((a) => {
    for (const id of a.reviewers) onlineLoad.set(id, (onlineLoad.get(id) ?? 0) + 1);
    const kept = a.reviewers.filter(() => accepting() < ACCEPTED_AT_DEADLINE);
    return {
      proposal: byProposal.get(a.proposal)!,
      kept,
      movable: a.reviewers.filter((id) => !kept.includes(id)),
      avoid: [],
    };
  });
  const liveRoster = season.reviewers.map((r) => ({ ...r, load: r.load + (onlineLoad.get(r.id) ?? 0) }));
  const replanned = await planBatch(liveInput(round, liveRoster, profile), (model) => {
    const solution = highs.solve(model, { output_flag: false });
    const values: Record<string, number> = {};
    for (const [name, column] of Object.entries(solution.Columns))
      values[name] = (column as { Primal: number }).Primal;
    return { status: solution.Status, values };
  });
  const moved = liveMoves(round, replanned).reduce((s, m) => s + m.release.length, 0);
  const replanSeconds = (performance.now() - started) / 1000;
  const ways: Array<
    [string, PlanMetrics & { short: string[] }, Array<{ proposal: string; reviewers: string[] }>, number]
  > = [
    ['before (online, expert first, last seat left to ops)', before, beforePlan, beforeSeconds],
    [
      'online (coverage first, load band)',
      { ...online.metrics, short: online.short },
      online.assignments,
      onlineSeconds,
    ],
    ['batch plan (HiGHS)', { ...batch.metrics, short: batch.short }, batch.assignments, batchSeconds],
    [
      `online, then re-plan at the deadline (${100 * ACCEPTED_AT_DEADLINE} % accepted by then)`,
      { ...replanned.metrics, short: replanned.short },
      replanned.assignments,
      replanSeconds,
    ],
  ];
  for (const [label, m, assignments] of ways) {
    const filled = assignments.reduce((s, a) => s + a.reviewers.length, 0);
    let matched = 0;
    let withoutExpert = 0;
    for (const a of assignments) {
      const category = byProposal.get(a.proposal)!.category;
      const experts = a.reviewers.filter((id) => byReviewer.get(id)!.expertise.includes(category)).length;
      matched += experts;
      if (experts === 0) withoutExpert++;
    }
    if (m.conflicts > 0) throw new Error(`${label}: ${m.conflicts} conflicts in the simulated season`);
    results.push(
      {
        name: `season, ${label}: coverage`,
        value: Number((100 * m.coverage).toFixed(2)),
        unit: '%',
        note: `${m.short.length} proposals short; ${filled} of ${seats} seats filled, capacity ${capacity}`,
      },
      {
        name: `season, ${label}: expert seats`,
        value: Number((100 * m.expertShare).toFixed(1)),
        unit: '%',
        note: `${matched} of ${filled}; ${withoutExpert} proposals without an expert`,
      },
      {
        name: `season, ${label}: load spread`,
        value: Number(m.spread.toFixed(3)),
        unit: 'ratio',
        note: 'max - min of load/capacity',
      },
      {
        name: `season, ${label}: worst-off proposal's match`,
        value: Number(m.worstOff.toFixed(3)),
        unit: 'ratio',
        note: `mean ${m.meanMatch.toFixed(3)} (experts per seat, an empty seat counts 0)`,
      },
      {
        name: `season, ${label}: match score / offline optimum`,
        value: Number(((100 * matched) / lp.optimum).toFixed(2)),
        unit: '%',
        note: `${matched} of ${lp.optimum}`,
      },
    );
  }
  results.push({
    name: 'season, re-plan at the deadline: pending seats moved',
    value: moved,
    unit: 'seats',
    note: `of ${seats}; ${replanSeconds.toFixed(1)} s`,
  });
  results.push({
    name: 'season: offline optimum of the match score (HiGHS)',
    value: lp.optimum,
    unit: 'seats',
    note:
      `LP over the top ${TOP_CANDIDATES} experts per proposal, ${lp.variables} pairs, ${lp.seconds.toFixed(1)} s; ` +
      `bound without conflicts ${bound}; no coverage or load constraint. Times: before ${beforeSeconds.toFixed(1)} s, ` +
      `online ${onlineSeconds.toFixed(1)} s, batch ${batchSeconds.toFixed(1)} s`,
  });
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const index = process.argv.indexOf('--endpoint');
  const endpoint = index > 0 ? process.argv[index + 1] : undefined;
  const results = await benchAssignment(endpoint ? { endpoint } : {});
  for (const r of results) {
    console.log(
      `${r.name.padEnd(72)} ${String(r.value).padStart(10)} ${r.unit}${r.note ? `  (${r.note})` : ''}`,
    );
  }
}
