/** Typed errors of the reviewer-facing modules. */

/** A signed link could not be built (bad review id, expiry or secret). */
export class ReviewLinkError extends Error {
  override name = 'ReviewLinkError';
}

/** Scores cannot be computed (missing or out-of-range criterion, no reviews, bad profile weights). */
export class ScoreError extends Error {
  override name = 'ScoreError';
}
