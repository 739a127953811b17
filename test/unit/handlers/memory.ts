/**
 * The adapters the handlers import (functions/lib/adapters), in memory, for the handler unit tests. Each export
 * below is a module with the names and signatures of the real one and its observable semantics: conditional
 * transitions, idempotent retries, seats counted once, the history line written with a release, the token kept
 * while the execution waits, undelivered decisions listed by when they were decided, notifications claimed once.
 * The DynamoDB versions of the repositories are tested against DynamoDB Local (test/integration); the S3, SFN
 * and SES calls in test/unit/adapters. A test mocks the modules with `vi.mock(path, () => import('./memory')
 * .then((m) => m.<module>))`, seeds `mem` and reads back what a user would notice.
 *
 * Only what the handlers import is here (the CLI's extras are not).
 *
 * Every operation runs without awaiting in between, so it is atomic as a conditional write is: two requests
 * racing on one task or one reminder see one winner.
 */
import type * as Agencies from '../../../functions/lib/adapters/agencies';
import type * as Executions from '../../../functions/lib/adapters/executions';
import type * as Mail from '../../../functions/lib/adapters/mail';
import type * as Proposals from '../../../functions/lib/adapters/proposals';
import type * as ReviewTasks from '../../../functions/lib/adapters/review-tasks';
import type * as Roster from '../../../functions/lib/adapters/roster';
import type * as Storage from '../../../functions/lib/adapters/storage';
import type { Agency } from '../../../functions/lib/agencies/schema';
import type { AssignmentPorts } from '../../../functions/lib/assignment/assign';
import { ROUTED_ERRORS } from '../../../functions/lib/contract';
import { InvalidTransitionError } from '../../../functions/lib/errors';
import {
  DECIDED_REVIEW_STATUSES,
  type HistoryEntry,
  normalizeName,
  PROPOSAL_STATUSES,
  type Proposal,
  type ProposalStatus,
  type Reviewer,
  type ReviewTask,
  type TaskInvitation,
  taskInvitation,
} from '../../../functions/lib/model';
import type { ClaimScope, EligibilityClaims } from '../../../functions/lib/validation/claims';

/** A stored task: the task, its (secret) token, and its place in the sweep's listing (GSI2SK) when listed. */
export type StoredTask = ReviewTask & {
  token?: string;
  listed?: string;
  sentAt?: string;
  acceptedAt?: string;
  mailClaim?: string;
  invitation?: TaskInvitation;
};
/** What the execution waiting on a token was told. */
export type Answer =
  | { token: string; output: { reviewerId: string; status: 'SUBMITTED'; score?: number } }
  | { token: string; error: string; cause: string };
/** Makes one call fail: return the error to throw (e.g. a throttled write), or undefined. */
export type Fault = (operation: string, input: unknown) => Error | undefined;

const OPEN = ['PENDING', 'ACCEPTED'];
const taskKey = (proposalId: string, reviewerId: string) => `${proposalId}|${reviewerId}`;
const listing = (at: string, proposalId: string, reviewerId: string) => `${at}#${proposalId}#${reviewerId}`;
const clone = <T>(value: T): T => structuredClone(value);
const defined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
/** The task without its token and storage attributes, as the repository returns it. */
function publicTask(stored: StoredTask): ReviewTask {
  const {
    token: _token,
    listed: _listed,
    sentAt: _sent,
    acceptedAt: _accepted,
    mailClaim: _mail,
    invitation: _invitation,
    ...task
  } = stored;
  return clone(task);
}

/** The one in-memory state: the table's aggregates, the bucket, and what left the system. */
class Memory {
  /** Proposals as stored, with their `notified:<key>` claims. */
  proposals = new Map<string, Proposal & Record<string, unknown>>();
  /** History lines by proposal, keyed by their sort key (a second put with the same key replaces the line). */
  events = new Map<string, Map<string, HistoryEntry>>();
  tasks = new Map<string, StoredTask>();
  reviewers = new Map<string, Reviewer>();
  /** The agency registry by code. */
  agencies = new Map<string, Agency>();
  titles = new Map<string, string>();
  quotas = new Map<string, { used: number; members: Set<string> }>();
  objects = new Map<string, { size: number; bytes: Uint8Array }>();
  /** Object reads: which version, bounded by how many bytes. */
  reads: Array<{ bucket: string; key: string; versionId?: string; limit: number }> = [];
  emails: Mail.Email[] = [];
  executions = new Map<string, { stateMachineArn: string; name: string; input: unknown }>();
  /** Answers the waiting executions heard, in order. */
  answers: Answer[] = [];
  /** How the next answers fare: 'unreachable' (Step Functions is down) or 'gone' (the execution moved on). */
  answerFaults: Array<'unreachable' | 'gone'> = [];
  faults: Fault[] = [];

  reset(): void {
    Object.assign(this, new Memory());
  }

  fault(operation: string, input: unknown): void {
    for (const fault of this.faults) {
      const error = fault(operation, input);
      if (error) throw error;
    }
  }

  // ---------------------------------------------------------------------------------------- seeding

  seedProposal(...proposals: Proposal[]): void {
    for (const p of proposals) this.proposals.set(p.id, clone(p) as Proposal & Record<string, unknown>);
  }

  /** Stores tasks; an open one is listed by its due date, as assignment writes it. */
  seedTask(...tasks: Array<ReviewTask & { token?: string }>): void {
    for (const task of tasks) this.seedListedTask(task, OPEN.includes(task.status) ? task.dueAt : undefined);
  }

  /** Stores a task listed for the sweep at `at` (a decision not yet delivered is listed when it was made). */
  seedListedTask(task: ReviewTask & { token?: string }, at: string | undefined): void {
    const stored: StoredTask = clone(task);
    if (at) stored.listed = listing(at, task.proposalId, task.reviewerId);
    this.tasks.set(taskKey(task.proposalId, task.reviewerId), stored);
  }

  seedReviewer(...reviewers: Reviewer[]): void {
    for (const r of reviewers) this.reviewers.set(r.id, clone(r));
  }

  seedAgency(...agencies: Agency[]): void {
    for (const a of agencies) this.agencies.set(a.code, clone(a));
  }

  seedObject(key: string, bytes: Uint8Array, size = bytes.length): void {
    this.objects.set(key, { size, bytes });
  }

  seedQuota(institution: string, group: string, used: number): void {
    this.quotas.set(`${normalizeName(institution)}#${group}`, { used, members: new Set() });
  }

  // --------------------------------------------------------------------------------------- reading

  proposal(id: string): Proposal & Record<string, unknown> {
    const found = this.proposals.get(id);
    if (!found) throw new Error(`No proposal ${id}`);
    return clone(found);
  }

  task(proposalId: string, reviewerId: string): StoredTask | undefined {
    const found = this.tasks.get(taskKey(proposalId, reviewerId));
    return found ? clone(found) : undefined;
  }

  tasksOf(proposalId: string): StoredTask[] {
    return [...this.tasks.values()]
      .filter((t) => t.proposalId === proposalId)
      .sort((a, b) => a.reviewerId.localeCompare(b.reviewerId))
      .map(clone);
  }

  reviewer(id: string): Reviewer | undefined {
    const found = this.reviewers.get(id);
    return found ? clone(found) : undefined;
  }

  /** The proposal's history, oldest first. */
  history(id: string): Array<{ status: string; note: string }> {
    return this.historyEntries(id).map(({ status, note }) => ({ status, note }));
  }

  historyEntries(id: string): HistoryEntry[] {
    return [...(this.events.get(id) ?? new Map<string, HistoryEntry>()).entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, entry]) => clone(entry));
  }

  addEvent(id: string, sortKey: string, entry: HistoryEntry): void {
    const events = this.events.get(id) ?? new Map<string, HistoryEntry>();
    events.set(sortKey, entry);
    this.events.set(id, events);
  }
}

export const mem = new Memory();

// ---------------------------------------------------------------------------------------- proposals

/** The public members of a class. */
type PublicOf<T> = { [K in keyof T]: T[K] };

class ProposalStore implements PublicOf<Proposals.ProposalStore> {
  constructor(
    _doc: unknown,
    _table: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async register(
    input: Proposals.NewProposal,
    status: ProposalStatus = 'RECEIVED',
    reason = 'Upload received',
  ): Promise<{ proposal: Proposal; created: boolean }> {
    mem.fault('proposals.register', input);
    const existing = mem.proposals.get(input.id);
    if (existing) return { proposal: clone(existing), created: false };
    const at = this.clock().toISOString();
    const proposal: Proposal = { ...input, status, reason, receivedAt: at, updatedAt: at, seq: 1 };
    mem.proposals.set(input.id, { ...proposal });
    mem.addEvent(input.id, `${at}#0001`, { at, status, note: reason });
    return { proposal, created: true };
  }

  async get(id: string): Promise<Proposal | undefined> {
    const found = mem.proposals.get(id);
    return found ? clone(found) : undefined;
  }

  async require(id: string): Promise<Proposal> {
    const proposal = await this.get(id);
    if (!proposal) throw new Error(`Proposal ${id} does not exist`);
    return proposal;
  }

  async transition(
    id: string,
    target: ProposalStatus,
    note: string,
    options: Parameters<Proposals.ProposalStore['transition']>[3] = {},
  ): Promise<Proposal> {
    const current = await this.require(id);
    const to = options.keepStatus ? current.status : target;
    const sameFields = Object.entries(options.fields ?? {}).every(
      ([name, value]) => value === undefined || current[name as keyof Proposal] === value,
    );
    if (!options.keepReason && current.status === to && current.reason === note && sameFields) return current;
    if (options.from && !options.from.includes(current.status)) {
      if (current.status === to) return current;
      throw new InvalidTransitionError(
        `Proposal ${id} is ${current.status}; it cannot become ${to} (allowed from ${options.from.join(', ')})`,
      );
    }
    const at = this.clock().toISOString();
    const seq = current.seq + 1;
    const fields = {
      ...defined(options.fields ?? {}),
      status: to,
      reason: options.keepReason ? current.reason : note,
      updatedAt: at,
      seq,
    };
    const stored = { ...mem.proposals.get(id)!, ...clone(fields) };
    for (const name of options.remove ?? []) delete stored[name];
    mem.proposals.set(id, stored);
    mem.addEvent(id, `${at}#${String(seq).padStart(4, '0')}`, { at, status: to, note });
    return { ...current, ...fields };
  }

  async setFields(id: string, fields: Partial<Proposal>): Promise<void> {
    const given = defined(fields);
    if (Object.keys(given).length === 0) return;
    const stored = mem.proposals.get(id);
    if (!stored) throw conditionFailed();
    Object.assign(stored, clone(given));
  }

  async claimNotification(id: string, key: string): Promise<boolean> {
    const stored = mem.proposals.get(id);
    if (!stored || stored[`notified:${key}`] !== undefined) return false;
    stored[`notified:${key}`] = this.clock().toISOString();
    return true;
  }

  async claimNotificationReading(id: string, key: string): Promise<{ proposal: Proposal; claimed: boolean }> {
    const claimed = await this.claimNotification(id, key);
    return { proposal: await this.require(id), claimed };
  }

  async releaseNotification(id: string, key: string): Promise<void> {
    delete mem.proposals.get(id)?.[`notified:${key}`];
  }

  async note(id: string, note: string): Promise<Proposal> {
    return this.transition(id, 'RECEIVED', note, { keepStatus: true, keepReason: true });
  }

  async noticeNote(proposal: Pick<Proposal, 'id' | 'status'>, notice: string, note: string): Promise<void> {
    mem.fault('proposals.noticeNote', { id: proposal.id, notice, note });
    const at = this.clock().toISOString();
    mem.addEvent(proposal.id, `${at}#notice:${notice}`, { at, status: proposal.status, note });
  }

  async taskNote(proposal: Pick<Proposal, 'id' | 'status'>, reviewerId: string, note: string): Promise<void> {
    mem.fault('proposals.taskNote', { id: proposal.id, reviewerId, note });
    const at = this.clock().toISOString();
    mem.addEvent(proposal.id, `${at}#task:${reviewerId}`, { at, status: proposal.status, note });
  }

  async history(id: string): Promise<HistoryEntry[]> {
    return mem.historyEntries(id);
  }

  async reviews(id: string): Promise<ReviewTask[]> {
    return mem.tasksOf(id).map(({ listed: _l, sentAt: _s, acceptedAt: _a, ...task }) => task);
  }

  async view(id: string): Promise<Proposals.ProposalView | undefined> {
    const proposal = await this.get(id);
    if (!proposal) return undefined;
    return { ...proposal, reviews: await this.reviews(id), history: await this.history(id) };
  }

  async list(status?: ProposalStatus): Promise<Proposal[]> {
    const statuses: readonly ProposalStatus[] = status ? [status] : PROPOSAL_STATUSES;
    return [...mem.proposals.values()]
      .filter((p) => statuses.includes(p.status))
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id))
      .map(clone);
  }

  async listByAgency(agency: string): Promise<Proposal[]> {
    return [...mem.proposals.values()]
      .filter((p) => p.agency === agency)
      .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.id.localeCompare(a.id))
      .map(clone);
  }

  async linkReplacement(
    replaced: string,
    by: Proposal,
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    const old = mem.proposals.get(replaced);
    if (!old || old.agency !== by.agency)
      return { ok: false, reason: `proposal ${replaced} is not one of this agency's` };
    if (old.replacedBy && old.replacedBy !== by.id)
      return { ok: false, reason: `proposal ${replaced} was already replaced by ${old.replacedBy}` };
    if (old.status !== 'REJECTED')
      return { ok: false, reason: `proposal ${replaced} is ${old.status}, not REJECTED` };
    if (!old.replacedBy) {
      old.replacedBy = by.id;
      await this.note(replaced, `Replaced by the fixed file of proposal ${by.id}`);
      await this.setFields(by.id, { replaces: replaced });
    }
    return { ok: true };
  }
}

export const proposals = { ProposalStore };

// ------------------------------------------------------------------------------------------- roster

export const roster = {
  async listReviewers() {
    return [...mem.reviewers.values()].sort((a, b) => a.id.localeCompare(b.id)).map(clone);
  },
  async getReviewers(_doc, _table, ids) {
    const found = new Map<string, Reviewer>();
    for (const id of ids) {
      const reviewer = mem.reviewers.get(id);
      if (reviewer) found.set(id, clone(reviewer));
    }
    return found;
  },
} satisfies Pick<typeof Roster, 'listReviewers' | 'getReviewers'>;

// ----------------------------------------------------------------------------------------- agencies

export const agencies = {
  async getAgency(_doc, _table, code) {
    mem.fault('agencies.getAgency', code);
    const found = mem.agencies.get(code);
    return found ? clone(found) : undefined;
  },
  async registryInUse() {
    return mem.agencies.size > 0;
  },
} satisfies Pick<typeof Agencies, 'getAgency' | 'registryInUse'>;

// ------------------------------------------------------------------------------------- review tasks

/** One conditional change of a stored task: applied (and the task returned) only when `when` holds. */
function updateTask(
  task: { proposalId: string; reviewerId: string },
  when: (stored: StoredTask) => boolean,
  change: (stored: StoredTask) => void,
): StoredTask | undefined {
  const stored = mem.tasks.get(taskKey(task.proposalId, task.reviewerId));
  if (!stored || !when(stored)) return undefined;
  change(stored);
  return stored;
}
const isOpen = (stored: StoredTask) => OPEN.includes(stored.status);

export const reviewTasks = {
  async readProposalTasks(_doc, _table, proposalId) {
    return mem.tasksOf(proposalId).map(publicTask);
  },

  async releaseReviewer(_doc, _table, proposalId, reviewerId, status, extra = {}) {
    const at = (extra.at ?? new Date()).toISOString();
    const closed = updateTask({ proposalId, reviewerId }, isOpen, (stored) => {
      stored.status = status;
      stored.decidedAt = at;
      if (extra.declineReason) stored.declineReason = extra.declineReason;
      if (extra.executionWaits) {
        if (stored.listed) stored.listed = listing(at, proposalId, reviewerId);
      } else {
        delete stored.listed;
        delete stored.token;
      }
    });
    if (!closed) return { released: false };
    const reviewer = mem.reviewers.get(reviewerId);
    if (reviewer && reviewer.load > 0) reviewer.load -= 1;
    if (extra.note) {
      mem.addEvent(proposalId, `${at}#task:${reviewerId}`, {
        at,
        status: extra.note.proposalStatus,
        note: extra.note.text,
      });
    }
    return { released: true };
  },

  async getTask(_doc, _table, proposalId, reviewerId) {
    const stored = mem.tasks.get(taskKey(proposalId, reviewerId));
    return stored ? publicTask(stored) : undefined;
  },

  async storeTaskToken(_doc, _table, task, token, now, claim = `claim-${token}`) {
    let invitation: TaskInvitation | undefined;
    const stored = updateTask(task, isOpen, (s) => {
      invitation = s.invitation;
      delete s.invitation;
      Object.assign(s, { token, sentAt: now.toISOString(), mailClaim: s.mailClaim ?? claim });
    });
    if (!stored) return undefined;
    return {
      ...publicTask(stored),
      mailClaimed: stored.mailClaim === claim,
      ...(invitation ? { invitation: clone(invitation) } : {}),
    };
  },

  async releaseTaskMail(_doc, _table, task, claim) {
    updateTask(
      task,
      (s) => s.mailClaim === claim,
      (s) => {
        delete s.mailClaim;
      },
    );
  },

  async findTaskByReviewId(_doc, _table, reviewId) {
    const stored = [...mem.tasks.values()].find((t) => t.reviewId === reviewId);
    if (!stored) return undefined;
    return { ...publicTask(stored), ...(stored.token !== undefined ? { token: stored.token } : {}) };
  },

  async acceptTask(_doc, _table, task, at) {
    const pending = (s: StoredTask) => s.status === 'PENDING';
    return !!updateTask(task, pending, (s) =>
      Object.assign(s, { status: 'ACCEPTED', acceptedAt: at.toISOString() }),
    );
  },

  async submitReview(_doc, _table, task, review) {
    const at = review.at.toISOString();
    return !!updateTask(task, isOpen, (stored) => {
      Object.assign(stored, defined({ status: 'SUBMITTED', scores: review.scores, score: review.score }));
      Object.assign(stored, defined({ comment: review.comment, decidedAt: at }));
      if (stored.listed) stored.listed = listing(at, task.proposalId, task.reviewerId);
    });
  },

  async claimReminder(_doc, _table, task, marker) {
    const unclaimed = (s: StoredTask) => isOpen(s) && !(s.remindedAt ?? []).includes(marker);
    return !!updateTask(task, unclaimed, (s) => {
      s.remindedAt = [...(s.remindedAt ?? []), marker];
    });
  },

  async releaseReminder(_doc, _table, task, marker) {
    updateTask(
      task,
      (s) => (s.remindedAt ?? []).includes(marker),
      (s) => {
        s.remindedAt = (s.remindedAt ?? []).filter((m) => m !== marker);
      },
    );
  },

  async spendTaskToken(_doc, _table, task, token) {
    updateTask(
      task,
      (s) => s.token === token,
      (s) => {
        delete s.token;
        delete s.listed;
      },
    );
  },

  async *listedTasksUntil(_doc, _table, horizon) {
    const until = `${horizon.toISOString()}~`;
    const listed = [...mem.tasks.values()]
      .filter((t) => t.listed !== undefined && t.listed <= until)
      .sort((a, b) => (a.listed ?? '').localeCompare(b.listed ?? ''));
    for (const stored of listed) {
      yield { ...publicTask(stored), ...(stored.token !== undefined ? { token: stored.token } : {}) };
    }
  },

  assignmentPorts(doc, table, proposal): AssignmentPorts {
    return {
      async proposalTasks(proposalId) {
        const stored = mem.tasksOf(proposalId);
        const handedOut = new Set(stored.filter((t) => t.token !== undefined).map((t) => t.reviewerId));
        return { tasks: stored.map(publicTask), handedOut };
      },
      task: (proposalId, reviewerId) => reviewTasks.getTask(doc, table, proposalId, reviewerId),
      roster: () => roster.listReviewers(),
      reviewers: (ids) => roster.getReviewers(doc, table, ids),
      async reserve(task, stats, chosen) {
        stats.transactions++;
        if (mem.tasks.has(taskKey(task.proposalId, task.reviewerId))) {
          stats.retries++;
          return 'task-exists';
        }
        const reviewer = mem.reviewers.get(task.reviewerId);
        if (!reviewer || reviewer.load >= reviewer.capacity || reviewer.active !== true) {
          stats.retries++;
          stats.capacityRaces++;
          return 'reviewer-unavailable';
        }
        reviewer.load += 1;
        mem.seedTask(task);
        if (proposal && chosen) {
          mem.tasks.get(taskKey(task.proposalId, task.reviewerId))!.invitation = taskInvitation(
            proposal,
            chosen,
          );
        }
        return 'reserved';
      },
    };
  },
} satisfies Pick<
  typeof ReviewTasks,
  | 'readProposalTasks'
  | 'releaseReviewer'
  | 'getTask'
  | 'storeTaskToken'
  | 'releaseTaskMail'
  | 'findTaskByReviewId'
  | 'acceptTask'
  | 'submitReview'
  | 'claimReminder'
  | 'releaseReminder'
  | 'spendTaskToken'
  | 'listedTasksUntil'
  | 'assignmentPorts'
>;

// ------------------------------------------------------------------------------- eligibility claims

export const eligibilityClaims = {
  eligibilityClaims: (): EligibilityClaims => ({
    async claimTitle(proposalId, scope, title) {
      const key = titleKey(scope, title);
      const holder = mem.titles.get(key);
      if (holder !== undefined && holder !== proposalId) return { ok: false, heldBy: holder };
      mem.titles.set(key, proposalId);
      return { ok: true };
    },
    async claimQuota(proposalId, scope, group, quota) {
      const key = `${scopeKey(scope)}#${group}`;
      const counter = mem.quotas.get(key) ?? { used: 0, members: new Set<string>() };
      mem.quotas.set(key, counter);
      if (counter.members.has(proposalId)) return { ok: true };
      if (counter.used >= quota) return { ok: false, used: counter.used };
      counter.members.add(proposalId);
      counter.used += 1;
      return { ok: true };
    },
    async releaseTitle(proposalId, scope, title) {
      const key = titleKey(scope, title);
      if (mem.titles.get(key) !== proposalId) return false;
      mem.titles.delete(key);
      return true;
    },
  }),
};

/** Claim keys as the table's: an agency's claims apart, titles competition-wide without a registry. */
const scopeKey = (scope: ClaimScope) =>
  'agency' in scope ? `AGENCY#${scope.agency}` : normalizeName(scope.institution);
const titleKey = (scope: ClaimScope, title: string) =>
  'agency' in scope ? `${scopeKey(scope)}#${normalizeName(title)}` : normalizeName(title);

// ---------------------------------------------------------------------------------- mail and storage

export const mail = {
  async sendEmail(email) {
    mem.fault('mail.sendEmail', email);
    mem.emails.push(clone(email));
    return `message-${mem.emails.length}`;
  },
  async sendOnce(store, proposalId, key, email) {
    if (!(await store.claimNotification(proposalId, key))) return false;
    try {
      await mail.sendEmail(email);
      return true;
    } catch (error) {
      await store.releaseNotification(proposalId, key);
      throw error;
    }
  },
} satisfies Pick<typeof Mail, 'sendEmail' | 'sendOnce'>;

export const storage = {
  async readBounded(bucket, key, versionId, limit) {
    mem.fault('storage.readBounded', { bucket, key, versionId });
    mem.reads.push({ bucket, key, versionId, limit });
    const object = mem.objects.get(key);
    if (!object) throw Object.assign(new Error(`No object ${key}`), { name: 'NotFound' });
    if (object.size > limit || object.size === 0) return { size: object.size, bytes: new Uint8Array() };
    return { size: object.size, bytes: object.bytes.slice(0, limit + 1) };
  },
  /** A link that names what it lets download and for how long (the presigning is tested with the adapter). */
  async downloadUrl(object, expiresInSeconds, headers) {
    const url = new URL(`https://${object.bucket}.s3.memory.test/${encodeURIComponent(object.key)}`);
    if (object.versionId) url.searchParams.set('versionId', object.versionId);
    url.searchParams.set('expiresIn', String(expiresInSeconds));
    url.searchParams.set('response-content-type', headers.contentType);
    url.searchParams.set('response-content-disposition', headers.contentDisposition);
    return url.toString();
  },
} satisfies Pick<typeof Storage, 'readBounded' | 'downloadUrl'>;

// ---------------------------------------------------------------------------------------- executions

const awaitsDelivery = (task: ReviewTask & { token?: string }) =>
  task.token !== undefined && DECIDED_REVIEW_STATUSES.includes(task.status);

export const executions = {
  awaitsDelivery,
  async deliverDecision(task) {
    if (!task.token || !awaitsDelivery(task)) return 'nothing';
    const answer: Answer =
      task.status === 'SUBMITTED'
        ? {
            token: task.token,
            output: { reviewerId: task.reviewerId, status: 'SUBMITTED', score: task.score },
          }
        : task.status === 'DECLINED'
          ? {
              token: task.token,
              error: ROUTED_ERRORS.reviewDeclined,
              cause: (task.declineReason ?? '').slice(0, 256),
            }
          : task.status === 'REASSIGNED'
            ? {
                token: task.token,
                error: ROUTED_ERRORS.reviewMoved,
                cause: `Moved to ${task.movedTo ?? 'another reviewer'} by a batch re-plan`,
              }
            : { token: task.token, error: ROUTED_ERRORS.reviewTimedOut, cause: `Due ${task.dueAt}` };
    const fault = mem.answerFaults.shift();
    if (fault === 'unreachable') {
      throw Object.assign(new Error('ServiceUnavailable: simulated'), {
        name: 'ServiceUnavailable',
        $metadata: { httpStatusCode: 503 },
      });
    }
    // The execution no longer waits on the token (TaskDoesNotExist, TaskTimedOut): it hears nothing; spent anyway.
    const stale = fault === 'gone';
    if (!stale) mem.answers.push(answer);
    await reviewTasks.spendTaskToken(undefined as never, '', task, task.token);
    return stale ? 'stale' : 'delivered';
  },
  async startExecution({ stateMachineArn, name, input }) {
    mem.fault('executions.startExecution', { name, input });
    if (!mem.executions.has(name)) mem.executions.set(name, { stateMachineArn, name, input: clone(input) });
    return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  },
} satisfies Pick<typeof Executions, 'awaitsDelivery' | 'deliverDecision' | 'startExecution'>;

// ------------------------------------------------------------------------------------ AWS clients

/** The SDK clients: no handler test reaches one (every adapter above stands in for them). */
export const dynamoClient = {
  dynamo: {
    send: () => Promise.reject(new Error('A handler reached DynamoDB past the repositories')),
  },
};

export const SIGNING_SECRET = 'unit-test-review-link-secret-0123456789abcdef';
export const secrets = {
  /** The previous signing secret during a rotation (none by default). */
  previous: undefined as string | undefined,
  getSecret: async (_arn: string) => SIGNING_SECRET,
  getSecretVersions: async (_arn: string) => [
    SIGNING_SECRET,
    ...(secrets.previous ? [secrets.previous] : []),
  ],
};
