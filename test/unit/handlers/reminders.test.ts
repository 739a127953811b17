import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyReviewLink } from '../../../functions/lib/review';
import { mem } from './memory';
import {
  firstLink,
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
vi.mock('../../../functions/lib/adapters/executions', () => import('./memory').then((m) => m.executions));

let handler: typeof import('../../../functions/reminders').handler;
let forEachBounded: typeof import('../../../functions/reminders').forEachBounded;
let SWEEP_CONCURRENCY: number;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler, forEachBounded, SWEEP_CONCURRENCY } = await import('../../../functions/reminders'));
});
afterAll(restoreHandlerEnv);

const DUE = '2025-07-15T00:00:00.000Z';
const DAY = 86_400_000;
const at = (offsetDays: number) => new Date(Date.parse(DUE) + offsetDays * DAY).toISOString();
/** The scheduled event, as EventBridge Scheduler sends it, for a sweep at `time`. */
const sweep = (time: string, context = lambdaContext('reminders')) =>
  handler(
    {
      version: '0',
      id: 'sweep-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time,
      region: 'ap-southeast-3',
      resources: [],
      detail: {},
    },
    context,
  );

beforeEach(() => {
  mem.reset();
  mem.seedProposal(proposal());
  mem.seedReviewer(...roster.map((r) => reviewer(r.id)));
  mem.seedTask(task('r-health-free', { dueAt: DUE, token: 'token-wahyu' }));
});

describe('the reminder sweep', () => {
  it('sends one reminder to a reviewer whose task is due in 2 days, and marks it sent', async () => {
    const result = await sweep(at(-2));

    expect(result).toEqual({
      checked: 1,
      reminded: 1,
      timedOut: 0,
      redelivered: 0,
      failed: 0,
      complete: true,
    });
    const [email, ...more] = mem.emails;
    expect(more).toEqual([]);
    expect(email?.to).toBe('wahyu@example.ac.id');
    expect(email?.text).not.toContain('token-wahyu');
    const link = firstLink(email?.text ?? '');
    expect(
      verifyReviewLink(Object.fromEntries(link.searchParams), SIGNING_SECRET, new Date(at(-2))),
    ).toMatchObject({
      ok: true,
      reviewId: reviewIdFor('r-health-free'),
    });
    expect(mem.task(PROPOSAL_ID, 'r-health-free')?.remindedAt).toEqual(['offset:-3']);
    expect(mem.history(PROPOSAL_ID).at(-1)?.note).toBe(
      'Reminder (3 day(s) before the due date) sent to r-health-free',
    );
  });

  it('sends nothing on a second sweep for a reminder already sent', async () => {
    await sweep(at(-2));
    const again = await sweep(at(-2).replace('T00', 'T01'));

    expect(again).toEqual({
      checked: 1,
      reminded: 0,
      timedOut: 0,
      redelivered: 0,
      failed: 0,
      complete: true,
    });
    expect(mem.emails).toHaveLength(1);
  });

  it('sends nothing when another sweep claimed the same reminder first', async () => {
    const [first, second] = await Promise.all([sweep(at(-2)), sweep(at(-2))]);

    expect(first.reminded + second.reminded).toBe(1);
    expect(mem.emails).toHaveLength(1);
  });

  it('sends the overdue reminder one day after the due date, once', async () => {
    mem.seedTask(task('r-health-free', { dueAt: DUE, token: 'token-wahyu', remindedAt: ['offset:-3'] }));
    const result = await sweep(at(1.2));
    await sweep(at(1.5));

    expect(result.reminded).toBe(1);
    expect(mem.emails).toHaveLength(1);
    expect(mem.task(PROPOSAL_ID, 'r-health-free')?.remindedAt).toEqual(['offset:-3', 'offset:1']);
  });

  it('leaves alone a task due later than the first reminder', async () => {
    const result = await sweep(at(-5));

    expect(result).toEqual({
      checked: 0,
      reminded: 0,
      timedOut: 0,
      redelivered: 0,
      failed: 0,
      complete: true,
    });
    expect(mem.emails).toEqual([]);
  });

  it('times out a task past its due date and grace period: recorded first, then the execution told ReviewTimedOut', async () => {
    const load = mem.reviewer('r-health-free')?.load ?? 0;
    const result = await sweep(at(2.01));

    expect(result).toEqual({
      checked: 1,
      reminded: 0,
      timedOut: 1,
      redelivered: 0,
      failed: 0,
      complete: true,
    });
    expect(mem.task(PROPOSAL_ID, 'r-health-free')).toMatchObject({
      status: 'TIMED_OUT',
      decidedAt: at(2.01),
    });
    expect(mem.task(PROPOSAL_ID, 'r-health-free')?.token).toBeUndefined();
    expect(mem.reviewer('r-health-free')?.load).toBe(load - 1);
    expect(mem.answers).toEqual([{ token: 'token-wahyu', error: 'ReviewTimedOut', cause: `Due ${DUE}` }]);
    expect(mem.history(PROPOSAL_ID).map((h) => h.note)).toEqual([
      'r-health-free passed the due date and grace period; task timed out',
    ]);
    expect(mem.emails).toEqual([]);
  });

  it('keeps a timeout Step Functions did not hear of and tells the execution at the next sweep', async () => {
    mem.answerFaults.push('unreachable');
    const first = await sweep(at(2.01));

    expect(first.timedOut).toBe(1);
    expect(mem.answers).toEqual([]);
    expect(mem.task(PROPOSAL_ID, 'r-health-free')).toMatchObject({
      status: 'TIMED_OUT',
      token: 'token-wahyu',
    });
    const second = await sweep(at(2.05));

    expect(second).toEqual({
      checked: 0,
      reminded: 0,
      timedOut: 0,
      redelivered: 1,
      failed: 0,
      complete: true,
    });
    expect(mem.answers).toEqual([{ token: 'token-wahyu', error: 'ReviewTimedOut', cause: `Due ${DUE}` }]);
    expect(mem.task(PROPOSAL_ID, 'r-health-free')?.token).toBeUndefined();
    expect(mem.history(PROPOSAL_ID).filter((h) => h.note.includes('timed out'))).toHaveLength(1);
    const third = await sweep(at(2.1));
    expect(third).toEqual({
      checked: 0,
      reminded: 0,
      timedOut: 0,
      redelivered: 0,
      failed: 0,
      complete: true,
    });
  });

  it('does not time out a task still within its grace period', async () => {
    const result = await sweep(at(1.99));

    expect(result.timedOut).toBe(0);
    expect(mem.task(PROPOSAL_ID, 'r-health-free')).toMatchObject({ status: 'PENDING', token: 'token-wahyu' });
    expect(mem.answers).toEqual([]);
  });

  it('finishes the sweep when the execution no longer waits for a timed-out task', async () => {
    mem.answerFaults.push('gone', 'gone');
    mem.seedTask(task('r-gov-free', { dueAt: at(1), token: 'token-tri' }));

    const result = await sweep(at(3.5));

    expect(result).toEqual({
      checked: 2,
      reminded: 0,
      timedOut: 2,
      redelivered: 0,
      failed: 0,
      complete: true,
    });
    for (const id of ['r-health-free', 'r-gov-free']) {
      expect(mem.task(PROPOSAL_ID, id)?.status).toBe('TIMED_OUT');
      expect(mem.task(PROPOSAL_ID, id)?.token).toBeUndefined();
    }
  });

  it('skips tasks the execution has not handed out yet (no token)', async () => {
    mem.seedTask(task('r-health-free', { dueAt: DUE }));
    const load = mem.reviewer('r-health-free')?.load;
    const result = await sweep(at(3));

    expect(result).toEqual({
      checked: 0,
      reminded: 0,
      timedOut: 0,
      redelivered: 0,
      failed: 0,
      complete: true,
    });
    expect(mem.task(PROPOSAL_ID, 'r-health-free')).toEqual({
      ...task('r-health-free', { dueAt: DUE }),
      listed: expect.any(String),
    });
    expect(mem.reviewer('r-health-free')?.load).toBe(load);
    expect(mem.history(PROPOSAL_ID)).toEqual([]);
    expect(mem.answers).toEqual([]);
    expect(mem.emails).toEqual([]);
  });

  it('writes to each reviewer in their own language', async () => {
    mem.seedTask(task('r-health-busy', { dueAt: DUE, token: 'token-mira' }));
    await sweep(at(-2));

    const english = mem.emails.find((e) => e.to === 'mira@example.ac.id');
    const bahasa = mem.emails.find((e) => e.to === 'wahyu@example.ac.id');
    expect(english?.subject).not.toBe(bahasa?.subject);
    expect(english?.text).toMatch(/review/i);
  });

  it('hands a submitted review whose delivery failed to the waiting execution, then spends the token', async () => {
    const submitted = task('r-health-busy', {
      dueAt: DUE,
      token: 'token-mira',
      score: 72.5,
      status: 'SUBMITTED',
    });
    mem.seedListedTask(submitted, DUE);
    const result = await sweep(at(-2));

    expect(result.redelivered).toBe(1);
    expect(mem.answers).toEqual([
      { token: 'token-mira', output: { reviewerId: 'r-health-busy', status: 'SUBMITTED', score: 72.5 } },
    ]);
    expect(mem.task(PROPOSAL_ID, 'r-health-busy')?.token).toBeUndefined();
    expect(mem.emails.map((e) => e.to)).not.toContain('mira@example.ac.id');
  });
});

const sesError = (name: string, message: string, status = 400) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('a reminder whose email fails', () => {
  it.each([
    ['ThrottlingException', 'Maximum sending rate exceeded.', 400],
    ['MessageRejected', 'Email address is not verified.', 400],
    ['InternalFailure', 'Service unavailable', 500],
  ])('gives its claim back on %s, so the next sweep sends it', async (name, message, status) => {
    let failing = true;
    mem.faults.push((operation) =>
      failing && operation === 'mail.sendEmail' ? sesError(name, message, status) : undefined,
    );

    const first = await sweep(at(-2));
    expect(first).toMatchObject({ reminded: 0, failed: 1, complete: true });
    expect(mem.emails).toEqual([]);
    expect(mem.task(PROPOSAL_ID, 'r-health-free')?.remindedAt ?? []).toEqual([]);

    failing = false;
    const next = await sweep(at(-2).replace('T00', 'T01'));
    expect(next).toMatchObject({ reminded: 1, failed: 0 });
    expect(mem.emails.map((e) => e.to)).toEqual(['wahyu@example.ac.id']);
    expect(mem.task(PROPOSAL_ID, 'r-health-free')?.remindedAt).toEqual(['offset:-3']);
  });

  it('does not stop the sweep: the other tasks are reminded', async () => {
    mem.seedTask(task('r-health-busy', { dueAt: DUE, token: 'token-mira' }));
    mem.faults.push((operation, input) =>
      operation === 'mail.sendEmail' && (input as { to: string }).to === 'wahyu@example.ac.id'
        ? sesError('MessageRejected', 'Rejected')
        : undefined,
    );

    const result = await sweep(at(-2));

    expect(result).toMatchObject({ checked: 2, reminded: 1, failed: 1 });
    expect(mem.emails.map((e) => e.to)).toEqual(['mira@example.ac.id']);
  });
});

describe('a sweep at season scale', () => {
  it('reminds every due task of 300 proposals, reading each proposal once for its emails', async () => {
    mem.reset();
    mem.seedReviewer(...roster.map((r) => reviewer(r.id)));
    const reviewers = roster.slice(0, 3).map((r) => r.id);
    for (let i = 0; i < 300; i++) {
      const id = `${PROPOSAL_ID}-${i}`;
      mem.seedProposal(proposal({ id }));
      for (const reviewerId of reviewers) {
        mem.seedTask(task(reviewerId, { proposalId: id, dueAt: DUE, token: `token-${i}-${reviewerId}` }));
      }
    }
    const { ProposalStore } = await import('../../../functions/lib/adapters/proposals');
    const reads = vi.spyOn(ProposalStore.prototype, 'require');

    const result = await sweep(at(-2));

    expect(result).toMatchObject({ checked: 900, reminded: 900, failed: 0, complete: true });
    expect(mem.emails).toHaveLength(900);
    // Once per proposal for its emails (not once per task), and once per history line the note writes.
    expect(reads.mock.calls.length).toBe(300 + 900);
    reads.mockRestore();
  });

  it('stops taking tasks before its time limit and leaves the rest to the next sweep', async () => {
    for (const id of ['r-health-busy', 'r-gov-free'])
      mem.seedTask(task(id, { dueAt: DUE, token: `token-${id}` }));
    const spent = { ...lambdaContext('reminders'), getRemainingTimeInMillis: () => 0 };

    const stopped = await sweep(at(-2), spent);
    expect(stopped).toMatchObject({ reminded: 0, complete: false });

    const next = await sweep(at(-2));
    expect(next).toMatchObject({ reminded: 3, complete: true });
  });
});

describe('bounded concurrency', () => {
  async function* numbers(n: number) {
    for (let i = 0; i < n; i++) yield i;
  }

  it('works on every item with at most the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    const complete = await forEachBounded(numbers(100), SWEEP_CONCURRENCY, async (i) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      seen.push(i);
      inFlight -= 1;
    });

    expect(complete).toBe(true);
    expect(most).toBe(SWEEP_CONCURRENCY);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
  });

  it('takes no new item once told to stop', async () => {
    const seen: number[] = [];
    const complete = await forEachBounded(
      numbers(100),
      4,
      async (i) => {
        seen.push(i);
      },
      () => seen.length < 10,
    );

    expect(complete).toBe(false);
    expect(seen.length).toBeGreaterThanOrEqual(10);
    expect(seen.length).toBeLessThan(14);
  });
});
