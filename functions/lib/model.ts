/**
 * The data model shared by every Lambda, the CLI and the CDK table definition.
 * One DynamoDB table (single-table design), keys are strings named PK/SK.
 *
 * | item            | PK                      | SK                    |
 * |-----------------|-------------------------|-----------------------|
 * | proposal        | PROPOSAL#<id>           | META                  |
 * | status history  | PROPOSAL#<id>           | EVENT#<iso>#<seq>, EVENT#<iso>#task:<reviewerId> |
 * | review task     | PROPOSAL#<id>           | REVIEW#<reviewerId>   |
 * | reviewer        | REVIEWER#<id>           | PROFILE               |
 * | agency          | AGENCY#<code>           | PROFILE               |
 * | title claim     | TITLE#AGENCY#<code>#<normalized title> (no registry: TITLE#<normalized>) | CLAIM |
 * | quota counter   | QUOTA#AGENCY#<code>#<group> (no registry: QUOTA#<inst>#<group>) | COUNT |
 * | quota member    | QUOTA#AGENCY#<code>#<group> (no registry: QUOTA#<inst>#<group>) | PROPOSAL#<id> |
 *
 * The claims are written by functions/lib/adapters/eligibility-claims.ts (`claimKeys`): the title claim holds
 * the `proposalId` that owns a title (normalized with `normalizeName`) within the uploading agency; the quota
 * counter holds `used`, the number of proposals of an agency in a group, and a quota member exists once per
 * counted proposal, so a retried claim counts nothing twice. A deployment without an agency registry keys them
 * as before on the Instansi (normalized) and titles competition-wide.
 *
 * Reviewer and agency items carry a `revision` (a random id) that every import changing the item renews
 * (functions/lib/adapters/registry.ts); a reviewer's `load` is assignment's and leaves it alone.
 *
 * GSIs:
 * - GSI1 (by reviewer): review tasks of a reviewer ordered by due date
 *   (GSI1PK = REVIEWER#<id>, GSI1SK = <dueAt>#<proposalId>).
 * - GSI2 (listings): proposals by status (GSI2PK = STATUS#<status>, GSI2SK = <receivedAt>#<id>),
 *   the roster (GSI2PK = REVIEWERS, GSI2SK = <id>), the agency registry (GSI2PK = AGENCIES, GSI2SK = <code>;
 *   written by functions/lib/adapters/agencies.ts), open review tasks by due date
 *   (GSI2PK = OPEN_TASKS, GSI2SK = <dueAt>#<proposalId>#<reviewerId>; removed when the task closes).
 * - GSI3 (by review id): the random id carried by a reviewer's signed link (partition key `reviewId`).
 */

import type { ProposalAgencyFields } from './agencies/proposal';

export { INDEXES, TABLE_KEYS } from './contract';

export const PROPOSAL_STATUSES = [
  'RECEIVED',
  'VALIDATING',
  'REJECTED',
  'ASSIGNING',
  'NEEDS_REVIEWERS',
  'IN_REVIEW',
  'REVIEWED',
  'FAILED',
] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** Statuses in which a proposal's journey has ended (or waits on a person outside the pipeline). */
export const TERMINAL_STATUSES: readonly ProposalStatus[] = ['REJECTED', 'REVIEWED', 'FAILED'];

export const REVIEW_STATUSES = [
  'PENDING',
  'ACCEPTED',
  'DECLINED',
  'SUBMITTED',
  'TIMED_OUT',
  'REASSIGNED',
] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
/** A review task is open while the reviewer can still act on it. */
export const OPEN_REVIEW_STATUSES: readonly ReviewStatus[] = ['PENDING', 'ACCEPTED'];
/** Closed statuses the waiting execution must hear about (while the task still holds its token). */
export const DECIDED_REVIEW_STATUSES: readonly ReviewStatus[] = [
  'SUBMITTED',
  'DECLINED',
  'TIMED_OUT',
  'REASSIGNED',
];

export const keys = {
  proposal: (id: string) => ({ PK: `PROPOSAL#${id}`, SK: 'META' }),
  event: (id: string, at: string, seq: number) => ({
    PK: `PROPOSAL#${id}`,
    SK: `EVENT#${at}#${String(seq).padStart(4, '0')}`,
  }),
  /**
   * A history line about one review task (its email sent, its closing, written in the task's own transaction):
   * no sequence number, it does not touch the proposal item. Sorts by time with the other events.
   */
  taskEvent: (id: string, at: string, reviewerId: string) => ({
    PK: `PROPOSAL#${id}`,
    SK: `EVENT#${at}#task:${reviewerId}`,
  }),
  /** A history line about one of the submitter's notices (e.g. `received:submitter`), like a task's line. */
  noticeEvent: (id: string, at: string, notice: string) => ({
    PK: `PROPOSAL#${id}`,
    SK: `EVENT#${at}#notice:${notice}`,
  }),
  review: (proposalId: string, reviewerId: string) => ({
    PK: `PROPOSAL#${proposalId}`,
    SK: `REVIEW#${reviewerId}`,
  }),
  reviewer: (id: string) => ({ PK: `REVIEWER#${id}`, SK: 'PROFILE' }),
  statusListing: (status: ProposalStatus, receivedAt: string, id: string) => ({
    GSI2PK: `STATUS#${status}`,
    GSI2SK: `${receivedAt}#${id}`,
  }),
  rosterListing: (id: string) => ({ GSI2PK: 'REVIEWERS', GSI2SK: id }),
  /** An agency's proposals by arrival (what the portal lists). */
  agencyProposals: (agency: string, receivedAt: string, id: string) => ({
    GSI1PK: `AGENCY#${agency}`,
    GSI1SK: `${receivedAt}#${id}`,
  }),
  agency: (code: string) => ({ PK: `AGENCY#${code}`, SK: 'PROFILE' }),
  agencyListing: (code: string) => ({ GSI2PK: 'AGENCIES', GSI2SK: code }),
  reviewerTasks: (reviewerId: string, dueAt: string, proposalId: string) => ({
    GSI1PK: `REVIEWER#${reviewerId}`,
    GSI1SK: `${dueAt}#${proposalId}`,
  }),
  openTask: (dueAt: string, proposalId: string, reviewerId: string) => ({
    GSI2PK: 'OPEN_TASKS',
    GSI2SK: `${dueAt}#${proposalId}#${reviewerId}`,
  }),
};

/**
 * A proposal as stored (the META item, without key attributes). The agency fields (agencyName, agencyAliases,
 * parentGovernment, province, regency, agencyKind) come from the agency registry at registration; empty for an
 * unregistered agency.
 */
export interface Proposal extends ProposalAgencyFields {
  id: string;
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
  size?: number;
  agency: string;
  status: ProposalStatus;
  /** Why the proposal is in its status, in words a person understands. */
  reason: string;
  receivedAt: string;
  updatedAt: string;
  executionArn?: string;
  title?: string;
  institution?: string;
  group?: string;
  category?: string;
  contactEmail?: string;
  /** Number of reviewers the proposal needs (from the profile). */
  reviewersNeeded?: number;
  /** Ranked reviewer ids kept for reassignment. */
  alternates?: string[];
  /** The validation report (see functions/lib/validation). */
  validation?: unknown;
  /** Aggregated result once REVIEWED. */
  result?: ProposalResult;
  /** The REJECTED proposal of the same agency this upload replaces (a portal resubmission). */
  replaces?: string;
  /** The proposal that replaced this REJECTED one. */
  replacedBy?: string;
  /** Task token of the execution waiting for ops (NEEDS_REVIEWERS); never leaves the backend. */
  opsToken?: string;
  seq: number;
}

export interface ProposalResult {
  score: number;
  mean: number;
  spread: number;
  reviews: number;
  disagreement: boolean;
}

export interface HistoryEntry {
  at: string;
  status: ProposalStatus;
  note: string;
}

export interface ReviewTask {
  proposalId: string;
  reviewerId: string;
  /** Random id carried by the signed link. */
  reviewId: string;
  status: ReviewStatus;
  attempt: number;
  assignedAt: string;
  dueAt: string;
  /** Step Functions task token (secret); removed once spent. */
  token?: string;
  remindedAt?: string[];
  decidedAt?: string;
  /** Score per criterion id. */
  scores?: Record<string, number>;
  /** Weighted score of this review (0-100). */
  score?: number;
  comment?: string;
  declineReason?: string;
  /** REASSIGNED by a batch re-plan: the reviewer whose task took this seat. */
  movedTo?: string;
}

/**
 * What a review task's first email shows of the proposal and its reviewer, written with the task when its seat
 * is reserved (Assign and Reassign have both at hand then) and removed when the task is handed out, so that
 * sending it reads neither.
 */
export interface TaskInvitation {
  proposal: { title?: string; institution?: string; category?: string; group?: string };
  reviewer: { name: string; email: string; language: 'id' | 'en' };
}

/** The invitation of a seat reserved for `reviewer` (only the facts the proposal has). */
export function taskInvitation(
  proposal: TaskInvitation['proposal'],
  reviewer: Pick<Reviewer, 'name' | 'email' | 'language'>,
): TaskInvitation {
  const { title, institution, category, group } = proposal;
  return {
    proposal: Object.fromEntries(
      Object.entries({ title, institution, category, group }).filter(([, v]) => v !== undefined),
    ),
    reviewer: { name: reviewer.name, email: reviewer.email, language: reviewer.language },
  };
}

export interface Reviewer {
  id: string;
  name: string;
  email: string;
  institution: string;
  /**
   * The regional government or ministry the reviewer's employer belongs to (e.g. "Pemerintah Kota Depok");
   * absent for reviewers outside government (e.g. at a university).
   */
  government?: string;
  province?: string;
  regency?: string;
  expertise: string[];
  capacity: number;
  load: number;
  language: 'id' | 'en';
  active: boolean;
  conflicts: string[];
}

/** Canonical form used to compare titles and institutions (case, accents, punctuation, spacing). */
export function normalizeName(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
