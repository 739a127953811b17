import { randomUUID } from 'node:crypto';
import { dynamo } from './lib/adapters/aws/dynamodb';
import { getSecret } from './lib/adapters/aws/secrets';
import { deliverOnce, undeliveredNote } from './lib/adapters/mail-failures';
import { ProposalStore } from './lib/adapters/proposals';
import { releaseTaskMail, storeTaskToken } from './lib/adapters/review-tasks';
import { getReviewers } from './lib/adapters/roster';
import { requireEnv } from './lib/config';
import { BadInputError } from './lib/errors';
import { lambda, logger, metrics, withProposal } from './lib/lambda';
import { PROPOSAL_STATUSES, type ProposalStatus, type TaskInvitation } from './lib/model';
import { activeProfile } from './lib/profile-config';
import { buildReviewUrl, reviewLinkExpiry, reviewTaskEmail } from './lib/review';
import type { ProposalInfo } from './lib/review/emails/common';
import { together } from './lib/together';
import * as z from './lib/zod';

const table = requireEnv('TABLE_NAME');
const store = new ProposalStore(dynamo, table);
const secretArn = requireEnv('SIGNING_SECRET_ARN');
const baseUrl = requireEnv('REVIEW_BASE_URL');
const inputSchema = z.object({
  proposalId: z.string().check(z.minLength(1)),
  reviewerId: z.string().check(z.minLength(1)),
  taskToken: z.string().check(z.minLength(1)),
  /** The proposal's status when Assign or Reassign handed the task out (for its history line). */
  proposalStatus: z.optional(z.enum(PROPOSAL_STATUSES)),
});

/** What the email and the history line need of the proposal and the reviewer. */
interface Invitation {
  proposal: ProposalInfo & { id: string; status: ProposalStatus };
  reviewer: TaskInvitation['reviewer'];
}

/**
 * The invitation the seat was reserved with, completed with the status the state machine gave; whatever is
 * missing (a retry, a seat reserved by ops' tools, an execution started before invitations) is read.
 */
async function invitationFor(
  proposalId: string,
  reviewerId: string,
  kept: TaskInvitation | undefined,
  status: ProposalStatus | undefined,
): Promise<Invitation> {
  const [proposal, reviewer] = await together<[Invitation['proposal'], Invitation['reviewer'] | undefined]>(
    kept && status
      ? Promise.resolve({ id: proposalId, status, ...kept.proposal })
      : store.require(proposalId),
    kept
      ? Promise.resolve(kept.reviewer)
      : getReviewers(dynamo, table, [reviewerId]).then((found) => found.get(reviewerId)),
  );
  if (!reviewer) throw new BadInputError(`Reviewer ${reviewerId} is not in the roster`);
  return { proposal, reviewer };
}

/**
 * Starts one reviewer's task: keeps the task token in the table (it never leaves the backend) and emails the
 * reviewer a signed link carrying only the random review id, its expiry and an HMAC signature.
 */
export const handler = lambda(async (event: unknown): Promise<void> => {
  const parsed = inputSchema.safeParse(event);
  if (!parsed.success) throw new BadInputError(`SendReviewTask: bad input: ${parsed.error.message}`);
  const { proposalId, reviewerId, taskToken } = parsed.data;
  withProposal(proposalId);
  const profile = activeProfile();
  const claim = randomUUID();
  // The token kept (the write returns the invitation the seat was reserved with) and the signing key, at once.
  const [task, secret] = await together(
    storeTaskToken(dynamo, table, { proposalId, reviewerId }, taskToken, new Date(), claim),
    getSecret(secretArn),
  );
  if (!task) throw new BadInputError(`Review task of ${reviewerId} on ${proposalId} is not open`);
  const { proposal, reviewer } = await invitationFor(
    proposalId,
    reviewerId,
    task.invitation,
    parsed.data.proposalStatus,
  );
  const dueAt = new Date(task.dueAt);
  const expiresAt = reviewLinkExpiry(dueAt, profile.review);
  const link = buildReviewUrl(baseUrl, task.reviewId, expiresAt, secret);
  const email = reviewTaskEmail({
    profile,
    lang: reviewer.language,
    reviewerName: reviewer.name,
    proposal,
    dueAt,
    link,
    linkExpiresAt: expiresAt,
  });
  // Once per reviewer and proposal, claimed on the task with its token: a retry (e.g. after the history note
  // failed) gets a new task token, stored above, but the reviewer keeps the link already sent (it names the
  // review id, not the token). Released if SES refuses the email, so a later attempt sends it.
  const mailClaim = {
    claimNotification: async () => task.mailClaimed,
    releaseNotification: () => releaseTaskMail(dynamo, table, { proposalId, reviewerId }, claim),
  };
  const delivery = await deliverOnce(mailClaim, proposalId, `review:${reviewerId}`, {
    to: reviewer.email,
    ...email,
  });
  if (delivery.outcome === 'sent') {
    metrics.addMetric('ReviewTasksSent', 'Count', 1);
    await store.taskNote(proposal, reviewerId, `Review task sent to ${reviewerId}`);
  } else if (delivery.outcome === 'undelivered') {
    // SES refused it (rejected, sandbox, quota): the task stays open with its token, the reminders carry the same
    // link, and past its due date the sweep ends it and the execution reassigns; ops are alerted now.
    metrics.addMetric('EmailsUndelivered', 'Count', 1);
    logger.error('Review task email not delivered', { reviewerId, error: delivery.failure.reason });
    await store.taskNote(
      proposal,
      reviewerId,
      undeliveredNote(`The review task email to ${reviewerId}`, delivery.failure),
    );
  }
});
