import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeTable,
  freshMocks,
  lambdaContext,
  OPS_EMAIL,
  PROPOSAL_ID,
  proposalItem,
  restoreHandlerEnv,
  reviewerItem,
  roster,
  sentEmails,
  stubHandlerEnv,
  taskItem,
} from './support';

let handler: typeof import('../../../functions/reassign').handler;
let table: FakeTable;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/reassign'));
});
afterAll(restoreHandlerEnv);

const loadOf = (id: string) => table.reviewer(id)?.load;
const initialLoad = (id: string) => roster.find((r) => r.id === id)?.load ?? 0;

beforeEach(() => {
  table = freshMocks();
  table.seed(
    ...roster.map((r) => reviewerItem(r.id)),
    // r-full (at capacity) comes first among the alternates and must be passed over.
    proposalItem({ alternates: ['r-health-busy', 'r-full', 'r-gov-free', 'r-same-city'] }),
    taskItem('r-health-free', { token: 'token-1' }),
    taskItem('r-health-busy', { token: 'token-2' }),
    taskItem('r-edu-half', { token: 'token-3' }),
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

    expect(result).toEqual({ proposalId: PROPOSAL_ID, reviewerId: 'r-gov-free' });
    expect(table.task(PROPOSAL_ID, 'r-health-free')).toMatchObject({ status: 'TIMED_OUT' });
    expect(table.task(PROPOSAL_ID, 'r-health-free')?.token).toBeUndefined();
    expect(loadOf('r-health-free')).toBe(initialLoad('r-health-free') - 1);
    expect(table.task(PROPOSAL_ID, 'r-gov-free')).toMatchObject({ status: 'PENDING', attempt: 2 });
    expect(loadOf('r-gov-free')).toBe(initialLoad('r-gov-free') + 1);
    expect(loadOf('r-full')).toBe(initialLoad('r-full'));
    // The execution's own time limit ended the task: this step closed it, so it writes the timeout line.
    expect(table.history(PROPOSAL_ID).map((h) => h.note)).toEqual([
      "r-health-free did not answer before the review task's time limit; task timed out",
      'r-health-free did not answer in time; looking for a replacement',
      'Reassigned to r-gov-free',
    ]);
    expect(sentEmails()).toEqual([]);
  });

  it('does not release a seat twice when the reviewer already declined on the review page', async () => {
    table.seed(taskItem('r-health-free', { status: 'DECLINED', declineReason: 'Tidak ada waktu bulan ini' }));
    const result = await handler(
      { proposalId: PROPOSAL_ID, reviewerId: 'r-health-free', error: declined },
      lambdaContext('reassign'),
    );

    expect(result.reviewerId).toBe('r-gov-free');
    expect(table.task(PROPOSAL_ID, 'r-health-free')?.status).toBe('DECLINED');
    expect(loadOf('r-health-free')).toBe(initialLoad('r-health-free'));
    expect(table.history(PROPOSAL_ID)[0]?.note).toBe('r-health-free declined; looking for a replacement');
  });

  it('stops after the profile limit of reassignments and tells ops', async () => {
    // Three seats and three replacements already used (maxReassignments = 3); r-gov-free is still available.
    table.seed(
      taskItem('r-unair', { status: 'DECLINED', attempt: 2 }),
      taskItem('r-declared', { status: 'TIMED_OUT', attempt: 3 }),
      taskItem('r-submitter', { status: 'DECLINED', attempt: 4 }),
    );
    const result = await handler(
      { proposalId: PROPOSAL_ID, reviewerId: 'r-health-free', error: declined },
      lambdaContext('reassign'),
    );

    expect(result).toEqual({ proposalId: PROPOSAL_ID });
    expect([...table.items.keys()].filter((k) => k.includes('REVIEW#'))).toHaveLength(6);
    expect(loadOf('r-gov-free')).toBe(initialLoad('r-gov-free'));
    const [email] = sentEmails();
    expect(email?.to).toEqual([OPS_EMAIL]);
    expect(email?.text).toContain('Tidak ada penelaah pengganti untuk r-health-free (batas penggantian 3)');
    expect(table.history(PROPOSAL_ID).at(-1)?.note).toBe(
      'No replacement reviewer for r-health-free (reassignment limit 3)',
    );
  });

  it('tells ops when no alternate is left', async () => {
    table.seed(proposalItem({ alternates: ['r-full', 'r-inactive'] }));
    const result = await handler(
      { proposalId: PROPOSAL_ID, reviewerId: 'r-health-free', error: declined },
      lambdaContext('reassign'),
    );

    expect(result.reviewerId).toBeUndefined();
    expect(sentEmails().map((e) => e.to)).toEqual([[OPS_EMAIL]]);
    expect([...table.items.keys()].filter((k) => k.includes('REVIEW#'))).toHaveLength(3);
  });

  it('never gives the seat back to a reviewer who held a task on the proposal', async () => {
    table.seed(proposalItem({ alternates: ['r-health-busy', 'r-edu-half', 'r-health-free'] }));
    const result = await handler(
      { proposalId: PROPOSAL_ID, reviewerId: 'r-health-free', error: declined },
      lambdaContext('reassign'),
    );

    expect(result.reviewerId).toBeUndefined();
    expect(sentEmails()).toHaveLength(1);
  });

  it('refuses an input without the error that ended the task', async () => {
    await expect(
      handler({ proposalId: PROPOSAL_ID, reviewerId: 'r-health-free' }, lambdaContext('reassign')),
    ).rejects.toMatchObject({ name: 'BadInputError' });
    expect(table.task(PROPOSAL_ID, 'r-health-free')?.status).toBe('PENDING');
  });
});
