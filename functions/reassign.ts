import { dynamo } from './lib/adapters/aws/dynamodb';
import { sendEmail } from './lib/adapters/mail';
import { deliverOnce, undeliveredNote } from './lib/adapters/mail-failures';
import { ProposalStore } from './lib/adapters/proposals';
import { assignmentPorts, readProposalTasks, releaseReviewer } from './lib/adapters/review-tasks';
import { getReviewers } from './lib/adapters/roster';
import {
  assignmentSubject,
  planReassignment,
  ReviewerUnavailableError,
  reserveReviewer,
} from './lib/assignment';
import { requireEnv } from './lib/config';
import { ROUTED_ERRORS } from './lib/contract';
import { BadInputError } from './lib/errors';
import { lambda, logger, metrics, withProposal } from './lib/lambda';
import type { Proposal, ProposalStatus, ReviewTask } from './lib/model';
import { activeProfile } from './lib/profile-config';
import { opsNeedsReviewersEmail, reviewTaskWithdrawnEmail } from './lib/review';
import * as z from './lib/zod';

const table = requireEnv('TABLE_NAME');
const store = new ProposalStore(dynamo, table);
const opsEmail = requireEnv('OPS_EMAIL');
const inputSchema = z.object({
  proposalId: z.string().check(z.minLength(1)),
  reviewerId: z.string().check(z.minLength(1)),
  error: z.object({ Error: z.string(), Cause: z.optional(z.string()) }),
});

/** The seat's next reviewer, if any, and the proposal's status for the history line of their task. */
export interface ReassignOutput {
  proposalId: string;
  reviewerId?: string;
  proposalStatus?: ProposalStatus;
}

/**
 * A reviewer declined or ran out of time: free their seat (idempotent), then reserve the next alternate.
 * Attempts are bounded by the profile; when no one is left, ops are told and the branch ends unfilled.
 */
export const handler = lambda(async (event: unknown): Promise<ReassignOutput> => {
  const parsed = inputSchema.safeParse(event);
  if (!parsed.success) throw new BadInputError(`Reassign: bad input: ${parsed.error.message}`);
  const { proposalId, reviewerId, error } = parsed.data;
  withProposal(proposalId);
  const declined = error.Error === ROUTED_ERRORS.reviewDeclined;
  const proposal = await store.require(proposalId);
  const tasks = await readProposalTasks(dynamo, table, proposalId);
  if (error.Error === ROUTED_ERRORS.reviewMoved) {
    // A batch re-plan (`proposals plan --live --apply`) closed this task and reserved its seat for another
    // reviewer in one transaction; the released reviewer is told once, and the planned one takes the seat.
    const movedTo = tasks.find((t) => t.reviewerId === reviewerId)?.movedTo;
    await tellReleasedReviewer(proposal, reviewerId);
    return reassignSeat(proposal, tasks, reviewerId, movedTo);
  }
  // The review page and the sweep record a decline or a timeout before telling the execution, so here the
  // task is usually closed already and this release changes nothing. Only when the execution's own safety-net
  // timeout ended the task does this step close it, and then it owns the transition's history line and metric.
  const { released } = await releaseReviewer(
    dynamo,
    table,
    proposalId,
    reviewerId,
    declined ? 'DECLINED' : 'TIMED_OUT',
    {
      note: {
        text: `${reviewerId} did not answer before the review task's time limit; task timed out`,
        proposalStatus: proposal.status,
      },
    },
  );
  if (released) metrics.addMetric(declined ? 'ReviewTasksDeclined' : 'ReviewTasksTimedOut', 'Count', 1);
  await store.note(
    proposalId,
    `${reviewerId} ${declined ? 'declined' : 'did not answer in time'}; looking for a replacement`,
  );
  return reassignSeat(proposal, tasks, reviewerId);
});

/** Reserves the seat for the planned reviewer (a moved task) or the next alternate; tells ops when none is left. */
async function reassignSeat(
  proposal: Proposal,
  tasks: ReviewTask[],
  leaving: string,
  movedTo?: string,
): Promise<ReassignOutput> {
  const profile = activeProfile();
  const proposalId = proposal.id;
  const plan = planReassignment(
    {
      tasks,
      alternates: proposal.alternates ?? [],
      reviewersNeeded: proposal.reviewersNeeded ?? profile.review.reviewersPerProposal,
      leaving,
      movedTo,
    },
    profile,
  );
  const subject = assignmentSubject(proposal);
  for (const candidate of plan.candidates) {
    if (!subject) break;
    try {
      // The planned reviewer's task is already reserved: this returns it as it is.
      await reserveReviewer(
        assignmentPorts(dynamo, table, proposal),
        subject,
        candidate,
        profile,
        new Date(),
        plan.attempt,
      );
      if (candidate !== movedTo) await store.note(proposalId, `Reassigned to ${candidate}`);
      return { proposalId, reviewerId: candidate, proposalStatus: proposal.status };
    } catch (err) {
      if (!(err instanceof ReviewerUnavailableError)) throw err;
      logger.info('Alternate unavailable', { candidate, reason: err.message });
    }
  }
  const { gap } = plan;
  const email = opsNeedsReviewersEmail({ profile, lang: profile.language, proposal, gap });
  await sendEmail({ to: opsEmail, ...email });
  await store.note(proposalId, gap.en);
  return { proposalId };
}

/** Tells a reviewer whose task a re-plan moved that nothing more is asked of them (once per proposal). */
async function tellReleasedReviewer(proposal: Proposal, reviewerId: string): Promise<void> {
  const profile = activeProfile();
  const reviewer = (await getReviewers(dynamo, table, [reviewerId])).get(reviewerId);
  if (!reviewer) return;
  const email = reviewTaskWithdrawnEmail({
    profile,
    lang: reviewer.language,
    reviewerName: reviewer.name,
    proposal,
  });
  const delivery = await deliverOnce(store, proposal.id, `moved:${reviewerId}`, {
    to: reviewer.email,
    ...email,
  });
  if (delivery.outcome === 'sent') await store.note(proposal.id, `${reviewerId} told the task was moved`);
  else if (delivery.outcome === 'undelivered') {
    metrics.addMetric('EmailsUndelivered', 'Count', 1);
    await store.note(proposal.id, undeliveredNote(`The notice to ${reviewerId}`, delivery.failure));
  }
}
