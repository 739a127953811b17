/**
 * Finalists under quotas (pure: the model is built here, an injected solver solves it).
 *
 * Choose `top` proposals maximizing the sum of their calibrated scores, subject to the profile's quotas:
 * a quota bounds how many finalists share a value of a field (a category, a group, a kind of agency, or being
 * from a 3T region), as a count or a share of `top`, for one value or for each value found. An integer
 * program: x(p) in {0, 1}; sum x = top; for each bound, min <= sum over its proposals <= max.
 *
 * What a quota costs: the program solved again without that quota; the score the selection gains is what
 * the quota costs. A minimum larger than the proposals that could meet it is lowered to them (and said so).
 */
import { normalizeName } from '../model';

export const QUOTA_FIELDS = ['category', 'group', 'agencyKind', 'region3T'] as const;
export type QuotaField = (typeof QUOTA_FIELDS)[number];

export interface Quota {
  id: string;
  field: QuotaField;
  /** One value of the field; absent: the bounds apply to each value found among the candidates. */
  value?: string;
  min?: number;
  max?: number;
  minShare?: number;
  maxShare?: number;
}

export interface FinalistCandidate {
  id: string;
  score: number;
  category?: string;
  group?: string;
  agencyKind?: string;
  province?: string;
  regency?: string;
}

export interface FinalistRules {
  top: number;
  quotas: readonly Quota[];
  /** Regencies/cities of the 3T regions (daerah tertinggal, terdepan, terluar). */
  regions3T: readonly string[];
}

export interface LpSolution {
  status: string;
  values: Readonly<Record<string, number>>;
}
export type MipSolver = (lp: string) => LpSolution | Promise<LpSolution>;

export interface Bound {
  quota: string;
  value: string;
  min: number;
  max: number;
  /** Candidates that could meet it. */
  available: number;
  /** Set when the minimum was lowered to what is available. */
  lowered?: boolean;
}

export interface QuotaCost {
  quota: string;
  /** Score given up for the quota (the selection without it scores this much more). */
  cost: number;
  /** Proposals the quota brings in, and the ones it keeps out. */
  brings: string[];
  keepsOut: string[];
}

export interface FinalistSelection {
  finalists: Array<FinalistCandidate & { rank: number; inTopByScore: boolean }>;
  total: number;
  /** The score of the plain top N (no quotas). */
  unconstrained: number;
  bounds: Bound[];
  costs: QuotaCost[];
}

function fieldValue(
  c: FinalistCandidate,
  field: QuotaField,
  regions: ReadonlySet<string>,
): string | undefined {
  if (field === 'region3T') {
    return c.regency && regions.has(normalizeName(c.regency)) ? '3T' : undefined;
  }
  const v = c[field];
  return v ? normalizeName(v) : undefined;
}

/** The bounds the quotas come to on these candidates. */
export function quotaBounds(candidates: readonly FinalistCandidate[], rules: FinalistRules): Bound[] {
  const regions = new Set(rules.regions3T.map(normalizeName));
  const bounds: Bound[] = [];
  for (const q of rules.quotas) {
    const values =
      q.value !== undefined
        ? [q.field === 'region3T' ? '3T' : normalizeName(q.value)]
        : [
            ...new Set(
              candidates
                .map((c) => fieldValue(c, q.field, regions))
                .filter((v): v is string => v !== undefined),
            ),
          ].sort();
    for (const value of values) {
      const available = candidates.filter((c) => fieldValue(c, q.field, regions) === value).length;
      let min = Math.max(q.min ?? 0, Math.ceil((q.minShare ?? 0) * rules.top - 1e-9));
      const max = Math.min(q.max ?? rules.top, Math.floor((q.maxShare ?? 1) * rules.top + 1e-9));
      const lowered = min > available;
      if (lowered) min = available;
      bounds.push({ quota: q.id, value, min, max, available, ...(lowered ? { lowered } : {}) });
    }
  }
  return bounds;
}

/** The integer program (CPLEX LP format) and its column names. */
export function finalistModel(
  candidates: readonly FinalistCandidate[],
  rules: FinalistRules,
  bounds: readonly Bound[],
): { lp: string; columns: string[] } {
  const regions = new Set(rules.regions3T.map(normalizeName));
  const columns = candidates.map((_, i) => `x${i}`);
  const field = (quota: string) => rules.quotas.find((q) => q.id === quota)!.field;
  const lines = (terms: string[]) => {
    const out: string[] = [];
    for (let i = 0; i < terms.length; i += 20) out.push(`  ${terms.slice(i, i + 20).join(' ')}`);
    return out.join('\n') || '  0 x0';
  };
  const rows: string[] = [` n:\n${lines(columns.map((c) => `+ ${c}`))}\n  = ${rules.top}`];
  bounds.forEach((b, k) => {
    const members = candidates
      .map((c, i) => (fieldValue(c, field(b.quota), regions) === b.value ? columns[i]! : undefined))
      .filter((c): c is string => c !== undefined);
    if (members.length === 0) return;
    const sum = lines(members.map((c) => `+ ${c}`));
    if (b.min > 0) rows.push(` q${k}lo:\n${sum}\n  >= ${b.min}`);
    if (b.max < members.length) rows.push(` q${k}hi:\n${sum}\n  <= ${b.max}`);
  });
  const objective = lines(candidates.map((c, i) => `+ ${Math.round(c.score * 100) / 100} ${columns[i]}`));
  const lp = [
    'Maximize',
    ' obj:',
    objective,
    'Subject To',
    ...rows,
    'Bounds',
    ...columns.map((c) => `  0 <= ${c} <= 1`),
    'Binary',
    lines(columns),
    'End',
  ].join('\n');
  return { lp, columns };
}

async function solveSelection(
  candidates: readonly FinalistCandidate[],
  rules: FinalistRules,
  bounds: readonly Bound[],
  solve: MipSolver,
): Promise<Set<string>> {
  const { lp, columns } = finalistModel(candidates, rules, bounds);
  const solution = await solve(lp);
  if (solution.status !== 'Optimal') {
    throw new Error(`The quotas cannot all be met (solver status: ${solution.status})`);
  }
  return new Set(candidates.filter((_, i) => (solution.values[columns[i]!] ?? 0) > 0.5).map((c) => c.id));
}

/** Selects the finalists and prices each quota. */
export async function selectFinalists(
  candidates: readonly FinalistCandidate[],
  rules: FinalistRules,
  solve: MipSolver,
): Promise<FinalistSelection> {
  if (!Number.isInteger(rules.top) || rules.top < 1) throw new Error('--top must be a positive whole number');
  const ids = new Set<string>();
  for (const c of candidates) {
    if (ids.has(c.id)) throw new Error(`Duplicate candidate "${c.id}"`);
    if (!Number.isFinite(c.score)) throw new Error(`Candidate "${c.id}" has no score`);
    ids.add(c.id);
  }
  const ranked = [...candidates].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  if (rules.top >= candidates.length) {
    const all = ranked.map((c, i) => ({ ...c, rank: i + 1, inTopByScore: true }));
    const total = all.reduce((s, c) => s + c.score, 0);
    return { finalists: all, total, unconstrained: total, bounds: [], costs: [] };
  }
  const bounds = quotaBounds(candidates, rules);
  const chosen = await solveSelection(candidates, rules, bounds, solve);
  const scoreOf = (set: ReadonlySet<string>) =>
    candidates.filter((c) => set.has(c.id)).reduce((s, c) => s + c.score, 0);
  const total = scoreOf(chosen);
  const plainTop = new Set(ranked.slice(0, rules.top).map((c) => c.id));
  const costs: QuotaCost[] = [];
  for (const q of rules.quotas) {
    const without = { ...rules, quotas: rules.quotas.filter((other) => other.id !== q.id) };
    const freed = await solveSelection(
      candidates,
      without,
      bounds.filter((b) => b.quota !== q.id),
      solve,
    );
    costs.push({
      quota: q.id,
      cost: Math.round((scoreOf(freed) - total) * 100) / 100,
      brings: [...chosen].filter((id) => !freed.has(id)).sort(),
      keepsOut: [...freed].filter((id) => !chosen.has(id)).sort(),
    });
  }
  const finalists = ranked
    .filter((c) => chosen.has(c.id))
    .map((c, i) => ({ ...c, rank: i + 1, inTopByScore: plainTop.has(c.id) }));
  return {
    finalists,
    total: Math.round(total * 100) / 100,
    unconstrained: Math.round(scoreOf(plainTop) * 100) / 100,
    bounds,
    costs,
  };
}
