import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadProfile } from '../../../functions/lib/adapters/profile-file';
import type { Agency } from '../../../functions/lib/agencies/schema';
import { validateDocument } from '../../../functions/lib/validation';
import type { ValidationReport } from '../../../functions/lib/validation/types';
import { mem } from './memory';
import {
  lambdaContext,
  OPS_EMAIL,
  PROPOSAL_ID,
  proposal,
  readFixture,
  restoreHandlerEnv,
  reviewer,
  stubHandlerEnv,
  task,
} from './support';

vi.mock('../../../functions/lib/adapters/aws/dynamodb', () => import('./memory').then((m) => m.dynamoClient));
vi.mock('../../../functions/lib/adapters/proposals', () => import('./memory').then((m) => m.proposals));
vi.mock('../../../functions/lib/adapters/review-tasks', () => import('./memory').then((m) => m.reviewTasks));
vi.mock('../../../functions/lib/adapters/roster', () => import('./memory').then((m) => m.roster));
vi.mock('../../../functions/lib/adapters/mail', () => import('./memory').then((m) => m.mail));
vi.mock('../../../functions/lib/adapters/agencies', () => import('./memory').then((m) => m.agencies));

let handler: typeof import('../../../functions/notify').handler;
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
  mem.reset();
});

const SUBMITTER = 'dkp@makassar.example.go.id';
const result = { score: 78.5, mean: 78.5, spread: 6, reviews: 3, disagreement: false };

describe('who the submitter notices go to', () => {
  const SURABAYA: Agency = {
    code: 'pemkot-surabaya',
    name: 'Pemerintah Kota Surabaya',
    parent: 'Pemerintah Kota Surabaya',
    province: 'Jawa Timur',
    regency: 'Kota Surabaya',
    kind: 'city',
    contacts: ['inovasi@surabaya.example.go.id', 'ortala@surabaya.example.go.id'],
    language: 'id',
  };

  it.each([
    ['received', 'IN_REVIEW'],
    ['rejected', 'REJECTED'],
    ['result', 'REVIEWED'],
  ] as const)(
    "sends the %s notice of a registered agency only to its registered contacts, not to the document's Email",
    async (kind, status) => {
      mem.seedAgency(SURABAYA);
      mem.seedProposal(
        proposal({ status, contactEmail: 'attacker@evil.example', validation: rejection, result }),
      );
      await handler({ kind, proposalId: PROPOSAL_ID }, lambdaContext('notify'));

      const submitter = mem.emails.filter((e) => e.to !== OPS_EMAIL);
      expect(submitter.map((e) => e.to)).toEqual([SURABAYA.contacts]);
      expect(JSON.stringify(mem.emails)).not.toContain('attacker@evil.example');
    },
  );

  it("writes to the document's Email for an agency the registry does not hold, as before", async () => {
    mem.seedProposal(proposal({ status: 'IN_REVIEW', contactEmail: SUBMITTER }));
    await handler({ kind: 'received', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    expect(mem.emails.map((e) => e.to)).toEqual([[SUBMITTER]]);
  });
});

describe('telling the submitter a proposal was rejected', () => {
  it('emails the contact every problem to fix, in Bahasa Indonesia', async () => {
    mem.seedProposal(proposal({ status: 'REJECTED', contactEmail: SUBMITTER, validation: rejection }));
    await handler({ kind: 'rejected', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    const [email, ...more] = mem.emails;
    expect(more).toEqual([]);
    expect(email?.to).toEqual([SUBMITTER]);
    const errors = rejection.issues.filter((issue) => issue.severity === 'error');
    expect(errors.map((issue) => issue.code)).toContain('SECTION_MISSING');
    for (const issue of errors) expect(email?.text).toContain(issue.message.id);
    expect(email?.text).toContain('Signifikansi');
    expect(mem.history(PROPOSAL_ID).at(-1)).toEqual({
      status: 'REJECTED',
      note: `Submitter told what to fix (${SUBMITTER})`,
    });
  });

  it('keeps the rejection reason on the proposal after telling the submitter', async () => {
    const reason = '1 masalah: bagian Signifikansi tidak ditemukan';
    mem.seedProposal(
      proposal({ status: 'REJECTED', reason, contactEmail: SUBMITTER, validation: rejection }),
    );
    await handler({ kind: 'rejected', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    expect(mem.proposal(PROPOSAL_ID).reason).toBe(reason);
  });

  it('only notes in the history that no one could be told when the proposal has no contact email', async () => {
    mem.seedProposal(proposal({ status: 'REJECTED', contactEmail: undefined, validation: rejection }));
    await handler({ kind: 'rejected', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    expect(mem.emails).toEqual([]);
    expect(mem.history(PROPOSAL_ID)).toEqual([
      { status: 'REJECTED', note: 'No valid contact email in the proposal: the submitter could not be told' },
    ]);
    expect(mem.proposal(PROPOSAL_ID).status).toBe('REJECTED');
    // Nothing was sent, so nothing is marked as sent.
    expect(mem.proposal(PROPOSAL_ID)['notified:rejected:submitter' as never]).toBeUndefined();
  });

  it('gives the claim back when a read before the email fails, so the retry sends it, once', async () => {
    mem.seedProposal(proposal({ status: 'IN_REVIEW', contactEmail: SUBMITTER }));
    let failures = 1;
    mem.faults.push((operation) =>
      operation === 'agencies.getAgency' && failures-- > 0 ? new Error('Throttled') : undefined,
    );

    await expect(
      handler({ kind: 'received', proposalId: PROPOSAL_ID }, lambdaContext('notify')),
    ).rejects.toThrow('Throttled');
    expect(mem.emails).toEqual([]);
    await handler({ kind: 'received', proposalId: PROPOSAL_ID }, lambdaContext('notify'));
    await handler({ kind: 'received', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    expect(mem.emails.map((e) => e.to)).toEqual([[SUBMITTER]]);
    expect(mem.history(PROPOSAL_ID).map((h) => h.note)).toEqual([
      `Submitter told the proposal passed the check (${SUBMITTER})`,
    ]);
  });
});

describe('telling the result', () => {
  beforeEach(() => {
    mem.seedReviewer(reviewer('r-health-free'), reviewer('r-gov-free'));
    mem.seedTask(
      task('r-health-free', { status: 'SUBMITTED', score: 81.5, comment: 'Dampak terukur dengan baik.' }),
      task('r-gov-free', { status: 'SUBMITTED', score: 75.5 }),
      task('r-health-busy', { status: 'DECLINED' }),
    );
  });

  it('emails the submitter the score and ops a summary of the reviews', async () => {
    mem.seedProposal(proposal({ status: 'REVIEWED', contactEmail: SUBMITTER, result }));
    await handler({ kind: 'result', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    const [submitter, ops, ...more] = mem.emails;
    expect(more).toEqual([]);
    expect(submitter?.to).toEqual([SUBMITTER]);
    expect(submitter?.subject).toContain('Hasil penilaian');
    expect(submitter?.text).toContain('78,5');
    expect(ops?.to).toBe(OPS_EMAIL);
    expect(ops?.text).toContain('Dr. Wahyu');
    expect(ops?.text).toContain('Dr. Tri');
    expect(ops?.text).toContain('Dampak terukur dengan baik.');
    expect(ops?.text).not.toContain('Dr. Mira');
    expect(mem.history(PROPOSAL_ID).at(-1)?.note).toBe('Submitter and ops told the result');
  });

  it('still tells ops when the proposal has no contact email', async () => {
    mem.seedProposal(proposal({ status: 'REVIEWED', contactEmail: undefined, result }));
    await handler({ kind: 'result', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    expect(mem.emails.map((e) => e.to)).toEqual([OPS_EMAIL]);
  });

  it('refuses to send a result the proposal does not have', async () => {
    mem.seedProposal(proposal({ status: 'IN_REVIEW', contactEmail: SUBMITTER }));

    await expect(
      handler({ kind: 'result', proposalId: PROPOSAL_ID }, lambdaContext('notify')),
    ).rejects.toMatchObject({
      name: 'BadInputError',
    });
    expect(mem.emails).toEqual([]);
  });
});

/** An SES error as the SDK raises it (name, message, HTTP status). */
const sesError = (name: string, message: string, status = 400) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
const failMail = (error: Error, to?: string) =>
  mem.faults.push((operation, input) =>
    operation === 'mail.sendEmail' && (!to || [(input as { to: string | string[] }).to].flat().includes(to))
      ? error
      : undefined,
  );

describe("when SES will not take the submitter's notice", () => {
  it.each([
    ['MessageRejected', 'Email address is not verified.'],
    ['AccessDeniedException', 'User is not authorized to perform ses:SendEmail on the recipient identity'],
    ['LimitExceededException', 'Daily message quota exceeded.'],
  ])('records a %s on the proposal and lets the proposal go on', async (name, message) => {
    mem.seedProposal(proposal({ status: 'ASSIGNING', contactEmail: SUBMITTER }));
    failMail(sesError(name, message));

    await handler({ kind: 'received', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    expect(mem.emails).toEqual([]);
    expect(mem.proposal(PROPOSAL_ID).status).toBe('ASSIGNING');
    const note = mem.history(PROPOSAL_ID).at(-1)?.note ?? '';
    expect(note).toMatch(/^The submitter's notice \(received:submitter\) could not be sent: .*ops alerted$/);
    expect(note).toContain(`${name}: ${message}`);
  });

  it('leaves a passing fault to the state machine (it retries, then records it)', async () => {
    mem.seedProposal(proposal({ status: 'REJECTED', contactEmail: SUBMITTER, validation: rejection }));
    failMail(sesError('InternalFailure', 'Service unavailable', 500));

    await expect(
      handler({ kind: 'rejected', proposalId: PROPOSAL_ID }, lambdaContext('notify')),
    ).rejects.toMatchObject({ name: 'TransientError' });
  });

  it("still tells ops the result when the submitter's result email is refused", async () => {
    mem.seedReviewer(reviewer('r-health-free'));
    mem.seedTask(task('r-health-free', { status: 'SUBMITTED', score: 81.5 }));
    mem.seedProposal(proposal({ status: 'REVIEWED', contactEmail: SUBMITTER, result }));
    failMail(sesError('MessageRejected', 'Rejected'), SUBMITTER);

    await handler({ kind: 'result', proposalId: PROPOSAL_ID }, lambdaContext('notify'));

    expect(mem.emails.map((e) => e.to)).toEqual([OPS_EMAIL]);
    expect(mem.history(PROPOSAL_ID).map((h) => h.note)).toContainEqual(
      expect.stringMatching(/^The submitter's notice \(result:submitter\) could not be sent: SES rejected/),
    );
  });

  it('records a notice that kept failing after the retries, as the state machine reports it', async () => {
    mem.seedProposal(proposal({ status: 'ASSIGNING', contactEmail: SUBMITTER }));

    await handler(
      {
        kind: 'undelivered',
        notice: 'received',
        proposalId: PROPOSAL_ID,
        error: { Error: 'TransientError', Cause: '{"errorMessage":"InternalFailure"}' },
      },
      lambdaContext('notify'),
    );

    expect(mem.emails).toEqual([]);
    expect(mem.proposal(PROPOSAL_ID).status).toBe('ASSIGNING');
    expect(mem.history(PROPOSAL_ID).at(-1)?.note).toMatch(
      /^The received notice could not be sent: SES kept failing through every retry \(TransientError after the retries\); ops alerted$/,
    );
  });
});

it('refuses an unknown kind of notice', async () => {
  await expect(
    handler({ kind: 'shortlisted', proposalId: PROPOSAL_ID }, lambdaContext('notify')),
  ).rejects.toMatchObject({
    name: 'BadInputError',
  });
});
