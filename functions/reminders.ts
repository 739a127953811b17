import { paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { releaseReviewer } from './lib/assignment';
import { dynamo } from './lib/aws/dynamodb';
import { getSecret } from './lib/aws/secrets';
import { requireEnv } from './lib/config';
import { INDEXES } from './lib/contract';
import { lambda, logger, metrics } from './lib/lambda';
import { sendEmail } from './lib/mailer';
import type { ReviewTask } from './lib/model';
import { activeProfile } from './lib/profile-config';
import { ProposalStore } from './lib/proposals';
import { buildReviewUrl, reminderEmail, reviewLinkExpiry } from './lib/review';
import { awaitsDelivery, deliverDecision } from './lib/review-delivery';
import { getReviewers } from './lib/roster/store';

const table = requireEnv('TABLE_NAME');
const store = new ProposalStore(dynamo, table);
const secretArn = requireEnv('SIGNING_SECRET_ARN');
const baseUrl = requireEnv('REVIEW_BASE_URL');
const DAY = 86_400_000;

/** The scheduled event; its `time` is the moment the sweep runs for (a test can pass a later one). */
const eventSchema = z.object({ time: z.string().datetime().optional() }).loose();

export interface SweepResult {
  checked: number;
  reminded: number;
  timedOut: number;
  redelivered: number;
}

type OpenTask = ReviewTask & { token?: string };

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
  const offsets = [...profile.review.reminderOffsetsDays].sort((a, b) => a - b);
  const lead = Math.max(0, -(offsets[0] ?? 0));
  const horizon = new Date(now.getTime() + lead * DAY).toISOString();
  const result: SweepResult = { checked: 0, reminded: 0, timedOut: 0, redelivered: 0 };
  const secret = await getSecret(secretArn);
  const pages = paginateQuery(
    { client: dynamo },
    {
      TableName: table,
      IndexName: INDEXES.listings,
      KeyConditionExpression: 'GSI2PK = :open AND GSI2SK <= :horizon',
      ExpressionAttributeValues: { ':open': 'OPEN_TASKS', ':horizon': `${horizon}~` },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const task = item as OpenTask;
      if (awaitsDelivery(task)) {
        // A decision (scores, a decline, a timeout) recorded while Step Functions could not be told.
        await deliverDecision(task);
        result.redelivered += 1;
        continue;
      }
      if (task.status !== 'PENDING' && task.status !== 'ACCEPTED') continue;
      // Not yet sent: the execution has not reached this task (no token), nothing to remind about.
      if (!task.token) continue;
      result.checked += 1;
      const due = new Date(task.dueAt).getTime();
      if (now.getTime() > due + profile.review.graceDays * DAY) {
        // The timeout is recorded first (task closed, seat freed, history line: one transaction), so this sweep
        // owns the transition whatever the execution does next; then the execution is told. If Step Functions
        // cannot be reached, the token stays and the next sweep tells it (the task is listed as undelivered).
        const proposal = await store.require(task.proposalId);
        const { released } = await releaseReviewer(
          dynamo,
          table,
          task.proposalId,
          task.reviewerId,
          'TIMED_OUT',
          {
            at: now,
            executionWaits: true,
            note: {
              text: `${task.reviewerId} passed the due date and grace period; task timed out`,
              proposalStatus: proposal.status,
            },
          },
        );
        if (!released) continue;
        result.timedOut += 1;
        metrics.addMetric('ReviewTasksTimedOut', 'Count', 1);
        await deliverDecision({ ...task, status: 'TIMED_OUT' }).catch((error) =>
          logger.warn('The execution will hear of the timeout at the next sweep', {
            proposalId: task.proposalId,
            error: (error as Error).name,
          }),
        );
        continue;
      }
      const dueOffsets = offsets.filter((offset) => now.getTime() >= due + offset * DAY);
      const latest = dueOffsets[dueOffsets.length - 1];
      if (latest === undefined) continue;
      const marker = `offset:${latest}`;
      if (task.remindedAt?.includes(marker)) continue;
      // Claim the reminder first (conditional), so two sweeps never send it twice.
      try {
        await dynamo.send(
          new UpdateCommand({
            TableName: table,
            Key: { PK: item.PK, SK: item.SK },
            UpdateExpression: 'SET remindedAt = list_append(if_not_exists(remindedAt, :empty), :marker)',
            ConditionExpression:
              '(attribute_not_exists(remindedAt) OR NOT contains(remindedAt, :m)) AND #status IN (:pending, :accepted)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':empty': [],
              ':marker': [marker],
              ':m': marker,
              ':pending': 'PENDING',
              ':accepted': 'ACCEPTED',
            },
          }),
        );
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') continue;
        throw error;
      }
      const [proposal, reviewers] = await Promise.all([
        store.require(task.proposalId),
        getReviewers(dynamo, table, [task.reviewerId]),
      ]);
      const reviewer = reviewers.get(task.reviewerId);
      if (!reviewer) continue;
      const link = buildReviewUrl(
        baseUrl,
        task.reviewId,
        reviewLinkExpiry(new Date(task.dueAt), profile.review.graceDays),
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
        kind: latest < 0 ? 'before' : 'overdue',
        taskStatus: task.status,
      });
      await sendEmail({ to: reviewer.email, ...email });
      result.reminded += 1;
      metrics.addMetric('RemindersSent', 'Count', 1);
      await store.note(
        task.proposalId,
        `Reminder (${latest < 0 ? `${-latest} day(s) before` : `${latest} day(s) after`} the due date) sent to ${task.reviewerId}`,
      );
    }
  }
  logger.info('Reminder sweep', { ...result, now: now.toISOString() });
  return result;
});
