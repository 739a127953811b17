import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeTable,
  freshMocks,
  lambdaContext,
  OPS_EMAIL,
  PROPOSAL_ID,
  proposalItem,
  restoreHandlerEnv,
  sentEmails,
  stubHandlerEnv,
} from './support';

let handler: typeof import('../../../functions/wait-for-ops').handler;
let table: FakeTable;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/wait-for-ops'));
});
afterAll(restoreHandlerEnv);
beforeEach(() => {
  table = freshMocks();
  table.seed(proposalItem({ status: 'NEEDS_REVIEWERS', reason: 'Not enough reviewers' }));
});

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf0pqkXs-secret-task-token';
const gap = { id: 'Kurang 1 penilai berkeahlian Kesehatan', en: 'One more Kesehatan reviewer is needed' };

describe('waiting for ops to find reviewers', () => {
  it('keeps the task token in the table and emails ops the gap and the commands that resume the proposal', async () => {
    await handler({ proposalId: PROPOSAL_ID, taskToken: TOKEN, gap }, lambdaContext('wait-for-ops'));

    expect(table.proposal(PROPOSAL_ID).opsToken).toBe(TOKEN);
    const [email, ...more] = sentEmails();
    expect(more).toEqual([]);
    expect(email?.to).toEqual([OPS_EMAIL]);
    expect(email?.text).toContain(gap.id);
    expect(email?.text).toContain(`npx proposals assign ${PROPOSAL_ID} --reviewer`);
    expect(email?.text).toContain(`npx proposals resume ${PROPOSAL_ID}`);
    expect(`${email?.text}${email?.html}${email?.subject}`).not.toContain(TOKEN);
    expect(table.history(PROPOSAL_ID).at(-1)).toEqual({
      status: 'NEEDS_REVIEWERS',
      note: 'Ops asked to find reviewers',
    });
  });

  it('falls back to the stored reason when the state machine passes no gap', async () => {
    await handler({ proposalId: PROPOSAL_ID, taskToken: TOKEN }, lambdaContext('wait-for-ops'));

    expect(sentEmails()[0]?.text).toContain('Not enough reviewers');
  });

  it('refuses an input without a task token with a BadInputError and tells no one', async () => {
    await expect(handler({ proposalId: PROPOSAL_ID }, lambdaContext('wait-for-ops'))).rejects.toMatchObject({
      name: 'BadInputError',
    });
    expect(sentEmails()).toEqual([]);
  });
});
