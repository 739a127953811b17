import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadProfile } from '../../../functions/lib/profile';
import { validateDocument } from '../../../functions/lib/validation';
import type { ValidationReport } from '../../../functions/lib/validation/types';
import {
  type FakeTable,
  freshMocks,
  lambdaContext,
  OPS_EMAIL,
  PROPOSAL_ID,
  proposalItem,
  readFixture,
  restoreHandlerEnv,
  reviewerItem,
  SENDER_EMAIL,
  sentEmails,
  stubHandlerEnv,
  taskItem,
} from './support';

let handler: typeof import('../../../functions/notify').handler;
let table: FakeTable;
let rejection: ValidationReport;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/notify'));
  // The report validation stores for an Umum proposal that lacks its Signifikansi section.
  rejection = await validateDocument(
    readFixture('examples/proposals/05-dkp-makassar-tanpa-signifikansi.docx'),
    loadProfile('kipp'),
    { fileName: '05-dkp-makassar-tanpa-signifikansi.docx' },
  );
});
afterAll(restoreHandlerEnv);
beforeEach(() => {
  table = freshMocks();
});

const SUBMITTER = 'dkp@makassar.example.go.id';
const result = { score: 78.5, mean: 78.5, spread: 6, reviews: 3, disagreement: false };

describe('telling the submitter a proposal was rejected', () => {
  it('emails the contact every problem to fix, in Bahasa Indonesia', async () => {
    table.seed(proposalItem({ status: 'REJECTED', contactEmail: SUBMITTER, validation: rejection }));
    await handler({ kind: 'rejected', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    const [email, ...more] = sentEmails();
    expect(more).toEqual([]);
    expect(email?.to).toEqual([SUBMITTER]);
    expect(email?.from).toBe(SENDER_EMAIL);
    const errors = rejection.issues.filter((issue) => issue.severity === 'error');
    expect(errors.map((issue) => issue.code)).toContain('SECTION_MISSING');
    for (const issue of errors) expect(email?.text).toContain(issue.message.id);
    expect(email?.text).toContain('Signifikansi');
    expect(table.history(PROPOSAL_ID).at(-1)).toEqual({
      status: 'REJECTED',
      note: `Submitter told what to fix (${SUBMITTER})`,
    });
  });

  it('keeps the rejection reason on the proposal after telling the submitter', async () => {
    const reason = '1 masalah: bagian Signifikansi tidak ditemukan';
    table.seed(proposalItem({ status: 'REJECTED', reason, contactEmail: SUBMITTER, validation: rejection }));
    await handler({ kind: 'rejected', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    expect(table.proposal(PROPOSAL_ID).reason).toBe(reason);
  });

  it('only notes in the history that no one could be told when the proposal has no contact email', async () => {
    table.seed(proposalItem({ status: 'REJECTED', contactEmail: undefined, validation: rejection }));
    await handler({ kind: 'rejected', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    expect(sentEmails()).toEqual([]);
    expect(table.history(PROPOSAL_ID)).toEqual([
      { status: 'REJECTED', note: 'No valid contact email in the proposal: the submitter could not be told' },
    ]);
    expect(table.proposal(PROPOSAL_ID).status).toBe('REJECTED');
  });
});

describe('telling the result', () => {
  beforeEach(() => {
    table.seed(
      reviewerItem('r-health-free'),
      reviewerItem('r-gov-free'),
      taskItem('r-health-free', { status: 'SUBMITTED', score: 81.5, comment: 'Dampak terukur dengan baik.' }),
      taskItem('r-gov-free', { status: 'SUBMITTED', score: 75.5 }),
      taskItem('r-health-busy', { status: 'DECLINED' }),
    );
  });

  it('emails the submitter the score and ops a summary of the reviews', async () => {
    table.seed(proposalItem({ status: 'REVIEWED', contactEmail: SUBMITTER, result }));
    await handler({ kind: 'result', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    const [submitter, ops, ...more] = sentEmails();
    expect(more).toEqual([]);
    expect(submitter?.to).toEqual([SUBMITTER]);
    expect(submitter?.subject).toContain('Hasil penilaian');
    expect(submitter?.text).toContain('78,5');
    expect(ops?.to).toEqual([OPS_EMAIL]);
    expect(ops?.text).toContain('Dr. Wahyu');
    expect(ops?.text).toContain('Dr. Tri');
    expect(ops?.text).toContain('Dampak terukur dengan baik.');
    expect(ops?.text).not.toContain('Dr. Mira');
    expect(table.history(PROPOSAL_ID).at(-1)?.note).toBe('Submitter and ops told the result');
  });

  it('still tells ops when the proposal has no contact email', async () => {
    table.seed(proposalItem({ status: 'REVIEWED', contactEmail: undefined, result }));
    await handler({ kind: 'result', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    expect(sentEmails().map((e) => e.to)).toEqual([[OPS_EMAIL]]);
  });

  it('refuses to send a result the proposal does not have', async () => {
    table.seed(proposalItem({ status: 'IN_REVIEW', contactEmail: SUBMITTER }));

    await expect(
      handler({ kind: 'result', proposalId: PROPOSAL_ID }, lambdaContext('notify')),
    ).rejects.toMatchObject({
      name: 'BadInputError',
    });
    expect(sentEmails()).toEqual([]);
  });
});

it('refuses an unknown kind of notice', async () => {
  await expect(
    handler({ kind: 'shortlisted', proposalId: PROPOSAL_ID }, lambdaContext('notify')),
  ).rejects.toMatchObject({
    name: 'BadInputError',
  });
});
