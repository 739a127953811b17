/**
 * What the reviewer journeys expect: the weighted score a reviewer should see for the marks they gave, and the
 * receipt texts. The journey itself (runtime, roster, upload, review emails) is local/review-journey.ts.
 */
import type { Driver } from '../../../local/driver';

/** The weighted score (0-100, 2 decimals) the profile's contract gives these marks. */
export function expectedWeightedScore(driver: Driver, scores: Record<string, number>): number {
  const { scaleMin, scaleMax, criteria } = driver.profile.scoring;
  let total = 0;
  let weights = 0;
  for (const c of criteria) {
    total += (c.weight * ((scores[c.id] ?? Number.NaN) - scaleMin)) / (scaleMax - scaleMin);
    weights += c.weight;
  }
  return Math.round((total / weights) * 100 * 100) / 100;
}

/** What a reviewer sees after their answer, in their language. */
export const RECEIPT_TEXT = {
  submit: { id: /Penilaian Anda diterima pada/, en: /Your review was received on/ },
  decline: { id: /Anda menolak permintaan ini pada/, en: /You declined this request on/ },
} as const;
