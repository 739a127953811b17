/**
 * What the infrastructure and the Lambdas must agree on, in one place: the table's key attributes and index
 * names, the upload prefix that starts the pipeline, and the error names the state machine routes on.
 * infra/ imports this module and nothing else from functions/, so it stays code-free: constants and types
 * only, no imports (checked by .dependency-cruiser.cjs).
 */

/** Global secondary indexes by purpose (see functions/lib/model.ts for what each one holds). */
export const INDEXES = {
  /** Review tasks of a reviewer ordered by due date; an agency's proposals by arrival (AGENCY#<code>). */
  byReviewer: 'GSI1',
  /** Proposals by status, the roster, open review tasks by due date. */
  listings: 'GSI2',
  /** The random id carried by a reviewer's signed link. */
  byReviewId: 'GSI3',
} as const;
export type IndexName = (typeof INDEXES)[keyof typeof INDEXES];

/** The table's key schema: string keys PK/SK and the GSIs' key attributes (all strings). */
export const TABLE_KEYS = {
  partitionKey: 'PK',
  sortKey: 'SK',
  indexes: [
    { name: INDEXES.byReviewer, partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    { name: INDEXES.listings, partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    { name: INDEXES.byReviewId, partitionKey: 'reviewId' },
  ],
} as const;

/** Prefix under which uploads start the pipeline: incoming/<agency>/<file>. */
export const UPLOAD_PREFIX = 'incoming/';

/** Prefix of the drafts submitters check in the portal (never reviewed; expired by a lifecycle rule). */
export const DRAFTS_PREFIX = 'drafts/';
/** Days a draft is kept (the bucket's lifecycle rule on DRAFTS_PREFIX). */
export const DRAFT_RETENTION_DAYS = 7;

/**
 * Error names the state machine routes on: the `name` a task Lambda throws (Retry) or the `error` of
 * SendTaskFailure (Catch on the review task).
 */
export const ROUTED_ERRORS = {
  /** A passing cause (throttling, a service fault, a lost race): retried with full jitter. */
  transient: 'TransientError',
  /** The reviewer declined the task: the execution reassigns. */
  reviewDeclined: 'ReviewDeclined',
  /** The task passed its due date and grace period: the execution reassigns. */
  reviewTimedOut: 'ReviewTimedOut',
  /** A batch re-plan moved the task (not yet accepted) to another reviewer: the execution takes that one. */
  reviewMoved: 'ReviewMoved',
} as const;
export type RoutedErrorName = (typeof ROUTED_ERRORS)[keyof typeof ROUTED_ERRORS];
