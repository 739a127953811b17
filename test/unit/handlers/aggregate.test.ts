import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeTable,
  freshMocks,
  lambdaContext,
  PROPOSAL_ID,
  proposalItem,
  restoreHandlerEnv,
  stubHandlerEnv,
  taskItem,
} from './support';

let handler: typeof import('../../../functions/aggregate').handler;
let table: FakeTable;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/aggregate'));
});
afterAll(restoreHandlerEnv);
beforeEach(() => {
  table = freshMocks();
  table.seed(proposalItem({ status: 'IN_REVIEW', opsToken: 'ops-token-from-an-earlier-wait' }));
});

const submitted = (reviewerId: string, score: number) =>
  taskItem(reviewerId, {
    status: 'SUBMITTED',
    score,
    scores: { kebaruan: 5 },
    decidedAt: '2025-07-10T00:00:00.000Z',
  });

describe('aggregating the reviews', () => {
  it('marks a proposal with enough reviews REVIEWED with its score and spread', async () => {
    table.seed(submitted('r-health-free', 80), submitted('r-health-busy', 70), submitted('r-gov-free', 75.5));
    const result = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('aggregate'));

    expect(result).toMatchObject({ enough: true, score: 75.17, spread: 10, reviews: 3, disagreement: false });
    const stored = table.proposal(PROPOSAL_ID);
    expect(stored.status).toBe('REVIEWED');
    expect(stored.result).toEqual({ score: 75.17, mean: 75.17, spread: 10, reviews: 3, disagreement: false });
    expect(stored.reason).toBe('Reviewed: score 75.17 from 3 review(s)');
    expect(stored.opsToken).toBeUndefined();
  });

  it('flags reviewers who disagree by more than the profile threshold', async () => {
    table.seed(submitted('r-health-free', 90), submitted('r-health-busy', 62.5));
    const result = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('aggregate'));

    expect(result).toMatchObject({ enough: true, spread: 27.5, disagreement: true });
    expect(table.proposal(PROPOSAL_ID).reason).toContain('reviewers disagree (spread 27.5)');
  });

  it('counts only submitted reviews and reports too few without changing the status', async () => {
    table.seed(
      submitted('r-health-free', 80),
      taskItem('r-health-busy', { status: 'DECLINED' }),
      taskItem('r-gov-free', { status: 'PENDING' }),
    );
    const result = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('aggregate'));

    expect(result).toEqual({ enough: false, reviews: 1 });
    const stored = table.proposal(PROPOSAL_ID);
    expect(stored.status).toBe('IN_REVIEW');
    expect(stored.result).toBeUndefined();
    expect(table.history(PROPOSAL_ID)).toEqual([
      { status: 'IN_REVIEW', note: '1 review(s) in, 2 needed; assigning more reviewers' },
    ]);
  });

  it('refuses an input without a proposal id', async () => {
    await expect(handler({}, lambdaContext('aggregate'))).rejects.toMatchObject({ name: 'BadInputError' });
  });
});
