import { dynamo } from './lib/adapters/aws/dynamodb';
import { ProposalStore } from './lib/adapters/proposals';
import { assignmentPorts } from './lib/adapters/review-tasks';
import { RosterReader } from './lib/adapters/roster';
import { assignmentSubject, assignReviewers, describeExplanation } from './lib/assignment';
import { requireEnv } from './lib/config';
import { BadInputError } from './lib/errors';
import { lambda, logger, metrics, withProposal } from './lib/lambda';
import type { ProposalStatus } from './lib/model';
import { activeProfile } from './lib/profile-config';
import * as z from './lib/zod';

const table = requireEnv('TABLE_NAME');
const store = new ProposalStore(dynamo, table);
/** The roster as this sandbox last read it: each call lists loads and revisions, not every reviewer's profile. */
const rosterReader = new RosterReader(dynamo, table);
const inputSchema = z.object({ proposalId: z.string().check(z.minLength(1)) });

export interface AssignOutput {
  complete: boolean;
  /**
   * Tasks to send now (new seats); each becomes one branch of the review-task Map, with the status the proposal
   * is in when it is handed out (for its history line).
   */
  tasks: Array<{ proposalId: string; reviewerId: string; proposalStatus: ProposalStatus }>;
  missing: number;
  gap?: { id: string; en: string };
}

/** Reserves the proposal's reviewers; NEEDS_REVIEWERS with the gap when the roster cannot fill every seat. */
export const handler = lambda(async (event: unknown): Promise<AssignOutput> => {
  const parsed = inputSchema.safeParse(event);
  if (!parsed.success) throw new BadInputError(`AssignReviewers: bad input: ${parsed.error.message}`);
  const { proposalId } = parsed.data;
  withProposal(proposalId);
  const profile = activeProfile();
  const proposal = await store.transition(proposalId, 'ASSIGNING', 'Choosing reviewers', {
    from: ['VALIDATING', 'ASSIGNING', 'NEEDS_REVIEWERS', 'IN_REVIEW'],
  });
  const subject = assignmentSubject(proposal);
  if (!subject) {
    throw new BadInputError(`Proposal ${proposalId} has no institution or category; it cannot be assigned`);
  }
  // Each new seat carries what its email shows (the proposal's facts, the reviewer's name and address).
  const ports = assignmentPorts(dynamo, table, proposal, rosterReader);
  const result = await assignReviewers(ports, subject, profile, new Date());
  // Only tasks not sent yet (no task token stored): on a later round the others are done or already waiting.
  const proposalStatus: ProposalStatus = result.missing > 0 ? 'NEEDS_REVIEWERS' : 'IN_REVIEW';
  const toSend = result.unsent.map((reviewerId) => ({ proposalId, reviewerId, proposalStatus }));
  logger.info('Assignment', {
    assigned: result.tasks.length,
    toSend: toSend.length,
    missing: result.missing,
    ...result.stats,
  });
  // Why each reviewer was chosen (expertise, load, conflicts checked, who was passed over): in the history
  // (`proposals status`) and, when seats stay empty, in the gap ops are emailed.
  const why = describeExplanation(result.explanation);
  if (result.missing > 0) {
    const missingGap = result.gap ?? { id: 'Penelaah tidak cukup', en: 'Not enough reviewers' };
    const gap = { id: `${missingGap.id} ${why.id}`, en: `${missingGap.en} ${why.en}` };
    await store.transition(proposalId, 'NEEDS_REVIEWERS', gap.en, {
      from: ['ASSIGNING'],
      current: proposal,
      fields: { alternates: result.alternates, reviewersNeeded: profile.review.reviewersPerProposal },
    });
    return { complete: false, tasks: toSend, missing: result.missing, gap };
  }
  await store.transition(
    proposalId,
    'IN_REVIEW',
    `${result.tasks.length} reviewer(s) assigned: ${result.tasks.map((t) => t.reviewerId).join(', ')}` +
      (result.expertiseMissing ? ' (no reviewer with the expertise was free; seats filled anyway)' : '') +
      `. ${why.en}`,
    {
      from: ['ASSIGNING'],
      fields: { alternates: result.alternates, reviewersNeeded: profile.review.reviewersPerProposal },
      current: proposal,
    },
  );
  metrics.addMetric('ReviewTasksAssigned', 'Count', toSend.length);
  return { complete: true, tasks: toSend, missing: 0 };
});
