import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mem } from './memory';
import { lambdaContext, PROPOSAL_ID, proposal, restoreHandlerEnv, stubHandlerEnv, task } from './support';

vi.mock('../../../functions/lib/adapters/aws/dynamodb', () => import('./memory').then((m) => m.dynamoClient));
vi.mock('../../../functions/lib/adapters/proposals', () => import('./memory').then((m) => m.proposals));
vi.mock('../../../functions/lib/adapters/review-tasks', () => import('./memory').then((m) => m.reviewTasks));

let handler: typeof import('../../../functions/aggregate').handler;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/aggregate'));
});
afterAll(restoreHandlerEnv);
beforeEach(() => {
  mem.reset();
  mem.seedProposal(proposal({ status: 'IN_REVIEW', opsToken: 'ops-token-from-an-earlier-wait' }));
});

const submitted = (reviewerId: string, score: number) =>
  mem.seedTask(
    task(reviewerId, {
      status: 'SUBMITTED',
      score,
      scores: { kebaruan: 5 },
      decidedAt: '2025-07-10T00:00:00.000Z',
    }),
  );

describe('aggregating the reviews', () => {
  it('marks a proposal with enough reviews REVIEWED with its score and spread', async () => {
    submitted('r-health-free', 80);
    submitted('r-health-busy', 70);
    submitted('r-gov-free', 75.5);
    const result = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('aggregate'));

    expect(result).toMatchObject({ enough: true, score: 75.17, spread: 10, reviews: 3, disagreement: false });
    const stored = mem.proposal(PROPOSAL_ID);
    expect(stored.status).toBe('REVIEWED');
    expect(stored.result).toEqual({ score: 75.17, mean: 75.17, spread: 10, reviews: 3, disagreement: false });
    expect(stored.reason).toBe('Reviewed: score 75.17 from 3 review(s)');
    expect(stored.opsToken).toBeUndefined();
    expect(mem.history(PROPOSAL_ID)).toEqual([
      { status: 'REVIEWED', note: 'Reviewed: score 75.17 from 3 review(s)' },
    ]);
  });

  it('flags reviewers who disagree by more than the profile threshold', async () => {
    submitted('r-health-free', 90);
    submitted('r-health-busy', 62.5);
    const result = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('aggregate'));

    expect(result).toMatchObject({ enough: true, spread: 27.5, disagreement: true });
    expect(mem.proposal(PROPOSAL_ID).reason).toContain('reviewers disagree (spread 27.5)');
  });

  it('counts only submitted reviews and reports too few without changing the status', async () => {
    submitted('r-health-free', 80);
    mem.seedTask(task('r-health-busy', { status: 'DECLINED' }), task('r-gov-free', { status: 'PENDING' }));
    const result = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('aggregate'));

    expect(result).toEqual({ enough: false, reviews: 1 });
    const stored = mem.proposal(PROPOSAL_ID);
    expect(stored.status).toBe('IN_REVIEW');
    expect(stored.result).toBeUndefined();
    expect(mem.history(PROPOSAL_ID)).toEqual([
      { status: 'IN_REVIEW', note: '1 review(s) in, 2 needed; assigning more reviewers' },
    ]);
  });

  it('refuses an input without a proposal id', async () => {
    await expect(handler({}, lambdaContext('aggregate'))).rejects.toMatchObject({ name: 'BadInputError' });
  });
});
