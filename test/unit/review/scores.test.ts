import { describe, expect, it } from 'vitest';
import { ScoreError } from '../../../functions/lib/review/errors';
import { aggregate, reviewOutcome, round2, weightedScore } from '../../../functions/lib/review/scores';
import { kipp, small } from './fixtures';

const all = (value: number) => Object.fromEntries(kipp.scoring.criteria.map((c) => [c.id, value]));

describe('the weighted score of one review', () => {
  it('is 0 for the lowest mark everywhere and 100 for the highest, whatever the scale', () => {
    expect(weightedScore(all(1), kipp)).toBe(0);
    expect(weightedScore(all(10), kipp)).toBe(100);
    expect(weightedScore({ dampak: 0, biaya: 0 }, small)).toBe(0);
    expect(weightedScore({ dampak: 4, biaya: 4 }, small)).toBe(100);
  });

  it('weighs each criterion by the profile weights', () => {
    // KIPP weights 25/20/25/15/15 on 1-10: (25*7 + 20*5 + 25*8 + 15*4 + 15*6) / 9 / 100 * 100 = 625/9
    const scores = { kebaruan: 8, efektivitas: 6, kemanfaatan: 9, adaptabilitas: 5, keberlanjutan: 7 };
    expect(weightedScore(scores, kipp)).toBe(69.44);
    // Weights 3/1 on 0-4: (3*3/4 + 1*1/4) / 4 * 100 = 62.5; swapping the marks changes the result.
    expect(weightedScore({ dampak: 3, biaya: 1 }, small)).toBe(62.5);
    expect(weightedScore({ dampak: 1, biaya: 3 }, small)).toBe(37.5);
  });

  it('is rounded to two decimals', () => {
    expect(weightedScore(all(2), kipp)).toBe(11.11); // 100/9
    expect(weightedScore(all(3), kipp)).toBe(22.22);
    expect(weightedScore({ ...all(10), efektivitas: 9 }, kipp)).toBe(97.78); // 100 - 20/9
  });

  it.each([
    ['a criterion is missing', { kebaruan: 5 }],
    ['a criterion is unknown', { ...all(5), popularitas: 5 }],
    ['a score is above the scale', { ...all(5), kebaruan: 11 }],
    ['a score is below the scale', { ...all(5), kebaruan: 0 }],
    ['a score is not a number', { ...all(5), kebaruan: Number.NaN }],
  ])('refuses to compute when %s', (_label, scores) => {
    expect(() => weightedScore(scores, kipp)).toThrow(ScoreError);
  });

  it('refuses a profile whose weights sum to zero', () => {
    const zero = {
      scoring: { ...small.scoring, criteria: small.scoring.criteria.map((c) => ({ ...c, weight: 0 })) },
    };
    expect(() => weightedScore({ dampak: 1, biaya: 1 }, zero)).toThrow('no weight');
  });
});

describe('the result of a proposal', () => {
  it('is the mean of the weighted scores, with spread and population standard deviation', () => {
    expect(aggregate([70, 80, 90], kipp)).toEqual({
      score: 80,
      mean: 80,
      spread: 20,
      stdev: 8.16, // sqrt(200/3)
      reviews: 3,
      disagreement: false,
    });
  });

  it('flags disagreement only when the spread exceeds the threshold', () => {
    expect(aggregate([70, 90], kipp).disagreement).toBe(false); // spread 20 = threshold 20
    expect(aggregate([70, 90.01], kipp).disagreement).toBe(true);
    expect(aggregate([70, 80.5], small).disagreement).toBe(true); // threshold 10
  });

  it('rounds the mean to two decimals', () => {
    expect(aggregate([69.44, 70.01, 80], kipp).score).toBe(73.15);
    expect(aggregate([100, 0, 0], kipp).mean).toBe(33.33);
    expect(aggregate([100, 100, 0], kipp).mean).toBe(66.67);
  });

  it('handles a single review', () => {
    expect(aggregate([62.5], small)).toEqual({
      score: 62.5,
      mean: 62.5,
      spread: 0,
      stdev: 0,
      reviews: 1,
      disagreement: false,
    });
  });

  it('refuses no reviews and scores outside 0-100', () => {
    expect(() => aggregate([], kipp)).toThrow(ScoreError);
    expect(() => aggregate([50, 101], kipp)).toThrow(ScoreError);
    expect(() => aggregate([Number.NaN], kipp)).toThrow(ScoreError);
  });

  it('agrees with the weighted scores of real reviews end to end', () => {
    const reviews = [
      { kebaruan: 8, efektivitas: 6, kemanfaatan: 9, adaptabilitas: 5, keberlanjutan: 7 },
      { kebaruan: 9, efektivitas: 8, kemanfaatan: 9, adaptabilitas: 7, keberlanjutan: 8 },
      { kebaruan: 4, efektivitas: 3, kemanfaatan: 5, adaptabilitas: 4, keberlanjutan: 2 },
    ].map((s) => weightedScore(s, kipp));
    // 625/9, 735/9 and 275/9
    expect(reviews).toEqual([69.44, 81.67, 30.56]);
    expect(aggregate(reviews, kipp)).toMatchObject({ score: 60.56, spread: 51.11, disagreement: true });
  });
});

describe('rounding to two decimals', () => {
  it('rounds halves away from zero despite binary fractions', () => {
    expect(round2(1.005)).toBe(1.01);
    expect(round2(2.675)).toBe(2.68);
    expect(round2(-1.005)).toBe(-1.01);
    expect(round2(1.004999)).toBe(1);
    expect(round2(-0.001)).toBe(0);
    expect(Object.is(round2(-0.001), 0)).toBe(true);
  });
});

describe('the minimum-reviews rule', () => {
  const task = (status: string, score?: number) => ({ status, score });

  it('asks for more reviewers while fewer than minReviews reviews are submitted', () => {
    // KIPP: at least 2 reviews. A declined or timed-out task, or a submit without a score, does not count.
    expect(
      reviewOutcome([task('SUBMITTED', 80), task('DECLINED'), task('TIMED_OUT'), task('PENDING')], kipp),
    ).toEqual({ enough: false, reviews: 1, needed: 2 });
    expect(reviewOutcome([task('SUBMITTED', 80), task('SUBMITTED')], kipp)).toMatchObject({ enough: false });
  });

  it('makes a result from the submitted scores once there are enough', () => {
    const outcome = reviewOutcome([task('SUBMITTED', 80), task('SUBMITTED', 50), task('PENDING')], kipp);
    expect(outcome).toEqual({ enough: true, result: aggregate([80, 50], kipp) });
    expect(outcome.enough && outcome.result.disagreement).toBe(true);
  });
});
