/**
 * A review task can be closed by two paths that run concurrently: the review page (decline) or the hourly sweep
 * (timeout), and the execution's Reassign step once it hears of it (or once its own time limit fires). Each
 * order is forced here on one table: whichever runs first, the transition happens once, its history line is
 * written once and its metric counted once.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signReviewLink } from '../../../functions/lib/review';
import {
  type FakeTable,
  freshMocks,
  lambdaContext,
  PROPOSAL_ID,
  proposalItem,
  restoreHandlerEnv,
  reviewerItem,
  reviewIdFor,
  roster,
  SIGNING_SECRET,
  sfn,
  stubHandlerEnv,
  taskItem,
} from './support';

type Handler<T> = (event: T, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
let sweepHandler: Handler<unknown>;
let reassignHandler: Handler<unknown>;
let reviewHandler: Handler<unknown>;
let addMetric: ReturnType<typeof vi.spyOn>;
let table: FakeTable;

beforeAll(async () => {
  stubHandlerEnv();
  sweepHandler = (await import('../../../functions/reminders')).handler as Handler<unknown>;
  reassignHandler = (await import('../../../functions/reassign')).handler as Handler<unknown>;
  reviewHandler = (await import('../../../functions/review-api')).handler as Handler<unknown>;
  const { metrics } = await import('../../../functions/lib/lambda');
  addMetric = vi.spyOn(metrics, 'addMetric');
});
afterAll(restoreHandlerEnv);

const REVIEWER = 'r-health-free';
const TOKEN = 'token-wahyu';
const DAY = 86_400_000;
const DUE = new Date(Date.now() + 5 * DAY).toISOString();
/** Past the due date and the profile's grace period. */
const overdue = new Date(Date.parse(DUE) + 3 * DAY).toISOString();

beforeEach(() => {
  table = freshMocks();
  addMetric.mockClear();
  sfn.on(SendTaskFailureCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
  table.seed(
    proposalItem({ alternates: ['r-gov-free'] }),
    ...roster.map((r) => reviewerItem(r.id)),
    taskItem(REVIEWER, { dueAt: DUE, token: TOKEN }),
  );
});

const sweep = () => sweepHandler({ time: overdue }, lambdaContext('reminders'));
const reassign = (error: string) =>
  reassignHandler(
    { proposalId: PROPOSAL_ID, reviewerId: REVIEWER, error: { Error: error, Cause: 'test' } },
    lambdaContext('reassign'),
  );
const decline = () => {
  const query = new URLSearchParams(
    signReviewLink(reviewIdFor(REVIEWER), new Date(Date.now() + DAY), SIGNING_SECRET),
  );
  return reviewHandler(
    {
      version: '2.0',
      routeKey: 'POST /review',
      rawPath: '/review',
      rawQueryString: query.toString(),
      queryStringParameters: Object.fromEntries(query),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'decline', reason: 'Sedang cuti.' }).toString(),
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/review' } },
    },
    lambdaContext('review-api'),
  ) as Promise<{ statusCode: number }>;
};

const notes = (fragment: string) => table.history(PROPOSAL_ID).filter((h) => h.note.includes(fragment));
const counted = (name: string) => addMetric.mock.calls.filter((call: unknown[]) => call[0] === name).length;

describe('closing a review task from two paths', () => {
  it('sweep first, then the Reassign step it triggered: one timeout, one line, one metric', async () => {
    expect(await sweep()).toMatchObject({ timedOut: 1 });
    await reassign('ReviewTimedOut');

    expect(table.task(PROPOSAL_ID, REVIEWER)?.status).toBe('TIMED_OUT');
    expect(notes('task timed out')).toHaveLength(1);
    expect(counted('ReviewTasksTimedOut')).toBe(1);
    expect(table.task(PROPOSAL_ID, 'r-gov-free')?.status).toBe('PENDING');
  });

  it("the execution's time limit first (Reassign closes the task), then the sweep: one timeout, one line, one metric", async () => {
    await reassign('States.Timeout');
    expect(await sweep()).toMatchObject({ timedOut: 0 });

    expect(table.task(PROPOSAL_ID, REVIEWER)?.status).toBe('TIMED_OUT');
    expect(notes('task timed out')).toHaveLength(1);
    expect(counted('ReviewTasksTimedOut')).toBe(1);
    // The sweep did not tell an execution that has moved on.
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });

  it('a decline on the review page, then the Reassign step: one decline, one line, one metric', async () => {
    expect((await decline()).statusCode).toBe(303);
    await reassign('ReviewDeclined');

    expect(table.task(PROPOSAL_ID, REVIEWER)).toMatchObject({
      status: 'DECLINED',
      declineReason: 'Sedang cuti.',
    });
    expect(notes('declined the review task')).toHaveLength(1);
    expect(counted('ReviewTasksDeclined')).toBe(1);
  });

  it("the execution's time limit first, then a late decline: refused as already closed, nothing counted twice", async () => {
    await reassign('States.Timeout');
    const response = await decline();

    expect(response.statusCode).toBe(410);
    expect(table.task(PROPOSAL_ID, REVIEWER)?.status).toBe('TIMED_OUT');
    expect(counted('ReviewTasksDeclined')).toBe(0);
    expect(counted('ReviewTasksTimedOut')).toBe(1);
  });
});
