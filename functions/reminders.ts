import type { Context } from 'aws-lambda';
import { dynamo } from './lib/adapters/aws/dynamodb';
import { getSecret } from './lib/adapters/aws/secrets';
import { deliverDecision } from './lib/adapters/executions';
import { sendEmail } from './lib/adapters/mail';
import { classifyMailFailure } from './lib/adapters/mail-failures';
import { ProposalStore } from './lib/adapters/proposals';
import {
  claimReminder,
  listedTasksUntil,
  releaseReminder,
  releaseReviewer,
  type TaskWithToken,
} from './lib/adapters/review-tasks';
import { getReviewers } from './lib/adapters/roster';
import { requireEnv } from './lib/config';
import { lambda, logger, metrics } from './lib/lambda';
import type { Proposal, Reviewer } from './lib/model';
import { activeProfile } from './lib/profile-config';
import {
  buildReviewUrl,
  type DueAction,
  dueAction,
  reminderEmail,
  reviewLinkExpiry,
  sweepHorizon,
} from './lib/review';
import * as z from './lib/zod';

const table = requireEnv('TABLE_NAME');
const store = new ProposalStore(dynamo, table);
const secretArn = requireEnv('SIGNING_SECRET_ARN');
const baseUrl = requireEnv('REVIEW_BASE_URL');

/** The scheduled event; its `time` is the moment the sweep runs for (a test can pass a later one). */
const eventSchema = z.looseObject({ time: z.optional(z.iso.datetime()) });

export interface SweepResult {
  checked: number;
  reminded: number;
  timedOut: number;
  redelivered: number;
  /** Tasks whose step failed this time (a reminder's claim is given back): the next sweep tries them again. */
  failed: number;
  /** False when the sweep stopped taking tasks to finish within its time limit; the next sweep goes on. */
  complete: boolean;
}

/**
 * Tasks handled at once: enough to hide DynamoDB and SES round trips, few enough to stay near SES's default
 * sending rate (14 emails/s; the SDK retries a throttled send).
 */
export const SWEEP_CONCURRENCY = 8;
/** Time kept in hand before the Lambda's limit (at most a fifth of it): past it the sweep takes no new task. */
export const SWEEP_RESERVE_MS = 60_000;

/**
 * Runs `work` on the items of `items` with at most `limit` at once, while `keepGoing()`; true when every item was
 * taken. One failing item does not stop the others (`work` reports its own failures).
 */
export async function forEachBounded<T>(
  items: AsyncIterable<T>,
  limit: number,
  work: (item: T) => Promise<void>,
  keepGoing: () => boolean = () => true,
): Promise<boolean> {
  const iterator = items[Symbol.asyncIterator]();
  let stopped = false;
  const worker = async () => {
    for (;;) {
      if (stopped || !keepGoing()) {
        stopped = true;
        return;
      }
      // An async generator queues concurrent next() calls: each item goes to one worker.
      const next = await iterator.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (stopped) await iterator.return?.(undefined);
  return !stopped;
}

/** Reads shared by the tasks of one sweep: a proposal or a reviewer is read once however many tasks name it. */
class SweepCache {
  private readonly proposals = new Map<string, Promise<Proposal>>();
  private readonly reviewers = new Map<string, Promise<Reviewer | undefined>>();

  proposal(id: string): Promise<Proposal> {
    let found = this.proposals.get(id);
    if (!found) {
      found = store.require(id);
      found.catch(() => this.proposals.delete(id));
      this.proposals.set(id, found);
    }
    return found;
  }

  reviewer(id: string): Promise<Reviewer | undefined> {
    let found = this.reviewers.get(id);
    if (!found) {
      found = getReviewers(dynamo, table, [id]).then((map) => map.get(id));
      found.catch(() => this.reviewers.delete(id));
      this.reviewers.set(id, found);
    }
    return found;
  }
}

/**
 * Records the timeout first (task closed, seat freed, history line: one transaction), so this sweep owns the
 * transition whatever the execution does next; then tells the execution. If Step Functions cannot be reached,
 * the token stays and the next sweep tells it (the task is listed as undelivered). False when another path
 * closed the task first.
 */
async function timeOut(task: TaskWithToken, now: Date): Promise<boolean> {
  const proposal = await store.require(task.proposalId);
  const { released } = await releaseReviewer(dynamo, table, task.proposalId, task.reviewerId, 'TIMED_OUT', {
    at: now,
    executionWaits: true,
    note: {
      text: `${task.reviewerId} passed the due date and grace period; task timed out`,
      proposalStatus: proposal.status,
    },
  });
  if (!released) return false;
  metrics.addMetric('ReviewTasksTimedOut', 'Count', 1);
  await deliverDecision({ ...task, status: 'TIMED_OUT' }).catch((error) =>
    logger.warn('The execution will hear of the timeout at the next sweep', {
      proposalId: task.proposalId,
      error: (error as Error).name,
    }),
  );
  return true;
}

/**
 * Sends one reminder, claimed first (conditional) so that two sweeps never send it twice. When the send fails the
 * claim is given back, so the next sweep sends it: a reminder is never lost to a fault or a timeout between the two.
 */
async function remind(
  task: TaskWithToken,
  action: Extract<DueAction, { kind: 'remind' }>,
  now: Date,
  secret: string,
  cache: SweepCache,
): Promise<boolean> {
  if (!(await claimReminder(dynamo, table, task, action.marker))) return false;
  try {
    const profile = activeProfile();
    const [proposal, reviewer] = await Promise.all([
      cache.proposal(task.proposalId),
      cache.reviewer(task.reviewerId),
    ]);
    if (!reviewer) return false;
    const link = buildReviewUrl(
      baseUrl,
      task.reviewId,
      reviewLinkExpiry(new Date(task.dueAt), profile.review),
      secret,
    );
    const email = reminderEmail({
      profile,
      lang: reviewer.language,
      reviewerName: reviewer.name,
      proposal,
      dueAt: new Date(task.dueAt),
      now,
      link,
      kind: action.when,
      taskStatus: task.status === 'ACCEPTED' ? 'ACCEPTED' : 'PENDING',
    });
    await sendEmail({ to: reviewer.email, ...email });
  } catch (error) {
    await releaseReminder(dynamo, table, task, action.marker).catch((releaseError) =>
      logger.error('A failed reminder could not be given back', {
        proposalId: task.proposalId,
        reviewerId: task.reviewerId,
        error: (releaseError as Error).name,
      }),
    );
    const failure = classifyMailFailure(error);
    if (failure.kind !== 'transient') metrics.addMetric('EmailsUndelivered', 'Count', 1);
    throw error;
  }
  metrics.addMetric('RemindersSent', 'Count', 1);
  const days = Math.abs(action.offsetDays);
  // The reminder went out: a failed history line is logged, not worth sending it again.
  await store
    .note(
      task.proposalId,
      `Reminder (${action.when === 'before' ? `${days} day(s) before` : `${days} day(s) after`} the due date) sent to ${task.reviewerId}`,
    )
    .catch((error) => logger.warn('History note failed', { proposalId: task.proposalId, error }));
  return true;
}

/**
 * Hourly sweep over open review tasks (deadlines are data, so an extended task is simply later here):
 * sends each reminder of the profile's schedule at most once, ends tasks past due + grace as timed out (which
 * frees the reviewer's seat and lets the pipeline reassign), and tells the executions of decisions they have not
 * heard of yet.
 */
export const handler = lambda(async (event: unknown, context: Context): Promise<SweepResult> => {
  const parsed = eventSchema.safeParse(event ?? {});
  const now = parsed.success && parsed.data.time ? new Date(parsed.data.time) : new Date();
  const started = Date.now();
  const remainingMs = context?.getRemainingTimeInMillis?.() ?? 15 * 60_000;
  const budgetMs = remainingMs - Math.min(SWEEP_RESERVE_MS, remainingMs / 5);
  const profile = activeProfile();
  const schedule = profile.review;
  const result: SweepResult = {
    checked: 0,
    reminded: 0,
    timedOut: 0,
    redelivered: 0,
    failed: 0,
    complete: true,
  };
  const secret = await getSecret(secretArn);
  const cache = new SweepCache();
  const sweepOne = async (task: TaskWithToken) => {
    const action = dueAction({ ...task, hasToken: task.token !== undefined }, now, schedule);
    if (task.token && (task.status === 'PENDING' || task.status === 'ACCEPTED')) result.checked += 1;
    try {
      switch (action.kind) {
        case 'deliver':
          // A decision (scores, a decline, a timeout) recorded while Step Functions could not be told.
          await deliverDecision(task);
          result.redelivered += 1;
          break;
        case 'time-out':
          if (await timeOut(task, now)) result.timedOut += 1;
          break;
        case 'remind':
          if (await remind(task, action, now, secret, cache)) result.reminded += 1;
          break;
        case 'none':
          break;
      }
    } catch (error) {
      result.failed += 1;
      logger.error('Sweep step failed; the next sweep tries again', {
        proposalId: task.proposalId,
        reviewerId: task.reviewerId,
        action: action.kind,
        error: (error as Error).name,
      });
    }
  };
  result.complete = await forEachBounded(
    listedTasksUntil(dynamo, table, sweepHorizon(now, schedule)),
    SWEEP_CONCURRENCY,
    sweepOne,
    () => Date.now() - started < budgetMs,
  );
  logger.info('Reminder sweep', { ...result, now: now.toISOString(), ms: Date.now() - started });
  if (!result.complete) logger.warn('Sweep stopped before its time limit; the next sweep goes on');
  return result;
});
