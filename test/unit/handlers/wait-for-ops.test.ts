import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mem } from './memory';
import {
  lambdaContext,
  OPS_EMAIL,
  PROPOSAL_ID,
  proposal,
  restoreHandlerEnv,
  stubHandlerEnv,
} from './support';

vi.mock('../../../functions/lib/adapters/aws/dynamodb', () => import('./memory').then((m) => m.dynamoClient));
vi.mock('../../../functions/lib/adapters/proposals', () => import('./memory').then((m) => m.proposals));
vi.mock('../../../functions/lib/adapters/mail', () => import('./memory').then((m) => m.mail));

let handler: typeof import('../../../functions/wait-for-ops').handler;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/wait-for-ops'));
});
afterAll(restoreHandlerEnv);
beforeEach(() => {
  mem.reset();
  mem.seedProposal(proposal({ status: 'NEEDS_REVIEWERS', reason: 'Not enough reviewers' }));
});

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf0pqkXs-secret-task-token';
const gap = { id: 'Kurang 1 penilai berkeahlian Kesehatan', en: 'One more Kesehatan reviewer is needed' };

describe('waiting for ops to find reviewers', () => {
  it('keeps the task token with the proposal and emails ops the gap and the commands that resume the proposal', async () => {
    await handler({ proposalId: PROPOSAL_ID, taskToken: TOKEN, gap }, lambdaContext('wait-for-ops'));

    expect(mem.proposal(PROPOSAL_ID).opsToken).toBe(TOKEN);
    const [email, ...more] = mem.emails;
    expect(more).toEqual([]);
    expect(email?.to).toBe(OPS_EMAIL);
    expect(email?.text).toContain(gap.id);
    expect(email?.text).toContain(`npx proposals assign ${PROPOSAL_ID} --reviewer`);
    expect(email?.text).toContain(`npx proposals resume ${PROPOSAL_ID}`);
    expect(`${email?.text}${email?.html}${email?.subject}`).not.toContain(TOKEN);
    expect(mem.history(PROPOSAL_ID).at(-1)).toEqual({
      status: 'NEEDS_REVIEWERS',
      note: 'Ops asked to find reviewers',
    });
  });

  it('falls back to the stored reason when the state machine passes no gap', async () => {
    await handler({ proposalId: PROPOSAL_ID, taskToken: TOKEN }, lambdaContext('wait-for-ops'));

    expect(mem.emails[0]?.text).toContain('Not enough reviewers');
  });

  it('refuses an input without a task token with a BadInputError and tells no one', async () => {
    await expect(handler({ proposalId: PROPOSAL_ID }, lambdaContext('wait-for-ops'))).rejects.toMatchObject({
      name: 'BadInputError',
    });
    expect(mem.emails).toEqual([]);
  });
});
