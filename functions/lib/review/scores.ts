/**
 * Score arithmetic.
 *
 * One review's weighted score (0-100), as the profile contract defines it:
 *   sum(weight * (score - scaleMin) / (scaleMax - scaleMin)) / sum(weight) * 100
 * so the lowest mark on every criterion gives 0 and the highest gives 100, whatever the scale.
 *
 * A proposal's result aggregates the weighted scores of its submitted reviews:
 * - score: the arithmetic mean of the reviews' weighted scores (every reviewer counts equally; with the
 *   small teams of KIPP evaluation a trimmed mean or median would discard a third of the evidence);
 * - mean: the same value, kept separately so the definition of `score` can change without losing it;
 * - spread: highest minus lowest weighted score; disagreement when spread > review.disagreementThreshold;
 * - stdev: population standard deviation (the reviews are all the reviews of the proposal, not a sample).
 * Every figure is rounded to 2 decimals, and disagreement is judged on the rounded spread (what people see).
 */
import { ScoreError } from './errors';
import type { ReviewProfile } from './profile';

/** Rounds half away from zero to 2 decimals, immune to binary artefacts such as 1.005 -> 1. */
export function round2(value: number): number {
  const rounded = Math.round(Math.abs(value) * 100 + 1e-9) / 100;
  return Math.sign(value) * rounded || 0;
}

/** The weighted score (0-100) of one review. Throws ScoreError for a missing, unknown or out-of-scale score. */
export function weightedScore(
  scores: Readonly<Record<string, number>>,
  profile: Pick<ReviewProfile, 'scoring'>,
): number {
  const { scaleMin, scaleMax, criteria } = profile.scoring;
  if (!(scaleMax > scaleMin)) throw new ScoreError(`The scoring scale ${scaleMin}..${scaleMax} is empty`);
  const known = new Set(criteria.map((c) => c.id));
  for (const id of Object.keys(scores)) {
    if (!known.has(id)) throw new ScoreError(`Unknown criterion "${id}"`);
  }
  let total = 0;
  let weights = 0;
  for (const c of criteria) {
    const score = scores[c.id];
    if (score === undefined) throw new ScoreError(`Missing score for criterion "${c.id}"`);
    if (!Number.isFinite(score) || score < scaleMin || score > scaleMax) {
      throw new ScoreError(`Score ${score} for criterion "${c.id}" is outside ${scaleMin}..${scaleMax}`);
    }
    if (!(c.weight >= 0)) throw new ScoreError(`Criterion "${c.id}" has a negative weight`);
    total += (c.weight * (score - scaleMin)) / (scaleMax - scaleMin);
    weights += c.weight;
  }
  if (weights <= 0) throw new ScoreError('The scoring criteria have no weight');
  return round2((total / weights) * 100);
}

export interface Aggregate {
  /** The proposal's score: the mean of the reviews' weighted scores. */
  score: number;
  mean: number;
  /** Highest minus lowest weighted score. */
  spread: number;
  /** Population standard deviation of the weighted scores. */
  stdev: number;
  reviews: number;
  /** spread > profile.review.disagreementThreshold */
  disagreement: boolean;
}

/** Aggregates the weighted scores (0-100) of a proposal's submitted reviews. Throws ScoreError when empty. */
export function aggregate(
  reviewScores: readonly number[],
  profile: Pick<ReviewProfile, 'review'>,
): Aggregate {
  if (reviewScores.length === 0) throw new ScoreError('No reviews to aggregate');
  for (const s of reviewScores) {
    if (!Number.isFinite(s) || s < 0 || s > 100) throw new ScoreError(`Review score ${s} is outside 0..100`);
  }
  const n = reviewScores.length;
  const mean = reviewScores.reduce((a, b) => a + b, 0) / n;
  const variance = reviewScores.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  const spread = round2(Math.max(...reviewScores) - Math.min(...reviewScores));
  const rounded = round2(mean);
  return {
    score: rounded,
    mean: rounded,
    spread,
    stdev: round2(Math.sqrt(variance)),
    reviews: n,
    disagreement: spread > profile.review.disagreementThreshold,
  };
}

/** What the submitted reviews of a proposal add up to: a result, or how many reviews are still missing. */
export type ReviewOutcome =
  | { enough: true; result: Aggregate }
  | { enough: false; reviews: number; needed: number };

/**
 * The minimum-reviews rule: the submitted reviews (tasks SUBMITTED with a score) make a result once there are at
 * least the profile's `minReviews`; otherwise the proposal goes back to assignment for the missing seats.
 */
export function reviewOutcome(
  tasks: ReadonlyArray<{ status: string; score?: number }>,
  profile: Pick<ReviewProfile, 'review'>,
): ReviewOutcome {
  const scores = tasks
    .filter((task) => task.status === 'SUBMITTED' && typeof task.score === 'number')
    .map((task) => task.score as number);
  const needed = profile.review.minReviews;
  if (scores.length < needed) return { enough: false, reviews: scores.length, needed };
  return { enough: true, result: aggregate(scores, profile) };
}
