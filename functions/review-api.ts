import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SendTaskFailureCommand } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { releaseReviewer } from './lib/assignment';
import { dynamo } from './lib/aws/dynamodb';
import { s3 } from './lib/aws/s3';
import { getSecret } from './lib/aws/secrets';
import { sfn } from './lib/aws/sfn';
import { requireEnv } from './lib/config';
import { isStaleTaskToken } from './lib/errors';
import { lambda, logger, metrics, withProposal } from './lib/lambda';
import { keys, type Proposal, type ReviewTask } from './lib/model';
import { activeProfile } from './lib/profile-config';
import { ProposalStore } from './lib/proposals';
import {
  decisionFormValues,
  type ErrorKind,
  type FieldError,
  parseDecision,
  type RenderedPage,
  renderErrorPage,
  renderInvitePage,
  renderReceipt,
  renderScoreForm,
  verifyReviewLink,
  weightedScore,
} from './lib/review';
import { deliverSubmitted } from './lib/review-delivery';
import { getReviewers } from './lib/roster/store';
import type { ValidationReport } from './lib/validation/types';

const table = requireEnv('TABLE_NAME');
const bucket = requireEnv('BUCKET_NAME');
const secretArn = requireEnv('SIGNING_SECRET_ARN');
const store = new ProposalStore(dynamo, table);
const DOWNLOAD_SECONDS = 15 * 60;

type Response = APIGatewayProxyStructuredResultV2;
type StoredTask = ReviewTask & { token?: string };

const toResponse = (page: RenderedPage): Response => ({
  statusCode: page.statusCode,
  headers: page.headers,
  body: page.body,
});

function errorPage(kind: ErrorKind, lang: 'id' | 'en' = activeProfile().language): Response {
  return toResponse(renderErrorPage({ kind, lang, profile: activeProfile() }));
}

function pageProposal(proposal: Proposal) {
  const report = proposal.validation as ValidationReport | undefined;
  return {
    title: proposal.title,
    institution: proposal.institution,
    category: proposal.category,
    group: proposal.group,
    // The group's first section is its summary (Ringkasan in KIPP).
    summary: report?.sections.find((section) => section.present && section.excerpt)?.excerpt,
  };
}

/** Renders what the link shows now, from the task's status. */
async function show(
  task: StoredTask,
  proposal: Proposal,
  actionUrl: string,
  lang: 'id' | 'en',
  errors?: FieldError[],
  values?: { reason?: string; scores?: Record<string, string>; comment?: string },
): Promise<Response> {
  const profile = activeProfile();
  const common = { profile, lang, proposal: pageProposal(proposal) };
  const dueAt = new Date(task.dueAt);
  switch (task.status) {
    case 'PENDING': {
      const downloadUrl = await presign(proposal);
      return toResponse(
        renderInvitePage({ ...common, downloadUrl, dueAt, actionUrl, errors, reason: values?.reason }),
      );
    }
    case 'ACCEPTED': {
      const downloadUrl = await presign(proposal);
      return toResponse(renderScoreForm({ ...common, actionUrl, dueAt, downloadUrl, errors, values }));
    }
    case 'SUBMITTED':
      return toResponse(
        renderReceipt({
          ...common,
          decision: {
            action: 'submit',
            at: new Date(task.decidedAt ?? Date.now()),
            scores: task.scores ?? {},
            comment: task.comment,
            weightedScore: task.score,
          },
        }),
      );
    case 'DECLINED':
      return toResponse(
        renderReceipt({
          ...common,
          decision: {
            action: 'decline',
            at: new Date(task.decidedAt ?? Date.now()),
            reason: task.declineReason ?? '',
          },
        }),
      );
    default:
      return errorPage('closed', lang);
  }
}

async function presign(proposal: Proposal): Promise<string> {
  return getSignedUrl(
    s3,
    new GetObjectCommand({ Bucket: bucket, Key: proposal.key, VersionId: proposal.versionId }),
    { expiresIn: DOWNLOAD_SECONDS },
  );
}

const seeOther = (location: string): Response => ({
  statusCode: 303,
  headers: { location, 'cache-control': 'no-store' },
  body: '',
});

/** Applies a decision once: a conditional update of the task, then the task token is answered. */
async function decide(
  event: APIGatewayProxyEventV2,
  task: StoredTask,
  proposal: Proposal,
  actionUrl: string,
  lang: 'id' | 'en',
): Promise<Response> {
  const profile = activeProfile();
  const body =
    event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const parsed = parseDecision(body, event.headers['content-type'], profile);
  if (!parsed.ok) {
    return show(
      task,
      proposal,
      actionUrl,
      lang,
      parsed.errors,
      decisionFormValues(body, event.headers['content-type']),
    );
  }
  const { decision } = parsed;
  const now = new Date().toISOString();
  const where = { proposalId: task.proposalId, reviewerId: task.reviewerId };
  if (decision.action === 'accept') {
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.review(task.proposalId, task.reviewerId),
          UpdateExpression: 'SET #status = :accepted, acceptedAt = :now',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':accepted': 'ACCEPTED', ':pending': 'PENDING', ':now': now },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return errorPage('used', lang);
    }
    await historyNote(task.proposalId, `${task.reviewerId} accepted the review task`);
    return seeOther(actionUrl);
  }
  if (decision.action === 'decline') {
    if (!task.token || (task.status !== 'PENDING' && task.status !== 'ACCEPTED'))
      return errorPage('used', lang);
    // Answer the execution first: if Step Functions cannot be reached, nothing has changed and the reviewer can
    // simply try again. The Reassign step then frees the seat; the release here records the reason.
    const token = task.token;
    const outcome = await answer(
      () =>
        sfn.send(
          new SendTaskFailureCommand({
            taskToken: token,
            error: 'ReviewDeclined',
            cause: decision.reason.slice(0, 256),
          }),
        ),
      where,
    );
    if (outcome === 'stale') return errorPage('used', lang);
    const { released } = await releaseReviewer(dynamo, table, task.proposalId, task.reviewerId, 'DECLINED', {
      declineReason: decision.reason,
    });
    if (!released) await recordDeclineReason(task, decision.reason);
    metrics.addMetric('ReviewTasksDeclined', 'Count', 1);
    return seeOther(actionUrl);
  }
  const score = weightedScore(decision.scores, profile);
  try {
    // The token stays until the execution has the answer (see deliverSubmitted), so a failed delivery is retried
    // by the reviewer's next request or by the hourly sweep instead of being lost.
    await dynamo.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.review(task.proposalId, task.reviewerId),
        UpdateExpression:
          'SET #status = :submitted, scores = :scores, score = :score, #comment = :comment, decidedAt = :now',
        ConditionExpression: '#status IN (:pending, :accepted)',
        ExpressionAttributeNames: { '#status': 'status', '#comment': 'comment' },
        ExpressionAttributeValues: {
          ':submitted': 'SUBMITTED',
          ':scores': decision.scores,
          ':score': score,
          ':comment': decision.comment,
          ':now': now,
          ':pending': 'PENDING',
          ':accepted': 'ACCEPTED',
        },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    return errorPage('used', lang);
  }
  metrics.addMetric('ReviewTasksCompleted', 'Count', 1);
  // The review is saved; if Step Functions cannot be reached now, the next visit or the hourly sweep delivers it.
  await deliverSubmitted({ ...task, status: 'SUBMITTED', score }).catch((error) =>
    logger.warn('Delivery of the review deferred', { error, proposalId: task.proposalId }),
  );
  await historyNote(task.proposalId, `${task.reviewerId} submitted a review (score ${score})`);
  return seeOther(actionUrl);
}

/** The decline reason, when the Reassign step released the seat first (it does not know the reason). */
async function recordDeclineReason(task: StoredTask, reason: string): Promise<void> {
  await dynamo
    .send(
      new UpdateCommand({
        TableName: table,
        Key: keys.review(task.proposalId, task.reviewerId),
        UpdateExpression: 'SET declineReason = if_not_exists(declineReason, :reason)',
        ConditionExpression: '#status = :declined',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':reason': reason, ':declined': 'DECLINED' },
      }),
    )
    .catch((error) => logger.warn('Decline reason not recorded', { error }));
}

/** A history line is worth less than the reviewer's answer: its failure is logged, not shown. */
async function historyNote(proposalId: string, note: string): Promise<void> {
  await store.note(proposalId, note).catch((error) => logger.warn('History note failed', { error, note }));
}

/** Answers the execution; a token the execution no longer waits on (it moved on or timed out) is `stale`. */
async function answer(
  send: () => Promise<unknown>,
  where: Record<string, string>,
): Promise<'delivered' | 'stale'> {
  try {
    await send();
    return 'delivered';
  } catch (error) {
    if (!isStaleTaskToken(error)) throw error;
    logger.warn('The execution no longer waits for this task', { ...where, error: (error as Error).name });
    return 'stale';
  }
}

/** GET shows the task; POST applies a decision. The signed query string is the reviewer's only credential. */
export const handler = lambda(async (event: APIGatewayProxyEventV2): Promise<Response> => {
  const method = event.requestContext.http.method;
  if (method !== 'GET' && method !== 'POST') return errorPage('method');
  const verified = verifyReviewLink(
    event.queryStringParameters ?? {},
    await getSecret(secretArn),
    new Date(),
  );
  if (!verified.ok) return errorPage(verified.reason);
  const task = await store.taskByReviewId(verified.reviewId);
  if (!task) return errorPage('not-found');
  withProposal(task.proposalId);
  const [proposal, reviewers] = await Promise.all([
    store.require(task.proposalId),
    getReviewers(dynamo, table, [task.reviewerId]),
  ]);
  const lang = reviewers.get(task.reviewerId)?.language ?? activeProfile().language;
  const actionUrl = `?${event.rawQueryString}`;
  // A submitted review whose delivery failed earlier: deliver it now (idempotent).
  if (task.status === 'SUBMITTED' && task.token) {
    await deliverSubmitted(task).catch((error) => logger.warn('Delivery of the review deferred', { error }));
  }
  if (method === 'GET') return show(task, proposal, actionUrl, lang);
  return decide(event, task, proposal, actionUrl, lang);
});
