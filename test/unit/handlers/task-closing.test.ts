/**
 * A review task can be closed by two paths that run concurrently: the review page (decline) or the hourly sweep
 * (timeout), and the execution's Reassign step once it hears of it (or once its own time limit fires). Each
 * order is forced here on one in-memory store: whichever runs first, the transition happens once, its history line is
 * written once and its metric counted once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signReviewLink } from '../../../functions/lib/review';
import { mem } from './memory';
import {
  lambdaContext,
  PROPOSAL_ID,
  proposal,
  restoreHandlerEnv,
  reviewer,
  reviewIdFor,
  roster,
  SIGNING_SECRET,
  stubHandlerEnv,
  task,
} from './support';

vi.mock('../../../functions/lib/adapters/aws/dynamodb', () => import('./memory').then((m) => m.dynamoClient));
vi.mock('../../../functions/lib/adapters/aws/secrets', () => import('./memory').then((m) => m.secrets));
vi.mock('../../../functions/lib/adapters/proposals', () => import('./memory').then((m) => m.proposals));
vi.mock('../../../functions/lib/adapters/review-tasks', () => import('./memory').then((m) => m.reviewTasks));
vi.mock('../../../functions/lib/adapters/roster', () => import('./memory').then((m) => m.roster));
vi.mock('../../../functions/lib/adapters/mail', () => import('./memory').then((m) => m.mail));
vi.mock('../../../functions/lib/adapters/storage', () => import('./memory').then((m) => m.storage));
vi.mock('../../../functions/lib/adapters/executions', () => import('./memory').then((m) => m.executions));

type Handler<T> = (event: T, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
let sweepHandler: Handler<unknown>;
let reassignHandler: Handler<unknown>;
let reviewHandler: Handler<unknown>;
let addMetric: ReturnType<typeof vi.spyOn>;

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
  mem.reset();
  addMetric.mockClear();
  mem.seedProposal(proposal({ alternates: ['r-gov-free'] }));
  mem.seedReviewer(...roster.map((r) => reviewer(r.id)));
  mem.seedTask(task(REVIEWER, { dueAt: DUE, token: TOKEN }));
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

const notes = (fragment: string) => mem.history(PROPOSAL_ID).filter((h) => h.note.includes(fragment));
const counted = (name: string) => addMetric.mock.calls.filter((call: unknown[]) => call[0] === name).length;

describe('closing a review task from two paths', () => {
  it('sweep first, then the Reassign step it triggered: one timeout, one line, one metric', async () => {
    expect(await sweep()).toMatchObject({ timedOut: 1 });
    await reassign('ReviewTimedOut');

    expect(mem.task(PROPOSAL_ID, REVIEWER)?.status).toBe('TIMED_OUT');
    expect(notes('task timed out')).toHaveLength(1);
    expect(counted('ReviewTasksTimedOut')).toBe(1);
    expect(mem.task(PROPOSAL_ID, 'r-gov-free')?.status).toBe('PENDING');
  });

  it("the execution's time limit first (Reassign closes the task), then the sweep: one timeout, one line, one metric", async () => {
    await reassign('States.Timeout');
    expect(await sweep()).toMatchObject({ timedOut: 0 });

    expect(mem.task(PROPOSAL_ID, REVIEWER)?.status).toBe('TIMED_OUT');
    expect(notes('task timed out')).toHaveLength(1);
    expect(counted('ReviewTasksTimedOut')).toBe(1);
    // The sweep did not tell an execution that has moved on.
    expect(mem.answers).toEqual([]);
  });

  it('a decline on the review page, then the Reassign step: one decline, one line, one metric', async () => {
    expect((await decline()).statusCode).toBe(303);
    await reassign('ReviewDeclined');

    expect(mem.task(PROPOSAL_ID, REVIEWER)).toMatchObject({
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
    expect(mem.task(PROPOSAL_ID, REVIEWER)?.status).toBe('TIMED_OUT');
    expect(counted('ReviewTasksDeclined')).toBe(0);
    expect(counted('ReviewTasksTimedOut')).toBe(1);
  });
});
