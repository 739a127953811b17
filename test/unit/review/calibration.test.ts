import { describe, expect, it } from 'vitest';
import { simulateRound } from '../../../bench/calibration';
import {
  calibrate,
  type ScoredReview,
  spearman,
  topChanges,
} from '../../../functions/lib/review/calibration';

describe('calibrated scores', () => {
  it('removes a lenient reviewer’s bias: a proposal scored by the lenient one no longer outranks a better one', () => {
    // Six proposals, four reviewers; "soft" gives +15 to everything. A (true 70) is reviewed by soft; B (true 75)
    // is not. The raw mean puts A first; calibration puts B first.
    const truth: Record<string, number> = { A: 70, B: 75, C: 60, D: 55, E: 65, F: 50 };
    const panels: Record<string, string[]> = {
      A: ['soft', 'r1', 'r2'],
      B: ['r1', 'r2', 'r3'],
      C: ['soft', 'r2', 'r3'],
      D: ['soft', 'r1', 'r3'],
      E: ['r1', 'r2', 'r3'],
      F: ['soft', 'r1', 'r2'],
    };
    const bias: Record<string, number> = { soft: 30, r1: 0, r2: 0, r3: 0 };
    const reviews: ScoredReview[] = Object.entries(panels).flatMap(([p, rs]) =>
      rs.map((r) => ({ proposalId: p, reviewerId: r, score: truth[p]! + bias[r]! })),
    );
    const cal = calibrate(reviews);
    const byId = new Map(cal.proposals.map((p) => [p.proposalId, p]));
    expect(byId.get('A')!.rankMean).toBe(1);
    expect(byId.get('B')!.rankCalibrated).toBe(1);
    expect(cal.reviewers[0]!.reviewerId).toBe('soft');
    expect(cal.reviewers[0]!.bias).toBeGreaterThan(15);
    expect(topChanges(cal, 1)).toEqual({ entering: ['B'], leaving: ['A'] });
    for (const p of cal.proposals) expect(p.low).toBeLessThanOrEqual(p.calibrated);
    for (const p of cal.proposals) expect(p.high).toBeGreaterThanOrEqual(p.calibrated);
  });

  it('ranks closer to the truth than the raw mean on a simulated round', () => {
    const round = simulateRound(7, 300, 60);
    const cal = calibrate(round.reviews);
    const truth = cal.proposals.map((p) => round.quality.get(p.proposalId)!);
    const raw = spearman(
      truth,
      cal.proposals.map((p) => p.mean),
    );
    const calibrated = spearman(
      truth,
      cal.proposals.map((p) => p.calibrated),
    );
    expect(calibrated).toBeGreaterThan(raw + 0.02);
  });

  it('shrinks the bias of a reviewer with one review toward 0', () => {
    const reviews: ScoredReview[] = [];
    for (let p = 0; p < 20; p++) {
      for (const r of ['a', 'b', 'c'])
        reviews.push({
          proposalId: `p${p}`,
          reviewerId: r,
          score: 50 + (p % 5) + (((p * 7 + r.charCodeAt(0)) % 5) - 2),
        });
    }
    reviews.push({ proposalId: 'p0', reviewerId: 'once', score: 90 });
    const cal = calibrate(reviews);
    const once = cal.reviewers.find((r) => r.reviewerId === 'once')!;
    expect(once.bias).toBeLessThan(40);
    expect(once.se).toBeGreaterThan(cal.reviewers.find((r) => r.reviewerId === 'a')!.se);
  });

  it('refuses an empty round, a score outside 0..100 and a reviewer scoring one proposal twice', () => {
    expect(() => calibrate([])).toThrow(/No reviews/);
    expect(() => calibrate([{ proposalId: 'p', reviewerId: 'r', score: 101 }])).toThrow(/outside 0..100/);
    expect(() => calibrate([{ proposalId: 'p', reviewerId: 'r', score: Number.NaN }])).toThrow(/outside/);
    expect(() =>
      calibrate([
        { proposalId: 'p', reviewerId: 'r', score: 1 },
        { proposalId: 'p', reviewerId: 'r', score: 2 },
      ]),
    ).toThrow(/Two reviews/);
  });

  it('computes Spearman with ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    expect(spearman([1, 1, 2, 2], [1, 1, 2, 2])).toBeCloseTo(1);
    expect(() => spearman([1], [1])).toThrow();
  });
});
