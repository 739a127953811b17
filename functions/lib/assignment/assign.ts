/**
 * Reviewer assignment, as pure orchestration over ports: rank the roster, reserve seats one by one (each
 * reservation is atomic in the adapter: the task put only if absent and the reviewer's load incremented only
 * if below capacity), re-read stale loads after a capacity race, and explain the gap when seats stay empty.
 * The DynamoDB ports are in functions/lib/adapters/review-tasks.ts (`assignmentPorts`).
 */
import type { Text } from '../i18n';
import type { Reviewer, ReviewStatus, ReviewTask } from '../model';
import { OPEN_REVIEW_STATUSES } from '../model';
import { newReviewId } from '../review/signing';
import { AssignmentContentionError, ReviewerUnavailableError } from './errors';
import type { AssignmentProfile } from './profile';
import {
  type AssignmentExplanation,
  describeGap,
  exclusionOf,
  explainSelection,
  nextCandidate,
  type ProposalForAssignment,
  type RankedReviewer,
  rankReviewers,
  rosterPace,
} from './rules';

/** Statuses in which a task holds one of the proposal's reviewer seats. */
export const SEAT_STATUSES: readonly ReviewStatus[] = ['PENDING', 'ACCEPTED', 'SUBMITTED'];
/** Candidates read again after a capacity race. */
const FRESH_READ = 25;

/** What one reservation came to. */
export type ReserveOutcome = 'reserved' | 'task-exists' | 'reviewer-unavailable';

/** Counts of what reservations cost, for the benchmark and logs. */
export interface ReservationStats {
  transactions: number;
  /** Transactions cancelled (capacity race, concurrent transaction) and tried again or moved on. */
  retries: number;
  /** Of those: the reviewer filled up (or went inactive) since the roster was read. */
  capacityRaces: number;
  /** Of those: another transaction held the same items at that moment. */
  collisions: number;
}

/** What assignment needs of the outside world. */
export interface AssignmentPorts {
  /** Every task of the proposal (strongly consistent), and the reviewers whose task was handed out. */
  proposalTasks(proposalId: string): Promise<{ tasks: ReviewTask[]; handedOut: ReadonlySet<string> }>;
  /** One reviewer's task on the proposal, if any. */
  task(proposalId: string, reviewerId: string): Promise<ReviewTask | undefined>;
  /** The whole roster (loads may be slightly stale). */
  roster(): Promise<Reviewer[]>;
  /** Some reviewers, read consistently. */
  reviewers(ids: readonly string[]): Promise<Map<string, Reviewer>>;
  /**
   * Reserves the seat atomically: the task put if absent and the reviewer's load incremented if below capacity.
   * `reviewer` is the roster entry the seat was chosen from (what the task's email needs of them).
   */
  reserve(task: ReviewTask, stats: ReservationStats, reviewer?: Reviewer): Promise<ReserveOutcome>;
}

export function newStats(): ReservationStats {
  return { transactions: 0, retries: 0, capacityRaces: 0, collisions: 0 };
}

function newTask(
  proposalId: string,
  reviewerId: string,
  windowDays: number,
  now: Date,
  attempt: number,
): ReviewTask {
  return {
    proposalId,
    reviewerId,
    reviewId: newReviewId(),
    status: 'PENDING',
    attempt,
    assignedAt: now.toISOString(),
    dueAt: new Date(now.getTime() + windowDays * 86_400_000).toISOString(),
  };
}

export interface AssignResult {
  /** The tasks holding the proposal's reviewer seats (new and already there), tokens left out. */
  tasks: ReviewTask[];
  /** Eligible reviewers not chosen, best first: candidates for reassignment. */
  alternates: string[];
  /** Seats still empty (0 when fully assigned). */
  missing: number;
  /** Why seats are empty, in both languages (only when missing > 0). */
  gap?: Text;
  /**
   * Reviewers of `tasks` still PENDING whose task was never handed to a reviewer (no task token stored):
   * the ones to send now, including after a retry of this call.
   */
  unsent: string[];
  /** What the reservations cost. */
  stats: ReservationStats;
  /** True when no expert of the category was free: the seats were filled anyway (coverage first). */
  expertiseMissing: boolean;
  /** Why the reviewers reserved by this call were chosen, and who was passed over (see `explainSelection`). */
  explanation: AssignmentExplanation;
}

/**
 * Assigns the proposal its reviewers. Idempotent: tasks already there count, only the missing seats are
 * reserved, and a re-run of a fully assigned proposal changes nothing and returns the same tasks.
 */
export async function assignReviewers(
  ports: AssignmentPorts,
  proposal: ProposalForAssignment,
  profile: AssignmentProfile,
  now: Date,
): Promise<AssignResult> {
  const needed = profile.review.reviewersPerProposal;
  const requireMatch = profile.review.requireExpertiseMatch;
  const stats = newStats();
  const { tasks: existing, handedOut } = await ports.proposalTasks(proposal.id);
  const seats = existing.filter((t) => SEAT_STATUSES.includes(t.status));
  // A reviewer who held any task on this proposal (even a declined one) is not asked again by assignment.
  const skip = new Set(existing.map((t) => t.reviewerId));
  let roster = await ports.roster();
  const expertiseOf = (id: string) => roster.find((r) => r.id === id)?.expertise ?? [];
  let matched = seats.some((t) => expertiseOf(t.reviewerId).includes(proposal.category));

  const firstRoster = roster;
  const firstRanking = rankReviewers(proposal, roster, profile, { skip });
  const pace = rosterPace(roster);
  const firstExpertSeat = requireMatch && !matched;
  const picked: RankedReviewer[] = [];
  let queue: RankedReviewer[] = [...firstRanking.ranked];
  const failed = new Set<string>();
  let failuresSinceRefresh = 0;
  // Bounded: each loop either fills a seat or drops a candidate, and the roster is re-read at most this often.
  let refreshes = 0;
  const maxRefreshes = 5;

  while (seats.length < needed) {
    let index = nextCandidate(queue, needed - seats.length, requireMatch, matched);
    if (index < 0) {
      if (failuresSinceRefresh === 0 || refreshes >= maxRefreshes) break;
      // Loads read from the index were stale: re-read the roster and rank again before giving up.
      refreshes++;
      failuresSinceRefresh = 0;
      roster = await ports.roster();
      queue = rankReviewers(proposal, roster, profile, { skip: [...skip, ...failed] }).ranked;
      index = nextCandidate(queue, needed - seats.length, requireMatch, matched);
      if (index < 0) break;
    }
    const [candidate] = queue.splice(index, 1);
    if (!candidate) break;
    const task = newTask(proposal.id, candidate.reviewerId, profile.review.windowDays, now, 1);
    const outcome = await ports.reserve(
      task,
      stats,
      roster.find((r) => r.id === candidate.reviewerId),
    );
    if (outcome === 'reserved') {
      seats.push(task);
      skip.add(task.reviewerId);
      picked.push(candidate);
      matched ||= candidate.expertiseMatch;
    } else if (outcome === 'task-exists') {
      // A concurrent run of this same proposal reserved this reviewer first: count its task.
      skip.add(task.reviewerId);
      const [current] = [await ports.task(proposal.id, task.reviewerId)];
      if (current && SEAT_STATUSES.includes(current.status)) {
        seats.push(current);
        matched ||= candidate.expertiseMatch;
      }
    } else {
      failed.add(task.reviewerId);
      failuresSinceRefresh++;
      // The loads we ranked on are stale: read the next candidates again (consistent) and re-rank them.
      const head = queue.slice(0, FRESH_READ).map((c) => c.reviewerId);
      const fresh = await ports.reviewers(head);
      roster = roster.map((r) => fresh.get(r.id) ?? r);
      queue = rankReviewers(proposal, roster, profile, { skip: [...skip, ...failed] }).ranked;
    }
  }

  const missing = Math.max(0, needed - seats.length);
  const held = new Set(seats.map((t) => t.reviewerId));
  let alternates = queue.map((c) => c.reviewerId).filter((id) => !held.has(id));
  let gap: Text | undefined;
  if (missing > 0) {
    roster = await ports.roster();
    const ranking = rankReviewers(proposal, roster, profile, { skip });
    alternates = ranking.ranked.map((c) => c.reviewerId);
    gap = describeGap(proposal, ranking, profile, {
      needed,
      missing,
      expertiseMissing: requireMatch && !matched,
    });
  }
  seats.sort((a, b) => a.assignedAt.localeCompare(b.assignedAt) || a.reviewerId.localeCompare(b.reviewerId));
  const unsent = seats
    .filter((t) => t.status === 'PENDING' && !handedOut.has(t.reviewerId))
    .map((t) => t.reviewerId);
  const explanation = explainSelection(firstRanking, picked, firstRoster, pace, { firstExpertSeat });
  return {
    tasks: seats,
    alternates,
    missing,
    ...(gap ? { gap } : {}),
    unsent,
    stats,
    expertiseMissing: requireMatch && !matched,
    explanation,
  };
}

const REASON_TEXT: Record<string, (r: Reviewer) => Text> = {
  'own-email': (r) => ({
    id: `${r.name} adalah pengusul proposal ini (email sama)`,
    en: `${r.name} is the submitter of this proposal (same email)`,
  }),
  'same-institution': (r) => ({
    id: `${r.name} berasal dari instansi pengusul (${r.institution})`,
    en: `${r.name} belongs to the submitting institution (${r.institution})`,
  }),
  'declared-conflict': (r) => ({
    id: `${r.name} menyatakan konflik kepentingan dengan instansi pengusul`,
    en: `${r.name} declared a conflict of interest with the submitting institution`,
  }),
  'same-government': (r) => ({
    id: `${r.name} bekerja pada pemerintah yang menaungi instansi pengusul${r.government ? ` (${r.government})` : ''} atau menyatakan konflik dengannya`,
    en: `${r.name} works for the government the submitting institution belongs to${r.government ? ` (${r.government})` : ''} or declared a conflict with it`,
  }),
  'same-region': (r) => ({
    id: `${r.name} berasal dari wilayah yang sama dengan pengusul`,
    en: `${r.name} is from the same region as the submitter`,
  }),
  inactive: (r) => ({ id: `${r.name} tidak aktif`, en: `${r.name} is inactive` }),
  full: (r) => ({
    id: `${r.name} sudah mencapai kapasitas (${r.load}/${r.capacity})`,
    en: `${r.name} is at capacity (${r.load}/${r.capacity})`,
  }),
};

async function getReviewer(ports: Pick<AssignmentPorts, 'reviewers'>, reviewerId: string): Promise<Reviewer> {
  const reviewer = (await ports.reviewers([reviewerId])).get(reviewerId);
  if (!reviewer) {
    throw new ReviewerUnavailableError(reviewerId, 'not-found', {
      id: `Penilai "${reviewerId}" tidak ada dalam daftar penilai`,
      en: `Reviewer "${reviewerId}" is not in the roster`,
    });
  }
  return reviewer;
}

function unavailable(proposal: ProposalForAssignment, reviewer: Reviewer, profile: AssignmentProfile): void {
  const reason = exclusionOf(proposal, reviewer, profile);
  if (reason) throw new ReviewerUnavailableError(reviewer.id, reason, REASON_TEXT[reason]!(reviewer));
}

/**
 * Reserves one named reviewer for a proposal (ops' manual assignment, reassignment). Refuses a conflict of
 * interest, an inactive or full reviewer with a ReviewerUnavailableError. Retrying after success returns the
 * task already held.
 */
export async function reserveReviewer(
  ports: AssignmentPorts,
  proposal: ProposalForAssignment,
  reviewerId: string,
  profile: AssignmentProfile,
  now: Date,
  attempt: number,
): Promise<ReviewTask> {
  const reviewer = await getReviewer(ports, reviewerId);
  const held = () => ports.task(proposal.id, reviewerId);
  const before = await held();
  if (before && OPEN_REVIEW_STATUSES.includes(before.status)) return before;
  unavailable(proposal, reviewer, profile);
  const task = newTask(proposal.id, reviewerId, profile.review.windowDays, now, attempt);
  const outcome = await ports.reserve(task, newStats(), reviewer);
  if (outcome === 'reserved') return task;
  if (outcome === 'task-exists') {
    const current = await held();
    if (current && OPEN_REVIEW_STATUSES.includes(current.status)) return current;
    throw new ReviewerUnavailableError(reviewerId, 'already-assigned', {
      id: `${reviewer.name} sudah pernah ditugaskan pada proposal ini (status ${current?.status ?? '?'})`,
      en: `${reviewer.name} was already assigned to this proposal (status ${current?.status ?? '?'})`,
    });
  }
  unavailable(proposal, await getReviewer(ports, reviewerId), profile);
  throw new AssignmentContentionError(
    `Reviewer ${reviewerId} could not be reserved for proposal ${proposal.id}`,
  );
}

/** What a live re-plan needs to move one seat (the DynamoDB side is `moveTask` in adapters/review-tasks.ts). */
export interface MovePorts extends Pick<AssignmentPorts, 'reviewers'> {
  /** Atomically: the old task (PENDING, handed out) REASSIGNED to the new one, loads and history updated. */
  move(move: {
    from: string;
    task: ReviewTask;
    note: { text: string; proposalStatus: 'IN_REVIEW' | 'NEEDS_REVIEWERS' };
  }): Promise<'moved' | 'task-changed' | 'task-exists' | 'reviewer-unavailable'>;
}

/** What moving one seat came to: the new task, or why the seat stayed where it was. */
export type MoveResult =
  | { outcome: 'moved'; task: ReviewTask }
  | { outcome: 'task-changed' | 'task-exists' }
  | { outcome: 'reviewer-unavailable'; reason: Text };

/**
 * Moves one seat of a live proposal from `from` (a task no one accepted yet) to `to`, as a batch re-plan decided:
 * the rules are checked again against the reviewer as stored now (conflicts, active, capacity), then the move is
 * one transaction. `task-changed`: the reviewer answered (or the task closed) since the plan was read, so the seat
 * stays; `reviewer-unavailable`: `to` is full or excluded now (a later move may free them).
 */
export async function moveSeat(
  ports: MovePorts,
  proposal: ProposalForAssignment & { status: 'IN_REVIEW' | 'NEEDS_REVIEWERS' },
  from: string,
  to: string,
  profile: AssignmentProfile,
  now: Date,
): Promise<MoveResult> {
  let reviewer: Reviewer;
  try {
    reviewer = await getReviewer(ports, to);
    unavailable(proposal, reviewer, profile);
  } catch (error) {
    if (error instanceof ReviewerUnavailableError)
      return { outcome: 'reviewer-unavailable', reason: error.text };
    throw error;
  }
  const task = newTask(proposal.id, to, profile.review.windowDays, now, 1);
  // Why, as the other assignment explanations say it: expertise, and the load the reviewer had then.
  const expertise = reviewer.expertise.includes(proposal.category) ? 'expert in' : 'not an expert in';
  const outcome = await ports.move({
    from,
    task,
    note: {
      text: `Batch re-plan: the task of ${from} (not accepted yet) moves to ${to} (${expertise} ${proposal.category}; load ${reviewer.load}/${reviewer.capacity} before)`,
      proposalStatus: proposal.status,
    },
  });
  if (outcome === 'moved') return { outcome, task };
  if (outcome === 'reviewer-unavailable') {
    const current = (await ports.reviewers([to])).get(to);
    return {
      outcome,
      reason: current
        ? REASON_TEXT[current.active ? 'full' : 'inactive']!(current)
        : { id: `${to} tidak ada dalam daftar penilai`, en: `${to} is not in the roster` },
    };
  }
  return { outcome };
}
