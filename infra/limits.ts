import { Duration } from 'aws-cdk-lib';

/**
 * Limits both stacks must agree on, and the rate limits of the internet-facing parts, in one place.
 */

/** The intake function's timeout; the intake queue's visibility timeout is derived from it. */
export const INTAKE_TIMEOUT = Duration.seconds(30);
/** AWS advises a visibility timeout of six times the function's timeout for an SQS event source. */
export const INTAKE_VISIBILITY_TIMEOUT = Duration.seconds(INTAKE_TIMEOUT.toSeconds() * 6);

/** Steady requests per second and burst of the public HTTP API's default stage (all routes together). */
export const API_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;

/**
 * Reserved concurrency of a function that answers the internet (the review page, the submitters' portal): a flood
 * on one of them cannot take the account's Lambda concurrency from the pipeline, and the pipeline cannot starve it.
 */
export const INTERNET_FACING_CONCURRENCY = 10;

/** Tag that marks a function as internet-facing; `limitInternetFacing` reserves its concurrency. */
export const INTERNET_FACING_TAG = 'internet-facing';

/**
 * The hourly reminder sweep's time limit: a season's 9,000 open tasks all due a reminder at once fit in it with
 * room to spare (bench/sweep.ts measures tasks swept per second); it must stay under the hour between sweeps.
 */
export const REMINDERS_TIMEOUT = Duration.minutes(15);
