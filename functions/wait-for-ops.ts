import { dynamo } from './lib/adapters/aws/dynamodb';
import { sendEmail } from './lib/adapters/mail';
import { ProposalStore } from './lib/adapters/proposals';
import { requireEnv } from './lib/config';
import { BadInputError } from './lib/errors';
import { lambda, logger, withProposal } from './lib/lambda';
import { activeProfile } from './lib/profile-config';
import { opsNeedsReviewersEmail } from './lib/review';
import * as z from './lib/zod';

const store = new ProposalStore(dynamo, requireEnv('TABLE_NAME'));
const opsEmail = requireEnv('OPS_EMAIL');
const inputSchema = z.object({
  proposalId: z.string().check(z.minLength(1)),
  taskToken: z.string().check(z.minLength(1)),
  gap: z.nullish(z.object({ id: z.string(), en: z.string() })),
});

/**
 * The proposal lacks reviewers: keep the execution's task token (never shown to anyone) and tell ops what is
 * missing. `proposals assign ID --reviewer R` or `proposals resume ID` answers the token and assignment runs again.
 */
export const handler = lambda(async (event: unknown): Promise<void> => {
  const parsed = inputSchema.safeParse(event);
  if (!parsed.success) throw new BadInputError(`WaitForOps: bad input: ${parsed.error.message}`);
  const { proposalId, taskToken, gap } = parsed.data;
  withProposal(proposalId);
  const profile = activeProfile();
  const proposal = await store.require(proposalId);
  await store.setFields(proposalId, { opsToken: taskToken });
  const email = opsNeedsReviewersEmail({
    profile,
    lang: profile.language,
    proposal: { ...proposal, id: proposalId },
    gap: gap ?? { id: proposal.reason, en: proposal.reason },
    needed: proposal.reviewersNeeded,
    commands: [
      `npx proposals assign ${proposalId} --reviewer <REVIEWER_ID>`,
      `npx proposals resume ${proposalId}`,
    ],
  });
  await sendEmail({ to: opsEmail, ...email });
  // The history line is not worth a second email to ops if it fails.
  await store
    .note(proposalId, 'Ops asked to find reviewers')
    .catch((error) => logger.warn('History note failed', { error }));
});
