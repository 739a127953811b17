import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from './lib/adapters/aws/dynamodb';
import { getSecret } from './lib/adapters/aws/secrets';
import { sendOnce } from './lib/adapters/mail';
import { ProposalStore } from './lib/adapters/proposals';
import { getReviewers } from './lib/adapters/roster';
import { requireEnv } from './lib/config';
import { BadInputError } from './lib/errors';
import { lambda, metrics, withProposal } from './lib/lambda';
import { keys } from './lib/model';
import { activeProfile } from './lib/profile-config';
import { buildReviewUrl, reviewLinkExpiry, reviewTaskEmail } from './lib/review';

const table = requireEnv('TABLE_NAME');
const store = new ProposalStore(dynamo, table);
const secretArn = requireEnv('SIGNING_SECRET_ARN');
const baseUrl = requireEnv('REVIEW_BASE_URL');
const inputSchema = z.object({
  proposalId: z.string().min(1),
  reviewerId: z.string().min(1),
  taskToken: z.string().min(1),
});

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
  let task: Record<string, unknown>;
  try {
    const out = await dynamo.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.review(proposalId, reviewerId),
        UpdateExpression: 'SET #token = :token, sentAt = :now',
        ConditionExpression: '#status IN (:pending, :accepted)',
        ExpressionAttributeNames: { '#token': 'token', '#status': 'status' },
        ExpressionAttributeValues: {
          ':token': taskToken,
          ':now': new Date().toISOString(),
          ':pending': 'PENDING',
          ':accepted': 'ACCEPTED',
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    task = out.Attributes ?? {};
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
      throw new BadInputError(`Review task of ${reviewerId} on ${proposalId} is not open`);
    }
    throw error;
  }
  const [proposal, reviewers, secret] = await Promise.all([
    store.require(proposalId),
    getReviewers(dynamo, table, [reviewerId]),
    getSecret(secretArn),
  ]);
  const reviewer = reviewers.get(reviewerId);
  if (!reviewer) throw new BadInputError(`Reviewer ${reviewerId} is not in the roster`);
  const dueAt = new Date(String(task.dueAt));
  const expiresAt = reviewLinkExpiry(dueAt, profile.review.graceDays);
  const link = buildReviewUrl(baseUrl, String(task.reviewId), expiresAt, secret);
  const email = reviewTaskEmail({
    profile,
    lang: reviewer.language,
    reviewerName: reviewer.name,
    proposal,
    dueAt,
    link,
    linkExpiresAt: expiresAt,
  });
  // Once per reviewer and proposal: a retry (e.g. after the history note failed) gets a new task token, which is
  // stored above, but the reviewer keeps the link already sent (it names the review id, not the token).
  if (await sendOnce(store, proposalId, `review:${reviewerId}`, { to: reviewer.email, ...email })) {
    metrics.addMetric('ReviewTasksSent', 'Count', 1);
    await store.note(proposalId, `Review task sent to ${reviewerId}`);
  }
});
