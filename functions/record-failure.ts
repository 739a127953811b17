import { dynamo } from './lib/adapters/aws/dynamodb';
import { ProposalStore } from './lib/adapters/proposals';
import { requireEnv } from './lib/config';
import { lambda, logger, metrics, withProposal } from './lib/lambda';
import { TERMINAL_STATUSES } from './lib/model';
import * as z from './lib/zod';

const store = new ProposalStore(dynamo, requireEnv('TABLE_NAME'));
const inputSchema = z.object({
  proposalId: z.string().check(z.minLength(1)),
  error: z.looseObject({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }),
});

/** Shortens a Lambda error cause (often a JSON blob with a stack) to a sentence for people. */
function describe(error: { Error?: string; Cause?: string }): string {
  let cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    if (parsed.errorMessage) cause = parsed.errorMessage;
  } catch {
    // a plain message
  }
  return `Technical failure (${error.Error ?? 'Error'}): ${cause.slice(0, 500) || 'no details'}`;
}

/**
 * A step failed for good: record FAILED with the cause, so the upload is not lost in a half-done status.
 * A proposal that already reached a final status keeps it; the failure is added to its history.
 */
export const handler = lambda(async (event: unknown): Promise<void> => {
  const parsed = inputSchema.parse(event);
  const { proposalId, error } = parsed;
  withProposal(proposalId);
  const reason = describe(error);
  logger.error('Proposal failed', { error });
  const proposal = await store.get(proposalId);
  if (!proposal) return;
  if (TERMINAL_STATUSES.includes(proposal.status)) {
    await store.note(proposalId, reason);
    return;
  }
  await store.transition(proposalId, 'FAILED', reason, { remove: ['opsToken'] });
  metrics.addMetric('ProposalsFailed', 'Count', 1);
});
