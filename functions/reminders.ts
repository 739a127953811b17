import { dynamo } from './lib/adapters/aws/dynamodb';
import { getSecret } from './lib/adapters/aws/secrets';
import { deliverDecision } from './lib/adapters/executions';
import { sendEmail } from './lib/adapters/mail';
import { ProposalStore } from './lib/adapters/proposals';
import {
  claimReminder,
  listedTasksUntil,
  releaseReviewer,
  type TaskWithToken,
} from './lib/adapters/review-tasks';
import { getReviewers } from './lib/adapters/roster';
import { requireEnv } from './lib/config';
import { lambda, logger, metrics } from './lib/lambda';
import { activeProfile } from './lib/profile-config';
import {
  buildReviewUrl,
  type DueAction,
  dueAction,
  reminderEmail,
  reviewLinkExpiry,
  sweepHorizon,
} from './lib/review';
import { z } from './lib/zod';

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

/** Sends one reminder, claimed first (conditional) so that two sweeps never send it twice. */
async function remind(
  task: TaskWithToken,
  action: Extract<DueAction, { kind: 'remind' }>,
  now: Date,
  secret: string,
): Promise<boolean> {
  if (!(await claimReminder(dynamo, table, task, action.marker))) return false;
  const profile = activeProfile();
  const [proposal, reviewers] = await Promise.all([
    store.require(task.proposalId),
    getReviewers(dynamo, table, [task.reviewerId]),
  ]);
  const reviewer = reviewers.get(task.reviewerId);
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
  metrics.addMetric('RemindersSent', 'Count', 1);
  const days = Math.abs(action.offsetDays);
  await store.note(
    task.proposalId,
    `Reminder (${action.when === 'before' ? `${days} day(s) before` : `${days} day(s) after`} the due date) sent to ${task.reviewerId}`,
  );
  return true;
}

/**
 * Hourly sweep over open review tasks (deadlines are data, so an extended task is simply later here):
 * sends each reminder of the profile's schedule at most once, ends tasks past due + grace as timed out (which
 * frees the reviewer's seat and lets the pipeline reassign), and tells the executions of decisions they have not
 * heard of yet.
 */
export const handler = lambda(async (event: unknown): Promise<SweepResult> => {
  const parsed = eventSchema.safeParse(event ?? {});
  const now = parsed.success && parsed.data.time ? new Date(parsed.data.time) : new Date();
  const profile = activeProfile();
  const schedule = profile.review;
  const result: SweepResult = { checked: 0, reminded: 0, timedOut: 0, redelivered: 0 };
  const secret = await getSecret(secretArn);
  for await (const task of listedTasksUntil(dynamo, table, sweepHorizon(now, schedule))) {
    const action = dueAction({ ...task, hasToken: task.token !== undefined }, now, schedule);
    if (task.token && (task.status === 'PENDING' || task.status === 'ACCEPTED')) result.checked += 1;
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
        if (await remind(task, action, now, secret)) result.reminded += 1;
        break;
      case 'none':
        break;
    }
  }
  logger.info('Reminder sweep', { ...result, now: now.toISOString() });
  return result;
});
