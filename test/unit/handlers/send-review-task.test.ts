import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { taskInvitation } from '../../../functions/lib/model';
import { verifyReviewLink } from '../../../functions/lib/review';
import { mem } from './memory';
import {
  firstLink,
  lambdaContext,
  PROPOSAL_ID,
  proposal,
  REVIEW_BASE_URL,
  restoreHandlerEnv,
  reviewer,
  reviewIdFor,
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

let handler: typeof import('../../../functions/send-review-task').handler;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/send-review-task'));
});
afterAll(restoreHandlerEnv);
beforeEach(() => {
  mem.reset();
  mem.seedProposal(proposal());
  mem.seedReviewer(reviewer('r-health-free'), reviewer('r-health-busy'));
  mem.seedTask(task('r-health-free', { dueAt: '2025-07-15T00:00:00.000Z' }), task('r-health-busy'));
});

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf0pqkXs+secret/task=token';
const event = (reviewerId = 'r-health-free') => ({ proposalId: PROPOSAL_ID, reviewerId, taskToken: TOKEN });

describe('sending a review task', () => {
  it('keeps the task token on the open task', async () => {
    await handler(event(), lambdaContext('send-review-task'));

    expect(mem.task(PROPOSAL_ID, 'r-health-free')).toMatchObject({ token: TOKEN, status: 'PENDING' });
  });

  it('emails the reviewer a signed link that carries the review id but never the task token', async () => {
    await handler(event(), lambdaContext('send-review-task'));

    const [email, ...more] = mem.emails;
    expect(more).toEqual([]);
    expect(email?.to).toBe('wahyu@example.ac.id');
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
    // Valid through the due date, the grace period (2 days) and the longest extension (60 days), plus one day.
    expect(verified.ok && verified.expiresAt.toISOString()).toBe('2025-09-16T00:00:00.000Z');
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

    expect(mem.emails[0]?.subject).toContain('Review request');
  });

  it('records in the history that the task was sent', async () => {
    await handler(event(), lambdaContext('send-review-task'));

    expect(mem.history(PROPOSAL_ID).at(-1)).toEqual({
      status: 'IN_REVIEW',
      note: 'Review task sent to r-health-free',
    });
  });

  it('sends from the invitation the seat was reserved with, reading neither the proposal nor the roster', async () => {
    const invitation = taskInvitation(
      {
        title: 'Layanan Kesehatan Keliling',
        institution: 'Dinas Kesehatan Kota Surabaya',
        category: 'kesehatan',
      },
      { name: 'Dr. Wahyu', email: 'wahyu@example.ac.id', language: 'en' },
    );
    mem.tasks.get(`${PROPOSAL_ID}|r-health-free`)!.invitation = invitation;
    // Gone from the table: the send must not need them.
    const [stored, reviewers] = [mem.proposals.get(PROPOSAL_ID)!, new Map(mem.reviewers)];
    mem.proposals.delete(PROPOSAL_ID);
    mem.reviewers.clear();

    await handler({ ...event(), proposalStatus: 'IN_REVIEW' }, lambdaContext('send-review-task'));

    const [email] = mem.emails;
    expect(email?.to).toBe('wahyu@example.ac.id');
    expect(email?.subject).toContain('Review request: Layanan Kesehatan Keliling');
    expect(email?.text).toContain('Dinas Kesehatan Kota Surabaya');
    expect(email?.text).toContain('Dear Dr. Wahyu,');
    expect(mem.history(PROPOSAL_ID).at(-1)).toEqual({
      status: 'IN_REVIEW',
      note: 'Review task sent to r-health-free',
    });
    // Handed out once: the invitation leaves the task with the first token (the reviewer's address with it).
    expect(mem.tasks.get(`${PROPOSAL_ID}|r-health-free`)).not.toHaveProperty('invitation');

    // A retry (a new token) reads what it needs, and the reviewer keeps the one email already sent.
    mem.proposals.set(PROPOSAL_ID, stored);
    mem.reviewers = reviewers;
    await handler(
      { ...event(), taskToken: `${TOKEN}-2`, proposalStatus: 'IN_REVIEW' },
      lambdaContext('send-review-task'),
    );
    expect(mem.emails).toHaveLength(1);
    expect(mem.task(PROPOSAL_ID, 'r-health-free')?.token).toBe(`${TOKEN}-2`);
  });

  it.each(['DECLINED', 'SUBMITTED', 'TIMED_OUT', 'REASSIGNED'] as const)(
    'refuses a %s task with an error, keeps no token and sends no email',
    async (status) => {
      mem.seedTask(task('r-health-free', { status }));

      await expect(handler(event(), lambdaContext('send-review-task'))).rejects.toMatchObject({
        name: 'BadInputError',
        message: expect.stringContaining('is not open'),
      });
      expect(mem.task(PROPOSAL_ID, 'r-health-free')?.token).toBeUndefined();
      expect(mem.emails).toEqual([]);
    },
  );

  it('refuses a reviewer who holds no task on the proposal', async () => {
    await expect(handler(event('r-gov-free'), lambdaContext('send-review-task'))).rejects.toMatchObject({
      name: 'BadInputError',
    });
    expect(mem.task(PROPOSAL_ID, 'r-gov-free')).toBeUndefined();
    expect(mem.emails).toEqual([]);
  });

  it('refuses an input without a task token', async () => {
    await expect(
      handler({ proposalId: PROPOSAL_ID, reviewerId: 'r-health-free' }, lambdaContext('send-review-task')),
    ).rejects.toMatchObject({ name: 'BadInputError' });
    expect(mem.task(PROPOSAL_ID, 'r-health-free')?.token).toBeUndefined();
    expect(mem.emails).toEqual([]);
  });
});

/** An SES error as the SDK raises it (name, message, HTTP status). */
const sesError = (name: string, message: string, status = 400) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('when SES will not take the review email', () => {
  it.each([
    ['MessageRejected', 'Email address is not verified.', /SES rejected the message/],
    ['AccessDeniedException', 'Not authorized to send to this identity', /sandbox or identity not verified/],
    ['LimitExceededException', 'Daily message quota exceeded.', /daily sending quota is spent/],
  ])(
    'records a %s on the proposal, keeps the task open with its token and does not fail',
    async (name, message, why) => {
      mem.faults.push((operation) => (operation === 'mail.sendEmail' ? sesError(name, message) : undefined));

      await handler(event(), lambdaContext('send-review-task'));

      expect(mem.emails).toEqual([]);
      expect(mem.task(PROPOSAL_ID, 'r-health-free')).toMatchObject({ token: TOKEN, status: 'PENDING' });
      const note = mem.history(PROPOSAL_ID).at(-1)?.note ?? '';
      expect(note).toMatch(/^The review task email to r-health-free could not be sent: /);
      expect(note).toMatch(why);
      expect(note).toContain(name);
      expect(note).toMatch(/ops alerted$/);
      // The claim is released: a later attempt (a retried invocation) may still send it.
      expect(mem.task(PROPOSAL_ID, 'r-health-free')).not.toHaveProperty('mailClaim');
    },
  );

  it('leaves a passing fault (throttling) to the state machine, which retries the task', async () => {
    mem.faults.push((operation) =>
      operation === 'mail.sendEmail'
        ? sesError('TooManyRequestsException', 'Maximum sending rate exceeded.', 429)
        : undefined,
    );

    await expect(handler(event(), lambdaContext('send-review-task'))).rejects.toMatchObject({
      name: 'TransientError',
    });
    expect(mem.history(PROPOSAL_ID).some((h) => /could not be sent/.test(h.note))).toBe(false);
  });
});
