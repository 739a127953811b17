import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { mem } from './memory';
import {
  lambdaContext,
  PROPOSAL_ID,
  proposal,
  restoreHandlerEnv,
  reviewer,
  roster,
  stubHandlerEnv,
} from './support';

vi.mock('../../../functions/lib/adapters/aws/dynamodb', () => import('./memory').then((m) => m.dynamoClient));
vi.mock('../../../functions/lib/adapters/proposals', () => import('./memory').then((m) => m.proposals));
vi.mock('../../../functions/lib/adapters/review-tasks', () => import('./memory').then((m) => m.reviewTasks));

let handler: typeof import('../../../functions/assign').handler;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/assign'));
});
afterAll(restoreHandlerEnv);
beforeEach(() => {
  mem.reset();
  mem.seedProposal(proposal({ status: 'VALIDATING', reason: 'Valid', seq: 3, reviewersNeeded: undefined }));
});

it('records why each reviewer was chosen in the history that `proposals status` shows', async () => {
  mem.seedReviewer(...roster.map((r) => reviewer(r.id)));
  await handler({ proposalId: PROPOSAL_ID }, lambdaContext('assign'));
  const line = mem.history(PROPOSAL_ID).find((h) => h.status === 'IN_REVIEW')!.note;
  expect(line).toMatch(/^3 reviewer\(s\) assigned: .*\. Chosen: r-health-free \(expert seat, 2\/10\)/);
  expect(line).toContain('conflicts checked on 10 reviewers');
  expect(line).toContain('passed over:');
});

it('fills the seats without an expert when none is free, and says so', async () => {
  mem.seedReviewer(...['r-gov-free', 'r-same-city', 'r-edu-half'].map((id) => reviewer(id)));
  const result = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('assign'));
  expect(result.complete).toBe(true);
  expect(mem.proposal(PROPOSAL_ID).status).toBe('IN_REVIEW');
  expect(mem.history(PROPOSAL_ID).at(-1)!.note).toContain('no reviewer with the expertise was free');
});

it('puts the explanation into the gap ops are emailed when seats stay empty', async () => {
  mem.seedReviewer(...['r-health-free', 'r-unair'].map((id) => reviewer(id)));
  const result = await handler({ proposalId: PROPOSAL_ID }, lambdaContext('assign'));
  expect(result.missing).toBe(2);
  expect(result.gap?.en).toContain('Chosen: r-health-free (expert seat, 2/10)');
  expect(result.gap?.en).toContain('(1 same institution)');
  expect(result.gap?.id).toContain('Dipilih: r-health-free (kursi ahli, 2/10)');
});
