import { dynamo } from './lib/adapters/aws/dynamodb';
import { ProposalStore } from './lib/adapters/proposals';
import { readProposalTasks } from './lib/adapters/review-tasks';
import { requireEnv } from './lib/config';
import { BadInputError } from './lib/errors';
import { lambda, metrics, withProposal } from './lib/lambda';
import { activeProfile } from './lib/profile-config';
import { reviewOutcome } from './lib/review';
import * as z from './lib/zod';

const table = requireEnv('TABLE_NAME');
const store = new ProposalStore(dynamo, table);
const inputSchema = z.object({ proposalId: z.string().check(z.minLength(1)) });

/**
 * Combines the submitted reviews (read from the table, the source of truth) into the result. With fewer than
 * the profile's minimum, `enough: false` sends the proposal back to assignment for the missing seats.
 */
export const handler = lambda(async (event: unknown) => {
  const parsed = inputSchema.safeParse(event);
  if (!parsed.success) throw new BadInputError(`Aggregate: bad input: ${parsed.error.message}`);
  const { proposalId } = parsed.data;
  withProposal(proposalId);
  const profile = activeProfile();
  const outcome = reviewOutcome(await readProposalTasks(dynamo, table, proposalId), profile);
  if (!outcome.enough) {
    await store.note(
      proposalId,
      `${outcome.reviews} review(s) in, ${outcome.needed} needed; assigning more reviewers`,
    );
    return { enough: false, reviews: outcome.reviews };
  }
  const { result } = outcome;
  const summary = `Reviewed: score ${result.score} from ${result.reviews} review(s)${result.disagreement ? `, reviewers disagree (spread ${result.spread})` : ''}`;
  await store.transition(proposalId, 'REVIEWED', summary, {
    from: ['IN_REVIEW', 'ASSIGNING', 'NEEDS_REVIEWERS'],
    fields: {
      result: {
        score: result.score,
        mean: result.mean,
        spread: result.spread,
        reviews: result.reviews,
        disagreement: result.disagreement,
      },
    },
    remove: ['opsToken'],
  });
  metrics.addMetric('ProposalsReviewed', 'Count', 1);
  return { enough: true, ...result };
});
