import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mem } from './memory';
import {
  lambdaContext,
  OPS_EMAIL,
  PROPOSAL_ID,
  proposal,
  restoreHandlerEnv,
  reviewer,
  roster,
  stubHandlerEnv,
  task,
} from './support';

vi.mock('../../../functions/lib/adapters/aws/dynamodb', () => import('./memory').then((m) => m.dynamoClient));
vi.mock('../../../functions/lib/adapters/proposals', () => import('./memory').then((m) => m.proposals));
vi.mock('../../../functions/lib/adapters/review-tasks', () => import('./memory').then((m) => m.reviewTasks));
vi.mock('../../../functions/lib/adapters/mail', () => import('./memory').then((m) => m.mail));
vi.mock('../../../functions/lib/adapters/roster', () => import('./memory').then((m) => m.roster));

let handler: typeof import('../../../functions/reassign').handler;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/reassign'));
});
afterAll(restoreHandlerEnv);

const loadOf = (id: string) => mem.reviewer(id)?.load;
const initialLoad = (id: string) => roster.find((r) => r.id === id)?.load ?? 0;

beforeEach(() => {
  mem.reset();
  mem.seedReviewer(...roster.map((r) => reviewer(r.id)));
  // r-full (at capacity) comes first among the alternates and must be passed over.
  mem.seedProposal(proposal({ alternates: ['r-health-busy', 'r-full', 'r-gov-free', 'r-same-city'] }));
  mem.seedTask(
    task('r-health-free', { token: 'token-1' }),
    task('r-health-busy', { token: 'token-2' }),
    task('r-edu-half', { token: 'token-3' }),
  );
});

const declined = { Error: 'ReviewDeclined', Cause: 'Tidak ada waktu bulan ini' };
const timedOut = { Error: 'States.Timeout', Cause: 'Task timed out' };

describe('reassigning a seat', () => {
  it('frees the seat of a reviewer who ran out of time and reserves the next available alternate', async () => {
    const result = await handler(
      { proposalId: PROPOSAL_ID, reviewerId: 'r-health-free', error: timedOut },
      lambdaContext('reassign'),
    );

    expect(result).toEqual({
      proposalId: PROPOSAL_ID,
      reviewerId: 'r-gov-free',
      proposalStatus: 'IN_REVIEW',
    });
    expect(mem.task(PROPOSAL_ID, 'r-health-free')).toMatchObject({ status: 'TIMED_OUT' });
    expect(mem.task(PROPOSAL_ID, 'r-health-free')?.token).toBeUndefined();
    expect(loadOf('r-health-free')).toBe(initialLoad('r-health-free') - 1);
    expect(mem.task(PROPOSAL_ID, 'r-gov-free')).toMatchObject({ status: 'PENDING', attempt: 2 });
    expect(loadOf('r-gov-free')).toBe(initialLoad('r-gov-free') + 1);
    expect(loadOf('r-full')).toBe(initialLoad('r-full'));
    // The execution's own time limit ended the task: this step closed it, so it writes the timeout line. The
    // closing line and the first note may carry the same millisecond (then their order is not defined).
    const notes = mem.history(PROPOSAL_ID).map((h) => h.note);
    expect([...notes].sort()).toEqual([
      'Reassigned to r-gov-free',
      "r-health-free did not answer before the review task's time limit; task timed out",
      'r-health-free did not answer in time; looking for a replacement',
    ]);
    expect(notes.at(-1)).toBe('Reassigned to r-gov-free');
    expect(mem.emails).toEqual([]);
  });

  it('does not release a seat twice when the reviewer already declined on the review page', async () => {
    mem.seedTask(task('r-health-free', { status: 'DECLINED', declineReason: 'Tidak ada waktu bulan ini' }));
    const result = await handler(
      { proposalId: PROPOSAL_ID, reviewerId: 'r-health-free', error: declined },
      lambdaContext('reassign'),
    );

    expect(result.reviewerId).toBe('r-gov-free');
    expect(mem.task(PROPOSAL_ID, 'r-health-free')?.status).toBe('DECLINED');
    expect(loadOf('r-health-free')).toBe(initialLoad('r-health-free'));
    expect(mem.history(PROPOSAL_ID)[0]?.note).toBe('r-health-free declined; looking for a replacement');
  });

  it('stops after the profile limit of reassignments and tells ops', async () => {
    // Three seats and three replacements already used (maxReassignments = 3); r-gov-free is still available.
    mem.seedTask(
      task('r-unair', { status: 'DECLINED', attempt: 2 }),
      task('r-declared', { status: 'TIMED_OUT', attempt: 3 }),
      task('r-submitter', { status: 'DECLINED', attempt: 4 }),
    );
    const result = await handler(
      { proposalId: PROPOSAL_ID, reviewerId: 'r-health-free', error: declined },
      lambdaContext('reassign'),
    );

    expect(result).toEqual({ proposalId: PROPOSAL_ID });
    expect(mem.tasksOf(PROPOSAL_ID)).toHaveLength(6);
    expect(loadOf('r-gov-free')).toBe(initialLoad('r-gov-free'));
    const [email] = mem.emails;
    expect(email?.to).toBe(OPS_EMAIL);
    expect(email?.text).toContain('Tidak ada penelaah pengganti untuk r-health-free (batas penggantian 3)');
    expect(mem.history(PROPOSAL_ID).at(-1)?.note).toBe(
      'No replacement reviewer for r-health-free (reassignment limit 3)',
    );
  });

  it('tells ops when no alternate is left', async () => {
    mem.seedProposal(proposal({ alternates: ['r-full', 'r-inactive'] }));
    const result = await handler(
      { proposalId: PROPOSAL_ID, reviewerId: 'r-health-free', error: declined },
      lambdaContext('reassign'),
    );

    expect(result.reviewerId).toBeUndefined();
    expect(mem.emails.map((e) => e.to)).toEqual([OPS_EMAIL]);
    expect(mem.tasksOf(PROPOSAL_ID)).toHaveLength(3);
  });

  it('never gives the seat back to a reviewer who held a task on the proposal', async () => {
    mem.seedProposal(proposal({ alternates: ['r-health-busy', 'r-edu-half', 'r-health-free'] }));
    const result = await handler(
      { proposalId: PROPOSAL_ID, reviewerId: 'r-health-free', error: declined },
      lambdaContext('reassign'),
    );

    expect(result.reviewerId).toBeUndefined();
    expect(mem.emails).toHaveLength(1);
  });

  it('refuses an input without the error that ended the task', async () => {
    await expect(
      handler({ proposalId: PROPOSAL_ID, reviewerId: 'r-health-free' }, lambdaContext('reassign')),
    ).rejects.toMatchObject({ name: 'BadInputError' });
    expect(mem.task(PROPOSAL_ID, 'r-health-free')?.status).toBe('PENDING');
  });
});

describe('a seat moved by a batch re-plan', () => {
  const moved = { Error: 'ReviewMoved', Cause: 'Moved to r-same-city by a batch re-plan' };
  beforeEach(() => {
    // What `proposals plan --live --apply` wrote in one transaction: the old task REASSIGNED (its token kept
    // until the execution is told), the planned reviewer's task reserved and the loads moved.
    mem.seedTask(
      task('r-health-free', { status: 'REASSIGNED', movedTo: 'r-same-city', token: 'token-1' }),
      task('r-same-city', { assignedAt: '2025-08-01T00:00:00.000Z', dueAt: '2025-08-15T00:00:00.000Z' }),
    );
  });

  it('hands the seat to the planned reviewer (their reserved task, unchanged) and tells the released one once', async () => {
    const event = { proposalId: PROPOSAL_ID, reviewerId: 'r-health-free', error: moved };
    const result = await handler(event, lambdaContext('reassign'));

    expect(result).toEqual({
      proposalId: PROPOSAL_ID,
      reviewerId: 'r-same-city',
      proposalStatus: 'IN_REVIEW',
    });
    expect(mem.task(PROPOSAL_ID, 'r-same-city')).toMatchObject({ status: 'PENDING', attempt: 1 });
    expect(mem.task(PROPOSAL_ID, 'r-health-free')?.status).toBe('REASSIGNED');
    // Loads were moved by the re-plan's transaction: this step changes none.
    expect(loadOf('r-same-city')).toBe(initialLoad('r-same-city'));
    expect(loadOf('r-gov-free')).toBe(initialLoad('r-gov-free'));
    const released = mem.emails.filter((e) => e.to === reviewer('r-health-free').email);
    expect(released).toHaveLength(1);
    expect(released[0]?.subject).toMatch(/Permintaan penilaian dibatalkan: /);
    expect(released[0]?.text).toContain('Anda tidak perlu melakukan apa pun');
    expect(mem.emails.filter((e) => e.to === OPS_EMAIL)).toEqual([]);

    // A retried step neither writes a second notice nor reserves anyone else.
    await handler(event, lambdaContext('reassign'));
    expect(mem.emails.filter((e) => e.to === reviewer('r-health-free').email)).toHaveLength(1);
    expect(mem.history(PROPOSAL_ID).map((h) => h.note)).toEqual(['r-health-free told the task was moved']);
  });

  it("falls back to the alternates when the planned reviewer's task is gone", async () => {
    mem.seedTask(task('r-same-city', { status: 'DECLINED' }));
    const result = await handler(
      { proposalId: PROPOSAL_ID, reviewerId: 'r-health-free', error: moved },
      lambdaContext('reassign'),
    );
    expect(result).toEqual({
      proposalId: PROPOSAL_ID,
      reviewerId: 'r-gov-free',
      proposalStatus: 'IN_REVIEW',
    });
  });
});
