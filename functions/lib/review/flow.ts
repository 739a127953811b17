/**
 * What the review HTTP endpoint does with one request, as a pure function of the request, the task's
 * state and two ports (read the task, record a decision). The Lambda adapter supplies the ports
 * (DynamoDB lookup by review id, conditional update, SendTaskSuccess / SendTaskFailure) and maps the
 * returned page to an API Gateway response.
 *
 * | task status            | GET                    | POST accept        | POST decline     | POST submit        |
 * |------------------------|------------------------|--------------------|------------------|--------------------|
 * | PENDING                | invitation             | record, 303        | record, 303      | record, 303        |
 * | ACCEPTED               | score form             | score form (again) | record, 303      | record, 303        |
 * | SUBMITTED / DECLINED   | receipt of the answer  | "already answered" (409)                                  |
 * | TIMED_OUT / REASSIGNED | "closed" (410)         | "closed" (410)                                            |
 * A recorded decision answers 303 to the same link (Post/Redirect/Get), which then shows the score form or the
 * receipt. A proposal no longer IN_REVIEW closes its open tasks too. A submit from PENDING accepts and scores at
 * once. A record that loses a race (the port answers `conflict`) is reported as already answered.
 */
import { isLang, type Lang, resolveLang } from '../i18n';
import type { ProposalStatus, ReviewStatus } from '../model';
import { type Decision, decisionFormValues, parseDecision } from './form';
import {
  type PageProposal,
  type RenderedPage,
  renderErrorPage,
  renderInvitePage,
  renderReceipt,
  renderScoreForm,
} from './page';
import type { ReviewProfile } from './profile';
import { weightedScore } from './scores';
import { verifyReviewLink } from './signing';

/** The task as the endpoint needs it (a stored ReviewTask is assignable to `task`). */
export interface ReviewTaskView {
  task: {
    reviewId: string;
    status: ReviewStatus;
    dueAt: string;
    decidedAt?: string;
    scores?: Record<string, number>;
    score?: number;
    comment?: string;
    declineReason?: string;
  };
  proposal: PageProposal & { status?: ProposalStatus };
  /** The reviewer's stored language preference. */
  reviewerLanguage?: Lang;
}

/** A decision to record, with its time and (for scores) the weighted score. */
export type RecordedDecision = Decision & { at: Date; score?: number };

/** What the flow needs of the outside world; `V` lets an adapter carry its own data along with the view. */
export interface ReviewPorts<V extends ReviewTaskView = ReviewTaskView> {
  /** The task carrying this review id, or undefined. */
  find(reviewId: string): Promise<V | undefined>;
  /** A short-lived download URL for the proposal file. */
  downloadUrl(view: V): Promise<string | undefined>;
  /**
   * Records the decision if the task is still in the status it was read in (conditional write), and
   * completes the waiting Step Functions task. `conflict` when another request got there first.
   */
  record(view: V, decision: RecordedDecision): Promise<'recorded' | 'conflict'>;
}

export interface ReviewRequest {
  method: string;
  /** Query parameters (API Gateway's `queryStringParameters`). */
  query: Record<string, string | undefined>;
  /** The body, already base64-decoded when the gateway encoded it. */
  body?: string;
  contentType?: string;
  acceptLanguage?: string;
}

export interface ReviewFlowOptions<V extends ReviewTaskView = ReviewTaskView> {
  profile: ReviewProfile;
  /** Link signing secrets, current first. */
  secrets: string | readonly string[];
  now: Date;
  ports: ReviewPorts<V>;
  timeZone?: string;
  /** Organisers' contact address shown on error pages. */
  contact?: string;
}

/** Handles one request to the review endpoint and returns the page to send. */
export async function handleReviewRequest<V extends ReviewTaskView>(
  req: ReviewRequest,
  opts: ReviewFlowOptions<V>,
): Promise<RenderedPage> {
  const { profile, now, ports, timeZone, contact } = opts;
  const method = req.method.toUpperCase();
  const queryLang = isLang(req.query.lang) ? req.query.lang : undefined;
  let lang: Lang = resolveLang(queryLang, req.acceptLanguage);
  const error = (kind: Parameters<typeof renderErrorPage>[0]['kind'], answeredAt?: Date) =>
    renderErrorPage({ kind, lang, profile, timeZone, contact, answeredAt });

  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return error('method');
  const link = verifyReviewLink(req.query, opts.secrets, now);
  if (!link.ok) return error(link.reason);

  const view = await ports.find(link.reviewId);
  if (!view) return error('not-found');
  lang = queryLang ?? view.reviewerLanguage ?? lang;
  const { task, proposal } = view;

  // Forms post back to the very link that was opened (relative, so the path and stage are kept).
  const signed = new URLSearchParams({ r: req.query.r ?? '', e: req.query.e ?? '', s: req.query.s ?? '' });
  if (queryLang) signed.set('lang', queryLang);
  const actionUrl = `?${signed.toString()}`;
  const dueAt = new Date(task.dueAt);
  const base = { profile, lang, timeZone, proposal };
  const decidedAt = task.decidedAt ? new Date(task.decidedAt) : undefined;

  const answered = task.status === 'SUBMITTED' || task.status === 'DECLINED';
  const closed =
    task.status === 'TIMED_OUT' ||
    task.status === 'REASSIGNED' ||
    (proposal.status !== undefined && proposal.status !== 'IN_REVIEW' && !answered);
  if (closed) return error('closed');

  if (method !== 'POST') {
    if (answered) {
      const at = decidedAt ?? now;
      if (task.status === 'DECLINED') {
        return renderReceipt({
          ...base,
          decision: { action: 'decline', at, reason: task.declineReason ?? '' },
        });
      }
      return renderReceipt({
        ...base,
        decision: {
          action: 'submit',
          at,
          scores: task.scores ?? {},
          comment: task.comment,
          weightedScore: task.score,
        },
      });
    }
    const downloadUrl = await ports.downloadUrl(view);
    if (task.status === 'ACCEPTED') return renderScoreForm({ ...base, actionUrl, dueAt, downloadUrl });
    return renderInvitePage({ ...base, actionUrl, dueAt, downloadUrl });
  }

  if (answered) return error('used', decidedAt);
  const parsed = parseDecision(req.body, req.contentType, profile);
  if (!parsed.ok) {
    const onlyRequestErrors = parsed.errors.every((e) => e.field === 'body' || e.field === 'content-type');
    if (onlyRequestErrors) return error('bad-request');
    const downloadUrl = await ports.downloadUrl(view);
    const typed = decisionFormValues(req.body, req.contentType);
    const declining = parsed.errors.some((e) => e.field === 'reason');
    if (declining || task.status === 'PENDING') {
      return renderInvitePage({
        ...base,
        actionUrl,
        dueAt,
        downloadUrl,
        errors: parsed.errors,
        reason: typed.reason,
      });
    }
    return renderScoreForm({
      ...base,
      actionUrl,
      dueAt,
      downloadUrl,
      errors: parsed.errors,
      values: { scores: typed.scores, comment: typed.comment },
    });
  }

  const decision = parsed.decision;
  if (decision.action === 'accept' && task.status === 'ACCEPTED') {
    return renderScoreForm({ ...base, actionUrl, dueAt, downloadUrl: await ports.downloadUrl(view) });
  }
  const recorded: RecordedDecision =
    decision.action === 'submit'
      ? { ...decision, at: now, score: weightedScore(decision.scores, profile) }
      : { ...decision, at: now };
  const outcome = await ports.record(view, recorded);
  if (outcome === 'conflict') return error('used');
  // Post/Redirect/Get: the same signed link now shows what follows (the score form, or the receipt), and
  // reloading it sends nothing twice.
  return seeOther(actionUrl);
}

/** A 303 to the page the link shows next. */
function seeOther(location: string): RenderedPage {
  return { statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' };
}
