import { getAgency } from './lib/adapters/agencies';
import { dynamo } from './lib/adapters/aws/dynamodb';
import { sendOnce } from './lib/adapters/mail';
import { deliverOnce, undeliveredNote } from './lib/adapters/mail-failures';
import { ProposalStore } from './lib/adapters/proposals';
import { readProposalTasks } from './lib/adapters/review-tasks';
import { getReviewers } from './lib/adapters/roster';
import { requireEnv } from './lib/config';
import { BadInputError } from './lib/errors';
import { lambda, logger, metrics, withProposal } from './lib/lambda';
import type { Proposal } from './lib/model';
import { activeProfile } from './lib/profile-config';
import {
  opsReviewedEmail,
  submitterReceivedEmail,
  submitterRejectedEmail,
  submitterResultEmail,
} from './lib/review';
import { submitterRecipients } from './lib/review/emails/recipients';
import type { ValidationReport } from './lib/validation/types';
import * as z from './lib/zod';

const table = requireEnv('TABLE_NAME');
const store = new ProposalStore(dynamo, table);
const opsEmail = requireEnv('OPS_EMAIL');
const inputSchema = z.object({
  kind: z.enum(['received', 'rejected', 'result']),
  proposalId: z.string().check(z.minLength(1)),
});
/** The state machine's word that a notice kept failing on a passing fault after its retries (the Catch's error). */
const undeliveredSchema = z.object({
  kind: z.literal('undelivered'),
  notice: z.enum(['received', 'rejected', 'result']),
  proposalId: z.string().check(z.minLength(1)),
  error: z.looseObject({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }),
});

/**
 * A submitter's notice that SES would not take is recorded on the proposal and reported to ops (metric
 * `EmailsUndelivered`, alarmed to ops through SNS; an error log line): the proposal carries on.
 */
async function submitterNotice(
  proposal: Proposal,
  key: string,
  email: Parameters<typeof sendOnce>[3],
  told?: string,
  claim: Parameters<typeof deliverOnce>[0] = store,
): Promise<void> {
  const delivery = await deliverOnce(claim, proposal.id, key, email);
  if (delivery.outcome === 'sent') {
    if (told) await store.noticeNote(proposal, key, told);
  } else if (delivery.outcome === 'undelivered') {
    metrics.addMetric('EmailsUndelivered', 'Count', 1);
    logger.error('Submitter notice not delivered', { notice: key, error: delivery.failure.reason });
    await store.noticeNote(
      proposal,
      key,
      undeliveredNote(`The submitter's notice (${key})`, delivery.failure),
    );
  }
}

/** Notices go to the agency's registered contacts, never to an Email the document names (when registered). */
async function contactsOf(proposal: Proposal): Promise<string[]> {
  return submitterRecipients(proposal.contactEmail, await getAgency(dynamo, table, proposal.agency));
}

/**
 * The submitter's notice right after the check: received and going to review, or rejected with what to fix.
 * Its claim (once per proposal and notice) is the first write and reads the proposal; the claim is given back
 * when nothing is sent after all (no contact, or a failure before SES took the email).
 */
async function uploadNotice(kind: 'received' | 'rejected', proposalId: string): Promise<void> {
  const key = `${kind}:submitter`;
  const { proposal, claimed } = await store.claimNotificationReading(proposalId, key);
  const release = () => store.releaseNotification(proposalId, key);
  const profile = activeProfile();
  let contacts: string[];
  let email: ReturnType<typeof submitterReceivedEmail>;
  try {
    contacts = await contactsOf(proposal);
    const info = { ...proposal, id: proposalId };
    const lang = profile.language;
    email =
      kind === 'received'
        ? submitterReceivedEmail({
            profile,
            lang,
            proposal: info,
            receivedAt: new Date(proposal.receivedAt),
            fileName: proposal.key.split('/').pop(),
          })
        : submitterRejectedEmail({
            profile,
            lang,
            proposal: info,
            issues: (proposal.validation as ValidationReport | undefined)?.issues ?? [],
          });
  } catch (error) {
    if (claimed) await release();
    throw error;
  }
  if (contacts.length === 0) {
    if (claimed) await release();
    if (kind === 'rejected') {
      await store.noticeNote(
        proposal,
        key,
        'No valid contact email in the proposal: the submitter could not be told',
      );
    }
    return;
  }
  const told =
    kind === 'received'
      ? `Submitter told the proposal passed the check (${contacts.join(', ')})`
      : `Submitter told what to fix (${contacts.join(', ')})`;
  await submitterNotice(proposal, key, { to: contacts, ...email }, told, {
    claimNotification: async () => claimed,
    releaseNotification: release,
  });
}

/**
 * Tells the submitter where the proposal stands (received and going to review, rejected with what to fix, or the
 * result) and ops the reviewed summary.
 */
export const handler = lambda(async (event: unknown): Promise<void> => {
  const undelivered = undeliveredSchema.safeParse(event);
  if (undelivered.success) {
    const { notice, proposalId, error } = undelivered.data;
    withProposal(proposalId);
    metrics.addMetric('EmailsUndelivered', 'Count', 1);
    logger.error('Notice not delivered after retries', { notice, error: error.Error });
    const reason = `${error.Error ?? 'Error'} after the retries`;
    await store.note(
      proposalId,
      undeliveredNote(`The ${notice} notice`, { kind: 'transient', code: error.Error ?? 'Error', reason }),
    );
    return;
  }
  const parsed = inputSchema.safeParse(event);
  if (!parsed.success) throw new BadInputError(`Notify: bad input: ${parsed.error.message}`);
  const { kind, proposalId } = parsed.data;
  withProposal(proposalId);
  if (kind !== 'result') return uploadNotice(kind, proposalId);
  const profile = activeProfile();
  const proposal = await store.require(proposalId);
  const contacts = await contactsOf(proposal);
  const info = { ...proposal, id: proposalId };
  const lang = profile.language;

  if (!proposal.result) throw new BadInputError(`Proposal ${proposalId} has no result to send`);
  if (contacts.length > 0) {
    const email = submitterResultEmail({
      profile,
      lang,
      proposal: info,
      result: proposal.result,
      status: proposal.status,
    });
    await submitterNotice(proposal, 'result:submitter', { to: contacts, ...email });
  } else {
    logger.warn('No contact email; submitter not told');
  }
  const tasks = (await readProposalTasks(dynamo, table, proposalId)).filter((t) => t.status === 'SUBMITTED');
  const names = await getReviewers(
    dynamo,
    table,
    tasks.map((t) => t.reviewerId),
  );
  const email = opsReviewedEmail({
    profile,
    lang,
    proposal: info,
    result: proposal.result,
    reviews: tasks.map((t) => ({
      reviewerName: names.get(t.reviewerId)?.name ?? t.reviewerId,
      score: t.score ?? 0,
      comment: t.comment,
    })),
  });
  await sendOnce(store, proposalId, 'result:ops', { to: opsEmail, ...email });
  await store.note(proposalId, 'Submitter and ops told the result', proposal);
});
