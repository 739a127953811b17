import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyReviewLink } from '../../../functions/lib/review';
import {
  ddb,
  type FakeTable,
  firstLink,
  freshMocks,
  lambdaContext,
  PROPOSAL_ID,
  proposalItem,
  REVIEW_BASE_URL,
  restoreHandlerEnv,
  reviewerItem,
  reviewIdFor,
  SIGNING_SECRET,
  sentEmails,
  stubHandlerEnv,
  taskItem,
} from './support';

let handler: typeof import('../../../functions/send-review-task').handler;
let table: FakeTable;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/send-review-task'));
});
afterAll(restoreHandlerEnv);
beforeEach(() => {
  table = freshMocks();
  table.seed(
    proposalItem(),
    reviewerItem('r-health-free'),
    reviewerItem('r-health-busy'),
    taskItem('r-health-free', { dueAt: '2025-07-15T00:00:00.000Z' }),
    taskItem('r-health-busy'),
  );
});

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf0pqkXs+secret/task=token';
const event = (reviewerId = 'r-health-free') => ({ proposalId: PROPOSAL_ID, reviewerId, taskToken: TOKEN });

describe('sending a review task', () => {
  it('stores the task token with a condition that the task is still open', async () => {
    await handler(event(), lambdaContext('send-review-task'));

    const [update] = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(update?.Key).toEqual({ PK: `PROPOSAL#${PROPOSAL_ID}`, SK: 'REVIEW#r-health-free' });
    expect(update?.ConditionExpression).toBe('#status IN (:pending, :accepted)');
    expect(table.task(PROPOSAL_ID, 'r-health-free')).toMatchObject({ token: TOKEN, status: 'PENDING' });
  });

  it('emails the reviewer a signed link that carries the review id but never the task token', async () => {
    await handler(event(), lambdaContext('send-review-task'));

    const [email, ...more] = sentEmails();
    expect(more).toEqual([]);
    expect(email?.to).toEqual(['wahyu@example.ac.id']);
    expect(email?.subject).toContain('Permintaan penilaian');
    for (const part of [email?.subject, email?.text, email?.html]) {
      expect(part).not.toContain(TOKEN);
      expect(part).not.toContain(encodeURIComponent(TOKEN));
    }
    const link = firstLink(email?.text ?? '');
    expect(`${link.origin}${link.pathname}`).toBe(REVIEW_BASE_URL);
    const params = Object.fromEntries(link.searchParams);
    const verified = verifyReviewLink(params, SIGNING_SECRET, new Date('2025-07-10T00:00:00.000Z'));
    expect(verified).toMatchObject({ ok: true, reviewId: reviewIdFor('r-health-free') });
    // Valid through the due date and the grace period (2 days), plus one day.
    expect(verified.ok && verified.expiresAt.toISOString()).toBe('2025-07-18T00:00:00.000Z');
    expect(
      verifyReviewLink(params, 'another-secret-of-at-least-32-characters', new Date('2025-07-10')),
    ).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(email?.html).toContain(link.search.replace(/&/g, '&amp;'));
  });

  it('writes to each reviewer in their own language', async () => {
    await handler(event('r-health-busy'), lambdaContext('send-review-task'));

    expect(sentEmails()[0]?.subject).toContain('Review request');
  });

  it('records in the history that the task was sent', async () => {
    await handler(event(), lambdaContext('send-review-task'));

    expect(table.history(PROPOSAL_ID).at(-1)).toEqual({
      status: 'IN_REVIEW',
      note: 'Review task sent to r-health-free',
    });
  });

  it.each(['DECLINED', 'SUBMITTED', 'TIMED_OUT', 'REASSIGNED'] as const)(
    'refuses a %s task with an error, keeps no token and sends no email',
    async (status) => {
      table.seed(taskItem('r-health-free', { status }));

      await expect(handler(event(), lambdaContext('send-review-task'))).rejects.toMatchObject({
        name: 'BadInputError',
        message: expect.stringContaining('is not open'),
      });
      expect(table.task(PROPOSAL_ID, 'r-health-free')?.token).toBeUndefined();
      expect(sentEmails()).toEqual([]);
    },
  );

  it('refuses a reviewer who holds no task on the proposal', async () => {
    await expect(handler(event('r-gov-free'), lambdaContext('send-review-task'))).rejects.toMatchObject({
      name: 'BadInputError',
    });
    expect(table.task(PROPOSAL_ID, 'r-gov-free')).toBeUndefined();
    expect(sentEmails()).toEqual([]);
  });

  it('refuses an input without a task token', async () => {
    await expect(
      handler({ proposalId: PROPOSAL_ID, reviewerId: 'r-health-free' }, lambdaContext('send-review-task')),
    ).rejects.toMatchObject({ name: 'BadInputError' });
    expect(ddb.calls()).toHaveLength(0);
  });
});
