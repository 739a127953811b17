/**
 * `proposals plan --live [--apply] [--json]`: the batch re-plan of the deployed round (proposals in review or
 * waiting for reviewers), after the submission deadline. Accepted and submitted tasks stay, reviewers who
 * declined or timed out are never asked again, and the plan is printed as the seats it moves (a dry run: it
 * writes nothing).
 * With `--apply` it moves those seats, one transaction per seat (`moveTask`: the old task, still PENDING, becomes
 * REASSIGNED and the planned reviewer's task is reserved, loads and history with it), then tells the execution
 * waiting on the old task (ReviewMoved), which emails the planned reviewer their task and the released one that
 * nothing more is asked of them. A seat whose reviewer answered meanwhile stays. Ctrl-C stops after the proposal
 * in hand: every seat is either moved, with its execution told, or untouched; running it again plans afresh from
 * what is stored. A move whose execution could not be told is told by the hourly sweep.
 * Exit codes: 0 planned (and applied), 130 stopped by Ctrl-C.
 */
import { loadProfile } from '../../functions/lib/adapters/profile-file';
import {
  assignmentSubject,
  type LiveMove,
  type LiveProposal,
  type LpSolver,
  liveInput,
  liveMoves,
  type MoveResult,
  planBatch,
} from '../../functions/lib/assignment';
import type { Proposal, Reviewer, ReviewTask } from '../../functions/lib/model';
import type { Profile } from '../../functions/lib/profile';
import { highsSolver } from '../highs';
import { jsonText, print, printable, printError } from '../output';
import { formatPlan, type PlanDeps } from './plan';

/** Task statuses whose seat stays in a live re-plan (someone accepted it). */
const KEPT: ReadonlySet<string> = new Set(['ACCEPTED', 'SUBMITTED']);

/**
 * A live round from stored proposals, their tasks and the roster (proposals not yet validated are left out).
 * Only a PENDING task of a proposal in review can move: its execution waits on it and can be told. A proposal
 * waiting for ops has no execution waiting on its tasks, so its reserved seats stay and only its empty ones
 * are filled.
 */
export function liveRound(
  proposals: readonly Proposal[],
  tasks: ReadonlyMap<string, readonly ReviewTask[]>,
): LiveProposal[] {
  const round: LiveProposal[] = [];
  for (const p of proposals) {
    const subject = assignmentSubject(p);
    if (!subject) continue;
    const list = tasks.get(p.id) ?? [];
    const keeps = (t: ReviewTask) =>
      KEPT.has(t.status) || (t.status === 'PENDING' && p.status !== 'IN_REVIEW');
    round.push({
      proposal: subject,
      kept: list.filter(keeps).map((t) => t.reviewerId),
      movable: list.filter((t) => t.status === 'PENDING' && !keeps(t)).map((t) => t.reviewerId),
      avoid: list.filter((t) => !keeps(t) && t.status !== 'PENDING').map((t) => t.reviewerId),
    });
  }
  return round;
}

/** What the live re-plan reads of the deployment. */
export interface LiveSource {
  proposals(): Promise<Proposal[]>;
  tasks(proposalId: string): Promise<ReviewTask[]>;
  roster(): Promise<Reviewer[]>;
  profile(): Promise<Profile>;
}

/** What applying a re-plan does to the deployment, one seat at a time. */
export interface ApplyPorts {
  /** Moves one seat in one transaction (see `moveSeat`). */
  move(proposal: Proposal, from: string, to: string): Promise<MoveResult>;
  /** Tells the execution waiting on the moved task; `later` when it cannot now (the hourly sweep will). */
  tell(proposalId: string, from: string): Promise<'told' | 'later'>;
  /** Reserves reviewers for a proposal waiting for ops, then lets its execution carry on. */
  fill(
    proposal: Proposal,
    reviewers: readonly string[],
  ): Promise<Array<{ reviewer: string; reserved: boolean; reason?: string }>>;
}

/** What became of one planned seat. */
export interface SeatOutcome {
  proposal: string;
  /** The reviewer whose PENDING task the seat moves from (none for an empty seat filled). */
  from?: string;
  to: string;
  outcome: 'moved' | 'reserved' | 'not-applied';
  /** Why a seat was not applied. */
  reason?: string;
  /** For a moved seat: whether its execution has been told (`later`: by the hourly sweep). */
  told?: 'told' | 'later';
}

export interface ApplyReport {
  seats: SeatOutcome[];
  /** Ctrl-C stopped the run: the proposals after the one in hand were left untouched. */
  stopped: boolean;
}

const WHY: Record<'task-changed' | 'task-exists', (from: string, to: string) => string> = {
  'task-changed': (from) =>
    `${from} answered (or the task closed, or was not handed out yet) since the plan was read; the seat stays`,
  'task-exists': (_from, to) => `${to} already holds a task on this proposal`,
};

/**
 * Applies the moves of a live plan, proposal by proposal. A seat whose planned reviewer is full now (a later move
 * frees them) is tried again in another pass, until a pass moves nothing more. Stops between proposals when
 * `signal` is aborted.
 */
export async function applyMoves(
  moves: readonly LiveMove[],
  proposals: ReadonlyMap<string, Proposal>,
  ports: ApplyPorts,
  opts: { signal?: AbortSignal; progress?: (line: string) => void } = {},
): Promise<ApplyReport> {
  const seats: SeatOutcome[] = [];
  type Job = { proposal: Proposal; pairs: Array<[string, string]>; fill: string[] };
  let jobs: Job[] = [];
  for (const m of moves) {
    const proposal = proposals.get(m.proposal);
    if (!proposal) continue;
    const pairs = m.release.slice(0, m.add.length).map((from, i): [string, string] => [from, m.add[i]!]);
    const extra = m.add.slice(pairs.length);
    if (proposal.status === 'NEEDS_REVIEWERS') jobs.push({ proposal, pairs, fill: extra });
    else {
      jobs.push({ proposal, pairs, fill: [] });
      for (const to of extra) {
        seats.push({
          proposal: m.proposal,
          to,
          outcome: 'not-applied',
          reason: 'no pending task to move on a proposal in review',
        });
      }
    }
  }
  const total = jobs.length;
  let done = 0;
  let stopped = false;
  let lastReport = Date.now();
  for (let pass = 1; jobs.length > 0; pass++) {
    const retry: Job[] = [];
    const unavailable = new Map<string, string>();
    let moved = 0;
    for (const job of jobs) {
      if (opts.signal?.aborted) {
        stopped = true;
        break;
      }
      const id = job.proposal.id;
      const again: Array<[string, string]> = [];
      for (const [from, to] of job.pairs) {
        const result = await ports.move(job.proposal, from, to);
        if (result.outcome === 'moved') {
          moved++;
          seats.push({ proposal: id, from, to, outcome: 'moved', told: await ports.tell(id, from) });
        } else if (result.outcome === 'reviewer-unavailable') {
          again.push([from, to]);
          unavailable.set(`${id} ${from}`, result.reason.en);
        } else {
          seats.push({
            proposal: id,
            from,
            to,
            outcome: 'not-applied',
            reason: WHY[result.outcome](from, to),
          });
        }
      }
      if (job.fill.length > 0) {
        for (const r of await ports.fill(job.proposal, job.fill)) {
          seats.push({
            proposal: id,
            to: r.reviewer,
            outcome: r.reserved ? 'reserved' : 'not-applied',
            ...(r.reason ? { reason: r.reason } : {}),
          });
        }
      }
      if (again.length > 0) retry.push({ proposal: job.proposal, pairs: again, fill: [] });
      if (pass === 1) {
        done++;
        if (opts.progress && (Date.now() - lastReport > 2000 || done === total) && total >= 20) {
          opts.progress(`  ${done}/${total} proposals applied`);
          lastReport = Date.now();
        }
      }
    }
    if (stopped || moved === 0) {
      // Nothing moved in this pass: the planned reviewers are full for good (capacity changed since the plan).
      for (const job of stopped ? [] : retry) {
        for (const [from, to] of job.pairs) {
          seats.push({
            proposal: job.proposal.id,
            from,
            to,
            outcome: 'not-applied',
            reason: unavailable.get(`${job.proposal.id} ${from}`) ?? 'reviewer unavailable',
          });
        }
      }
      break;
    }
    jobs = retry;
  }
  return { seats, stopped };
}

/** The live re-plan: the moves as a dry run, or applied with `apply`. */
export async function planLiveCommand(
  opts: { json?: boolean; apply?: boolean },
  source: LiveSource,
  deps: PlanDeps & {
    solve?: LpSolver;
    progress?: (line: string) => void;
    /** With `apply`: the deployment's side of each move (default: the deployed one). */
    applyPorts?: (profile: Profile) => Promise<ApplyPorts>;
    /** Stops the apply between proposals (default: the first Ctrl-C). */
    signal?: AbortSignal;
  } = {},
): Promise<number> {
  const out = (text: string) => (deps.out ?? print)(printable(text));
  const progress = deps.progress ?? ((line: string) => printError(`${line}\n`));
  const [profile, proposals, roster] = await Promise.all([
    source.profile(),
    source.proposals(),
    source.roster(),
  ]);
  const tasks = new Map<string, ReviewTask[]>();
  for (let i = 0; i < proposals.length; i += 8) {
    const batch = proposals.slice(i, i + 8);
    const lists = await Promise.all(batch.map((p) => source.tasks(p.id)));
    for (const [k, p] of batch.entries()) tasks.set(p.id, lists[k]!);
    if (proposals.length >= 100 && (i / 8) % 25 === 0)
      progress(`  ${i + batch.length}/${proposals.length} proposals read`);
  }
  const round = liveRound(proposals, tasks);
  progress(`Planning ${round.length} proposals over ${roster.length} reviewers ...`);
  const result = await planBatch(liveInput(round, roster, profile), deps.solve ?? (await highsSolver()));
  const moves = liveMoves(round, result);
  const metrics = formatPlan(result).split('\n').slice(-4).join('\n');
  if (!opts.apply) {
    if (opts.json) {
      out(`${jsonText({ dryRun: true, moves, short: result.short, metrics: result.metrics })}\n`);
      return 0;
    }
    const lines = moves.map(
      (m) =>
        `${m.proposal}: ${m.release.length ? `release ${m.release.join(', ')}` : ''}${m.release.length && m.add.length ? '; ' : ''}${m.add.length ? `add ${m.add.join(', ')}` : ''}`,
    );
    const changed = moves.reduce((s, m) => s + m.release.length, 0);
    out(
      `${lines.join('\n')}${lines.length ? '\n\n' : ''}Dry run: ${moves.length} proposals change, ${changed} pending tasks would move; nothing was written. Apply with --apply.\n${metrics}`,
    );
    return 0;
  }

  const ports = await (deps.applyPorts ?? deployedApplyPorts)(profile);
  let signal = deps.signal;
  let onInterrupt: (() => void) | undefined;
  if (!signal) {
    const controller = new AbortController();
    signal = controller.signal;
    onInterrupt = () => {
      if (controller.signal.aborted) process.exit(130);
      progress('Stopping after the proposal in hand (Ctrl-C again to quit at once) ...');
      controller.abort();
    };
    process.on('SIGINT', onInterrupt);
  }
  if (moves.length > 0) progress(`Applying ${moves.length} proposals ...`);
  let report: ApplyReport;
  try {
    report = await applyMoves(moves, new Map(proposals.map((p) => [p.id, p])), ports, { signal, progress });
  } finally {
    if (onInterrupt) process.off('SIGINT', onInterrupt);
  }
  const moved = report.seats.filter((s) => s.outcome === 'moved');
  const reserved = report.seats.filter((s) => s.outcome === 'reserved');
  const skipped = report.seats.filter((s) => s.outcome === 'not-applied');
  const later = moved.filter((s) => s.told === 'later').length;
  if (opts.json) {
    out(
      `${jsonText({ dryRun: false, stopped: report.stopped, seats: report.seats, short: result.short, metrics: result.metrics })}\n`,
    );
  } else {
    const lines = report.seats.map((s) =>
      s.outcome === 'moved'
        ? `${s.proposal}: ${s.from} -> ${s.to} moved${s.told === 'later' ? ' (the execution hears of it at the next sweep)' : ''}`
        : s.outcome === 'reserved'
          ? `${s.proposal}: ${s.to} reserved`
          : `${s.proposal}: ${s.from ? `${s.from} -> ` : ''}${s.to} not applied: ${s.reason}`,
    );
    out(
      `${lines.join('\n')}${lines.length ? '\n\n' : ''}Applied: ${moved.length} seats moved, ${reserved.length} empty seats filled, ${skipped.length} not applied.` +
        `${later ? ` ${later} executions will hear of their move at the next hourly sweep.` : ''}` +
        `${report.stopped ? '\nStopped by Ctrl-C after the proposal in hand; every seat is either moved or untouched. Run `proposals plan --live` again to see what is left.' : ''}\n` +
        `Planned round:\n${metrics}`,
    );
  }
  return report.stopped ? 130 : 0;
}

/** The deployed round: proposals in review or waiting for reviewers, their tasks, the roster, the profile. */
export async function deployedLiveSource(profileName?: string): Promise<LiveSource> {
  const [{ awsClients, deployment }, { ProposalStore }, { listReviewers }, { deployedProfile }] =
    await Promise.all([
      import('../context'),
      import('../../functions/lib/adapters/proposals'),
      import('../../functions/lib/adapters/roster'),
      import('../profile'),
    ]);
  const { table } = await deployment();
  const doc = awsClients().doc;
  const store = new ProposalStore(doc, table);
  return {
    proposals: async () => [...(await store.list('IN_REVIEW')), ...(await store.list('NEEDS_REVIEWERS'))],
    tasks: (id) => store.reviews(id),
    roster: () => listReviewers(doc, table),
    profile: async () => (profileName ? loadProfile(profileName) : deployedProfile()),
  };
}

/** The deployed side of applying a re-plan: the table's transactions and the executions waiting on the tasks. */
export async function deployedApplyPorts(profile: Profile): Promise<ApplyPorts> {
  const [{ awsClients, deployment }, tasks, { getReviewers }, { deliverDecision }, assignment, { wakeUp }] =
    await Promise.all([
      import('../context'),
      import('../../functions/lib/adapters/review-tasks'),
      import('../../functions/lib/adapters/roster'),
      import('../../functions/lib/adapters/executions'),
      import('../../functions/lib/assignment'),
      import('./proposals'),
    ]);
  const { table } = await deployment();
  const { doc, sfn } = awsClients();
  const subjectOf = (p: Proposal) => {
    const subject = assignment.assignmentSubject(p);
    if (!subject) throw new Error(`Proposal ${p.id} has not been validated`);
    return subject;
  };
  return {
    move: (proposal, from, to) =>
      assignment.moveSeat(
        { reviewers: (ids) => getReviewers(doc, table, ids), move: (m) => tasks.moveTask(doc, table, m) },
        { ...subjectOf(proposal), status: proposal.status === 'IN_REVIEW' ? 'IN_REVIEW' : 'NEEDS_REVIEWERS' },
        from,
        to,
        profile,
        new Date(),
      ),
    async tell(proposalId, from) {
      try {
        const task = await tasks.getTaskWithToken(doc, table, proposalId, from);
        if (!task) return 'later';
        await deliverDecision(task, { sfn, doc, table });
        return 'told';
      } catch (error) {
        printError(
          `  ${proposalId}: the execution could not be told now (${(error as Error).name}); the hourly sweep will\n`,
        );
        return 'later';
      }
    },
    async fill(proposal, reviewers) {
      const results: Array<{ reviewer: string; reserved: boolean; reason?: string }> = [];
      for (const reviewer of reviewers) {
        try {
          await assignment.reserveReviewer(
            tasks.assignmentPorts(doc, table),
            subjectOf(proposal),
            reviewer,
            profile,
            new Date(),
            1,
          );
          results.push({ reviewer, reserved: true });
        } catch (error) {
          if (!(error instanceof assignment.ReviewerUnavailableError)) throw error;
          results.push({ reviewer, reserved: false, reason: error.text.en });
        }
      }
      if (results.some((r) => r.reserved)) await wakeUp(proposal.id);
      return results;
    },
  };
}
