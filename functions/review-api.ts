import { GetObjectCommand } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { releaseReviewer } from './lib/assignment';
import { dynamo } from './lib/aws/dynamodb';
import { s3 } from './lib/aws/s3';
import { getSecret } from './lib/aws/secrets';
import { requireEnv } from './lib/config';
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
import { awaitsDelivery, deliverDecision } from './lib/review-delivery';
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
    // The decline is recorded first (task closed with its reason, seat freed, history line: one transaction), so
    // it happens once whatever the execution does next; then the execution is told, now or by the next visit or
    // sweep when Step Functions cannot be reached.
    const { released } = await releaseReviewer(dynamo, table, task.proposalId, task.reviewerId, 'DECLINED', {
      declineReason: decision.reason,
      executionWaits: true,
      note: { text: `${task.reviewerId} declined the review task`, proposalStatus: proposal.status },
    });
    if (!released) return errorPage('used', lang);
    metrics.addMetric('ReviewTasksDeclined', 'Count', 1);
    await deliver({ ...task, status: 'DECLINED', declineReason: decision.reason });
    return seeOther(actionUrl);
  }
  const score = weightedScore(decision.scores, profile);
  try {
    // The token stays until the execution has the answer (see deliverDecision), so a failed delivery is retried
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
  await deliver({ ...task, status: 'SUBMITTED', score });
  await historyNote(task.proposalId, `${task.reviewerId} submitted a review (score ${score})`);
  return seeOther(actionUrl);
}

/** A history line is worth less than the reviewer's answer: its failure is logged, not shown. */
async function historyNote(proposalId: string, note: string): Promise<void> {
  await store.note(proposalId, note).catch((error) => logger.warn('History note failed', { error, note }));
}

/** Tells the execution of a recorded decision; when it cannot be reached now, the next visit or sweep does. */
async function deliver(task: StoredTask): Promise<void> {
  await deliverDecision(task).catch((error: unknown) =>
    logger.warn('Delivery of the decision deferred', { error, proposalId: task.proposalId }),
  );
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
  // A decision whose delivery failed earlier: deliver it now (idempotent).
  if (awaitsDelivery(task)) await deliver(task);
  if (method === 'GET') return show(task, proposal, actionUrl, lang);
  return decide(event, task, proposal, actionUrl, lang);
});
