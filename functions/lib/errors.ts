import { ROUTED_ERRORS } from './contract';

/**
 * Errors the state machine routes on (by `name`). A task Lambda that fails throws; it never returns an error object.
 */
export class TransientError extends Error {
  override name = ROUTED_ERRORS.transient;
}

/** The reviewer declined the task (SendTaskFailure error name). */
export class ReviewDeclined extends Error {
  override name = ROUTED_ERRORS.reviewDeclined;
}

/** The task passed its due date and grace period (SendTaskFailure error name). */
export class ReviewTimedOut extends Error {
  override name = ROUTED_ERRORS.reviewTimedOut;
}

/** Input that does not match what a boundary accepts. */
export class BadInputError extends Error {
  override name = 'BadInputError';
}

/** A state change that is not allowed from the proposal's current status. */
export class InvalidTransitionError extends Error {
  override name = 'InvalidTransitionError';
}

/**
 * Step Functions' answer to SendTask* for a token no execution waits on any more (it moved on, timed out, or was
 * answered already): not a failure of the caller, the answer is simply no longer needed.
 */
export function isStaleTaskToken(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === 'TaskTimedOut' || name === 'InvalidToken' || name === 'TaskDoesNotExist';
}

const TRANSIENT_AWS_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TransactionInProgressException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
]);

/** Re-throws AWS SDK throttling and service faults as TransientError so the state machine retries with jitter. */
export function asTransient(error: unknown): unknown {
  if (error instanceof Error && (TRANSIENT_AWS_ERRORS.has(error.name) || isRetryableSdkError(error))) {
    return new TransientError(`${error.name}: ${error.message}`, { cause: error });
  }
  return error;
}

function isRetryableSdkError(error: Error): boolean {
  const meta = (error as { $retryable?: unknown; $metadata?: { httpStatusCode?: number } }).$metadata;
  const status = meta?.httpStatusCode ?? 0;
  return status >= 500 || status === 429;
}

/** A DynamoDB write whose condition failed (alone or inside a transaction): another writer got there first. */
export function isConditionalFailure(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
}

/**
 * The reason code of each item of a cancelled DynamoDB transaction (`ConditionalCheckFailed`,
 * `TransactionConflict`, `None`, ...), in the order of the items; undefined when `error` is not one.
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  if ((error as Error | undefined)?.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}
