import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mem } from './memory';
import { lambdaContext, PROPOSAL_ID, proposal, restoreHandlerEnv, stubHandlerEnv } from './support';

vi.mock('../../../functions/lib/adapters/aws/dynamodb', () => import('./memory').then((m) => m.dynamoClient));
vi.mock('../../../functions/lib/adapters/proposals', () => import('./memory').then((m) => m.proposals));

let handler: typeof import('../../../functions/record-failure').handler;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/record-failure'));
});
afterAll(restoreHandlerEnv);
beforeEach(() => {
  mem.reset();
});

/** What a Catch hands over when a Lambda task fails: the error name and its JSON cause with a stack. */
const lambdaFailure = {
  Error: 'StoredItemError',
  Cause: JSON.stringify({
    errorType: 'StoredItemError',
    errorMessage: 'Malformed review task PROPOSAL#p-1/REVIEW#r-1: dueAt is missing',
    trace: ['StoredItemError: Malformed review task', '    at taskFromItem (/var/task/index.mjs:1:1)'],
  }),
};

describe('recording a technical failure', () => {
  it.each(['RECEIVED', 'VALIDATING', 'ASSIGNING', 'NEEDS_REVIEWERS', 'IN_REVIEW'] as const)(
    'marks a %s proposal FAILED with the cause in words',
    async (status) => {
      mem.seedProposal(
        proposal({ status, opsToken: status === 'NEEDS_REVIEWERS' ? 'ops-token' : undefined }),
      );
      await handler({ proposalId: PROPOSAL_ID, error: lambdaFailure }, lambdaContext('record-failure'));

      const stored = mem.proposal(PROPOSAL_ID);
      expect(stored.status).toBe('FAILED');
      expect(stored.reason).toBe(
        'Technical failure (StoredItemError): Malformed review task PROPOSAL#p-1/REVIEW#r-1: dueAt is missing',
      );
      expect(stored.reason).not.toContain('trace');
      expect(stored.opsToken).toBeUndefined();
      expect(mem.history(PROPOSAL_ID).at(-1)).toEqual({ status: 'FAILED', note: stored.reason });
    },
  );

  it('keeps a plain-text cause, shortened to 500 characters', async () => {
    mem.seedProposal(proposal({ status: 'VALIDATING' }));
    const cause = `Lambda timed out ${'x'.repeat(800)}`;
    await handler(
      { proposalId: PROPOSAL_ID, error: { Error: 'States.Timeout', Cause: cause } },
      lambdaContext('f'),
    );

    const reason = mem.proposal(PROPOSAL_ID).reason;
    expect(reason.startsWith('Technical failure (States.Timeout): Lambda timed out x')).toBe(true);
    expect(reason).toHaveLength('Technical failure (States.Timeout): '.length + 500);
  });

  it('says so when the error has no details', async () => {
    mem.seedProposal(proposal({ status: 'ASSIGNING' }));
    await handler({ proposalId: PROPOSAL_ID, error: {} }, lambdaContext('record-failure'));

    expect(mem.proposal(PROPOSAL_ID).reason).toBe('Technical failure (Error): no details');
  });

  it.each(['REJECTED', 'REVIEWED', 'FAILED'] as const)(
    'keeps a %s proposal in its status and adds the failure to its history',
    async (status) => {
      mem.seedProposal(proposal({ status, reason: 'Final reason' }));
      await handler({ proposalId: PROPOSAL_ID, error: lambdaFailure }, lambdaContext('record-failure'));

      const stored = mem.proposal(PROPOSAL_ID);
      expect(stored.status).toBe(status);
      expect(mem.history(PROPOSAL_ID)).toEqual([
        {
          status,
          note: 'Technical failure (StoredItemError): Malformed review task PROPOSAL#p-1/REVIEW#r-1: dueAt is missing',
        },
      ]);
    },
  );

  it('keeps the reason a rejected proposal ended with, so people still see why it was rejected', async () => {
    mem.seedProposal(
      proposal({ status: 'REJECTED', reason: '1 masalah: bagian Signifikansi tidak ditemukan' }),
    );
    await handler({ proposalId: PROPOSAL_ID, error: lambdaFailure }, lambdaContext('record-failure'));

    expect(mem.proposal(PROPOSAL_ID).reason).toBe('1 masalah: bagian Signifikansi tidak ditemukan');
  });

  it('writes nothing for a proposal that was never registered', async () => {
    await handler({ proposalId: 'p-unknown', error: lambdaFailure }, lambdaContext('record-failure'));

    expect(mem.proposals.size).toBe(0);
    expect(mem.events.size).toBe(0);
  });
});
