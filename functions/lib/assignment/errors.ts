/** Typed errors of reviewer assignment (the state machine and the CLI route on `name`). */
import type { Text } from '../i18n';
import type { ExclusionReason } from './rules';

/** A reviewer cannot be put on a proposal: a conflict of interest, inactive, at capacity or unknown. */
export class ReviewerUnavailableError extends Error {
  override name = 'ReviewerUnavailable';
  constructor(
    readonly reviewerId: string,
    readonly reason: ExclusionReason | 'not-found' | 'already-assigned',
    readonly text: Text,
  ) {
    super(text.en);
  }
}

/** Assignment could not finish after its bounded retries (contention); safe to retry as a whole. */
export class AssignmentContentionError extends Error {
  override name = 'AssignmentContention';
}

/** A stored item does not have the expected shape. */
export class StoredItemError extends Error {
  override name = 'StoredItemError';
}
