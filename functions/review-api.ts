/**
 * The review endpoint: a thin adapter over the pure review flow (functions/lib/review/flow.ts). It supplies the
 * flow's ports (the task by review id, a presigned download, recording a decision) and maps the page the flow
 * returns to an API Gateway response. A fault of AWS shows the reviewer the "try again" page, not a bare 500.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dynamo } from './lib/adapters/aws/dynamodb';
import { getSecretVersions } from './lib/adapters/aws/secrets';
import { awaitsDelivery, deliverDecision } from './lib/adapters/executions';
import { ProposalStore } from './lib/adapters/proposals';
import {
  acceptTask,
  findTaskByReviewId,
  releaseReviewer,
  submitReview,
  type TaskWithToken,
} from './lib/adapters/review-tasks';
import { getReviewers } from './lib/adapters/roster';
import { downloadUrl } from './lib/adapters/storage';
import { requireEnv } from './lib/config';
import { lambda, logger, metrics, withProposal } from './lib/lambda';
import type { Proposal } from './lib/model';
import { activeProfile } from './lib/profile-config';
import {
  handleReviewRequest,
  type RecordedDecision,
  type RenderedPage,
  type ReviewPorts,
  type ReviewTaskView,
  renderErrorPage,
} from './lib/review';
import { downloadHeaders } from './lib/review/download';
import type { ValidationReport } from './lib/validation/types';

const table = requireEnv('TABLE_NAME');
const bucket = requireEnv('BUCKET_NAME');
const secretArn = requireEnv('SIGNING_SECRET_ARN');
const store = new ProposalStore(dynamo, table);
const DOWNLOAD_SECONDS = 15 * 60;

type StoredTask = TaskWithToken;
/** The flow's view of a task, with what the adapter needs to act on it (never rendered). */
type View = ReviewTaskView & { stored: StoredTask; item: Proposal };

/** The page fields of a proposal; the group's first section is its summary (Ringkasan in KIPP). */
function pageProposal(proposal: Proposal): View['proposal'] {
  const report = proposal.validation as ValidationReport | undefined;
  return {
    title: proposal.title,
    institution: proposal.institution,
    category: proposal.category,
    group: proposal.group,
    status: proposal.status,
    summary: report?.sections.find((section) => section.present && section.excerpt)?.excerpt,
  };
}

/** Tells the execution of a recorded decision; when it cannot be reached now, the next visit or sweep does. */
async function deliver(task: StoredTask): Promise<void> {
  await deliverDecision(task).catch((error: unknown) =>
    logger.warn('Delivery of the decision deferred', { error, proposalId: task.proposalId }),
  );
}

/** A history line is worth less than the reviewer's answer: its failure is logged, not shown. */
async function historyNote(proposalId: string, note: string): Promise<void> {
  await store.note(proposalId, note).catch((error) => logger.warn('History note failed', { error, note }));
}

/**
 * Records a decision once (a conditional write: whoever wins owns the transition, its history line and its
 * metric), then tells the waiting execution. The token stays until the execution has the answer, so a failed
 * delivery is retried by the reviewer's next visit or by the hourly sweep instead of being lost.
 */
async function record(view: View, decision: RecordedDecision): Promise<'recorded' | 'conflict'> {
  const task = view.stored;
  const at = decision.at.toISOString();
  switch (decision.action) {
    case 'accept': {
      if (!(await acceptTask(dynamo, table, task, decision.at))) return 'conflict';
      await historyNote(task.proposalId, `${task.reviewerId} accepted the review task`);
      return 'recorded';
    }
    case 'decline': {
      // Without a token the execution has not handed the task out yet: nothing could tell it of a decline.
      if (!task.token) return 'conflict';
      const { released } = await releaseReviewer(
        dynamo,
        table,
        task.proposalId,
        task.reviewerId,
        'DECLINED',
        {
          at: decision.at,
          declineReason: decision.reason,
          executionWaits: true,
          note: { text: `${task.reviewerId} declined the review task`, proposalStatus: view.item.status },
        },
      );
      if (!released) return 'conflict';
      metrics.addMetric('ReviewTasksDeclined', 'Count', 1);
      await deliver({ ...task, status: 'DECLINED', declineReason: decision.reason, decidedAt: at });
      return 'recorded';
    }
    case 'submit': {
      const score = decision.score ?? 0;
      const review = { scores: decision.scores, score, comment: decision.comment, at: decision.at };
      if (!(await submitReview(dynamo, table, task, review))) return 'conflict';
      metrics.addMetric('ReviewTasksCompleted', 'Count', 1);
      await deliver({ ...task, status: 'SUBMITTED', score });
      await historyNote(task.proposalId, `${task.reviewerId} submitted a review (score ${score})`);
      return 'recorded';
    }
  }
}

const ports: ReviewPorts<View> = {
  async find(reviewId) {
    const stored = await findTaskByReviewId(dynamo, table, reviewId);
    if (!stored) return undefined;
    withProposal(stored.proposalId);
    const [item, reviewers] = await Promise.all([
      store.require(stored.proposalId),
      getReviewers(dynamo, table, [stored.reviewerId]),
    ]);
    // A decision whose delivery failed earlier: deliver it now (idempotent).
    if (awaitsDelivery(stored)) await deliver(stored);
    const { token: _secret, ...task } = stored;
    return {
      task,
      proposal: pageProposal(item),
      reviewerLanguage: reviewers.get(stored.reviewerId)?.language,
      stored,
      item,
    };
  },
  downloadUrl: ({ item }) =>
    downloadUrl(
      { bucket, key: item.key, versionId: item.versionId },
      DOWNLOAD_SECONDS,
      downloadHeaders((item.validation as ValidationReport | undefined)?.format, item.id),
    ),
  record,
};

const toResponse = (page: RenderedPage): APIGatewayProxyStructuredResultV2 => ({
  statusCode: page.statusCode,
  headers: page.headers,
  body: page.body,
});

/** GET shows the task; POST applies a decision. The signed query string is the reviewer's only credential. */
export const handler = lambda(
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const profile = activeProfile();
    const body =
      event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    try {
      const page = await handleReviewRequest(
        {
          method: event.requestContext.http.method,
          query: event.queryStringParameters ?? {},
          body,
          contentType: event.headers['content-type'],
          acceptLanguage: event.headers['accept-language'],
        },
        { profile, secrets: await getSecretVersions(secretArn), now: new Date(), ports },
      );
      return toResponse(page);
    } catch (error) {
      logger.error('The review request failed', { error });
      return toResponse(renderErrorPage({ kind: 'unavailable', lang: profile.language, profile }));
    }
  },
);
