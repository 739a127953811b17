/**
 * Calibrated scores (pure): reviewers differ in leniency, and with three reviewers per proposal the luck of
 * the draw (a lenient panel, a harsh one) moves a proposal's mean. The model, fitted over the whole round:
 *
 *     score(p, r) = mu + quality(p) + bias(r) + noise,   noise ~ N(0, sigma^2)
 *
 * an additive linear mixed model with reviewer bias as a random effect, bias ~ N(0, tau^2): fitted by
 * alternating least squares (proposal effects free, reviewer biases shrunk toward 0 by sigma^2 / tau^2, which
 * is the best linear unbiased predictor given the variances), with sigma^2 and tau^2 re-estimated between
 * sweeps by the method of moments. A reviewer who scored few proposals keeps a bias near 0; one who scored
 * many, all high, gets most of the difference.
 *
 * The calibrated score of a proposal is mu + quality(p): what an average reviewer would have given, on the
 * same 0-100 scale. Its interval (95 %, normal approximation) counts the noise of its own reviews and the
 * uncertainty of its reviewers' biases.
 */

export interface ScoredReview {
  proposalId: string;
  reviewerId: string;
  /** Weighted score of the review, 0-100. */
  score: number;
}

export interface CalibratedProposal {
  proposalId: string;
  reviews: number;
  /** The plain mean of its reviews. */
  mean: number;
  /** mu + quality: the score an average reviewer would have given. */
  calibrated: number;
  /** 95 % interval of the calibrated score. */
  low: number;
  high: number;
  /** Rank (1 = best) by mean and by calibrated score. */
  rankMean: number;
  rankCalibrated: number;
}

export interface ReviewerBias {
  reviewerId: string;
  reviews: number;
  /** Points the reviewer gives above (+) or below (-) an average reviewer. */
  bias: number;
  /** Standard error of that bias. */
  se: number;
}

export interface Calibration {
  proposals: CalibratedProposal[];
  reviewers: ReviewerBias[];
  /** Grand mean, noise and bias standard deviations. */
  mu: number;
  sigma: number;
  tau: number;
  sweeps: number;
}

export interface CalibrationOptions {
  /** Alternating sweeps at most (default 200). */
  maxSweeps?: number;
  /** Stop when no effect moves more than this (default 1e-6 points). */
  tolerance?: number;
}

const Z95 = 1.959964;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Ranks (1 = highest value), ties broken by id so the result is stable. */
function ranks<T extends { proposalId: string }>(
  items: readonly T[],
  value: (t: T) => number,
): Map<string, number> {
  const sorted = [...items].sort(
    (a, b) => value(b) - value(a) || (a.proposalId < b.proposalId ? -1 : a.proposalId > b.proposalId ? 1 : 0),
  );
  return new Map(sorted.map((t, i) => [t.proposalId, i + 1]));
}

/** Fits the model over a round's reviews. Throws on an empty round or a score outside 0..100. */
export function calibrate(reviews: readonly ScoredReview[], options: CalibrationOptions = {}): Calibration {
  if (reviews.length === 0) throw new Error('No reviews to calibrate');
  const seen = new Set<string>();
  for (const r of reviews) {
    if (!Number.isFinite(r.score) || r.score < 0 || r.score > 100) {
      throw new Error(`Review score ${r.score} (${r.proposalId}/${r.reviewerId}) is outside 0..100`);
    }
    const key = `${r.proposalId}\u0000${r.reviewerId}`;
    if (seen.has(key)) throw new Error(`Two reviews of ${r.proposalId} by ${r.reviewerId}`);
    seen.add(key);
  }
  const maxSweeps = options.maxSweeps ?? 200;
  const tolerance = options.tolerance ?? 1e-6;
  const byProposal = new Map<string, ScoredReview[]>();
  const byReviewer = new Map<string, ScoredReview[]>();
  for (const r of reviews) {
    const ofProposal = byProposal.get(r.proposalId) ?? [];
    ofProposal.push(r);
    byProposal.set(r.proposalId, ofProposal);
    const ofReviewer = byReviewer.get(r.reviewerId) ?? [];
    ofReviewer.push(r);
    byReviewer.set(r.reviewerId, ofReviewer);
  }
  const n = reviews.length;
  const mu = reviews.reduce((s, r) => s + r.score, 0) / n;
  const quality = new Map([...byProposal.keys()].map((id) => [id, 0]));
  const bias = new Map([...byReviewer.keys()].map((id) => [id, 0]));
  // Starting variances: noise as the within-proposal variance, biases as a tenth of it.
  let sigma2 = Math.max(1e-6, reviews.reduce((s, r) => s + (r.score - mu) ** 2, 0) / n);
  let tau2 = sigma2 / 10;
  let sweeps = 0;
  for (; sweeps < maxSweeps; sweeps++) {
    let moved = 0;
    for (const [id, list] of byProposal) {
      const q = list.reduce((s, r) => s + r.score - mu - bias.get(r.reviewerId)!, 0) / list.length;
      moved = Math.max(moved, Math.abs(q - quality.get(id)!));
      quality.set(id, q);
    }
    const lambda = sigma2 / Math.max(tau2, 1e-9);
    for (const [id, list] of byReviewer) {
      const b =
        list.reduce((s, r) => s + r.score - mu - quality.get(r.proposalId)!, 0) / (list.length + lambda);
      moved = Math.max(moved, Math.abs(b - bias.get(id)!));
      bias.set(id, b);
    }
    // Method of moments: the noise from the residuals (degrees of freedom left by the proposal effects),
    // the bias variance from the spread of the biases beyond their own sampling noise.
    const residual = reviews.reduce(
      (s, r) => s + (r.score - mu - quality.get(r.proposalId)! - bias.get(r.reviewerId)!) ** 2,
      0,
    );
    const dof = Math.max(1, n - byProposal.size);
    sigma2 = Math.max(1e-6, residual / dof);
    let spread = 0;
    for (const [id, list] of byReviewer) {
      const shrink = list.length / (list.length + lambda);
      spread += bias.get(id)! ** 2 / Math.max(shrink, 1e-9) ** 2 - sigma2 / list.length;
    }
    tau2 = Math.max(1e-6, spread / byReviewer.size);
    if (moved < tolerance) break;
  }
  const lambda = sigma2 / Math.max(tau2, 1e-9);
  const reviewerSe = new Map(
    [...byReviewer].map(([id, list]) => [id, Math.sqrt(sigma2 / (list.length + lambda))]),
  );
  const items = [...byProposal].map(([id, list]) => {
    const mean = list.reduce((s, r) => s + r.score, 0) / list.length;
    const calibrated = Math.min(100, Math.max(0, mu + quality.get(id)!));
    const biasVar = list.reduce((s, r) => s + reviewerSe.get(r.reviewerId)! ** 2, 0) / list.length ** 2;
    const se = Math.sqrt(sigma2 / list.length + biasVar);
    return { proposalId: id, reviews: list.length, mean, calibrated, se };
  });
  const byMean = ranks(items, (t) => t.mean);
  const byCalibrated = ranks(items, (t) => t.calibrated);
  return {
    proposals: items
      .map((t) => ({
        proposalId: t.proposalId,
        reviews: t.reviews,
        mean: round2(t.mean),
        calibrated: round2(t.calibrated),
        low: round2(Math.max(0, t.calibrated - Z95 * t.se)),
        high: round2(Math.min(100, t.calibrated + Z95 * t.se)),
        rankMean: byMean.get(t.proposalId)!,
        rankCalibrated: byCalibrated.get(t.proposalId)!,
      }))
      .sort((a, b) => a.rankCalibrated - b.rankCalibrated),
    reviewers: [...byReviewer]
      .map(([id, list]) => ({
        reviewerId: id,
        reviews: list.length,
        bias: round2(bias.get(id)!),
        se: round2(reviewerSe.get(id)!),
      }))
      .sort((a, b) => b.bias - a.bias || (a.reviewerId < b.reviewerId ? -1 : 1)),
    mu: round2(mu),
    sigma: round2(Math.sqrt(sigma2)),
    tau: round2(Math.sqrt(tau2)),
    sweeps,
  };
}

/** The proposals whose place in the top `n` calibration changes: in by calibration, or out of it. */
export function topChanges(
  calibration: Pick<Calibration, 'proposals'>,
  n: number,
): { entering: string[]; leaving: string[] } {
  const entering: string[] = [];
  const leaving: string[] = [];
  for (const p of calibration.proposals) {
    if (p.rankCalibrated <= n && p.rankMean > n) entering.push(p.proposalId);
    if (p.rankMean <= n && p.rankCalibrated > n) leaving.push(p.proposalId);
  }
  return { entering, leaving };
}

/** Spearman rank correlation of two equally long lists (average ranks for ties). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length < 2)
    throw new Error('Spearman needs two lists of the same length (2+)');
  const rank = (values: readonly number[]) => {
    const order = values.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
    const out = new Array<number>(values.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
      for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return out;
  };
  const ra = rank(a);
  const rb = rank(b);
  const mean = (ra.length + 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

/** A review task as the round holds it (only submitted tasks with a score count). */
export interface RoundTask {
  proposalId: string;
  reviewerId: string;
  status: string;
  score?: number;
}

/**
 * Calibrates a round from its tasks: the submitted, scored reviews of the given proposals. Undefined when no
 * review counts (nothing to calibrate).
 */
export function calibrateRound(
  proposalIds: Iterable<string>,
  tasks: readonly RoundTask[],
): Calibration | undefined {
  const ids = new Set(proposalIds);
  const reviews = tasks
    .filter((t) => ids.has(t.proposalId) && t.status === 'SUBMITTED' && typeof t.score === 'number')
    .map((t) => ({ proposalId: t.proposalId, reviewerId: t.reviewerId, score: t.score! }));
  return reviews.length > 0 ? calibrate(reviews) : undefined;
}
