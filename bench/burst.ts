/**
 * Deadline-day burst on the local runtime (`npm run bench:burst`, size from --size or BENCH_BURST_SIZE,
 * default 3000): imports a roster big enough for the load, uploads N generated proposals (valid and invalid,
 * three groups, one institution over its quota) in shuffled order, delivers 20 % of the S3 events a second
 * time (the same notification body, re-sent through the intake queue at a random later moment), waits until
 * every execution either ended or waits on a reviewer, then checks the invariants and reports throughput.
 * Optionally the reviews of a few proposals are answered through the review API, so they reach REVIEWED.
 * `--requests` also counts the requests the Lambdas send to DynamoDB, SES and Step Functions, per proposal and
 * operation (through the runtime's proxies, which add CPU of their own). Exits non-zero when an invariant fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { loadProfile } from '../functions/lib/adapters/profile-file';
import { importRoster } from '../functions/lib/adapters/roster';
import type { Reviewer } from '../functions/lib/model';
import { parseRoster } from '../functions/lib/roster';
import { proposalIdFor } from '../functions/lib/uploads';
import { Driver } from '../local/driver';
import type { ProxiedRequest } from '../local/emulators/fault-proxy';
import { emptyStats, type FunctionStats, type InvocationStats } from '../local/lambdas';
import { type LocalRuntime, s3Notification, startLocalRuntime } from '../local/runtime';
import { type GeneratedProposal, planProposals, planRoster } from './proposals';
import { seededRandom, shuffle } from './random';
import type { BenchResult } from './validation';

export interface BurstOptions {
  size: number;
  /** Share of S3 events delivered twice (default 0.2). */
  duplicateShare?: number;
  /** Proposals whose reviews are answered through the review API until they are REVIEWED (default 0). */
  completeReviews?: number;
  /**
   * Proposals uploaded one at a time after the burst (each waits for the runtime to settle), to measure each
   * handler's time without other invocations overlapping it in the same worker (default 0).
   */
  calibrate?: number;
  /** Uploads in flight at once (default 8). */
  concurrency?: number;
  seed?: number;
  /** Reviewer capacity in the generated roster (default 40). */
  reviewerCapacity?: number;
  /** Progress lines (default: stderr). */
  progress?: (line: string) => void;
  /** A runtime to use instead of starting one (it is then not stopped). */
  runtime?: LocalRuntime;
  /**
   * Count the requests the Lambdas send to DynamoDB, SES and Step Functions, by operation (`--requests`). They then
   * pass through the runtime's proxies, whose own CPU the CPU figures include. Not with `runtime`.
   */
  countRequests?: boolean;
}

export interface Invariant {
  name: string;
  ok: boolean;
  detail: string;
}

/** One DynamoDB item's type and approximate stored size, for the cost estimate. */
export interface ItemSizes {
  /** Items per type over the whole table after the burst. */
  count: Record<string, number>;
  /** Mean approximate size (bytes) per item type. */
  meanBytes: Record<string, number>;
}

export interface BurstReport {
  /** Proposals uploaded in the burst (the calibration uploads come on top). */
  size: number;
  distinctUploads: number;
  duplicatesDelivered: number;
  registered: number;
  executionsStarted: number;
  statuses: Record<string, number>;
  /** Mean history events per proposal, by final status. */
  eventsByStatus: Record<string, number>;
  expected: { valid: number; invalid: number; overQuota: number; completed: number };
  reviewTasks: number;
  reviewEmails: number;
  otherEmails: number;
  reviewers: number;
  overCapacity: number;
  loadMismatches: number;
  duplicateAssignments: number;
  deadLetters: number;
  bootMs: number;
  /** From the first upload until the runtime settled (the reviews answered afterwards are not included). */
  wallMs: number;
  throughput: number;
  /** Sum of the handlers' own time during the same window, and per function (logical id). */
  handlerMs: number;
  overhead: number;
  lambdas: Record<string, FunctionStats & { memorySize: number }>;
  /** Executions that did not succeed, by error and the first words of the cause. */
  executionFailures: Record<string, number>;
  /**
   * Task attempts the local Lambda refused for want of concurrency (retried by the definition), per state; the
   * most throttled attempts in a row of one state entry; batches the intake queue got back from a throttle.
   */
  throttles: { total: number; byState: Record<string, number>; maxStreak: number; intakeBatches: number };
  /** Handler time per function in the one-at-a-time window (answered reviews, calibration uploads). */
  calibration: Record<string, { invocations: number; handlerMs: number }>;
  /** Task states entered, per state name (from the local Step Functions), over the whole run. */
  transitions: Record<string, number>;
  /** Proposals per path, for comparing with the definition: rejected, waiting on reviewers, reviewed. */
  paths: { rejected: number; inReview: number; reviewed: number };
  reviewsAnswered: number;
  items: ItemSizes;
  invariants: Invariant[];
  /** Requests the Lambdas sent during the burst, by `service operation` (with `countRequests`). */
  requests?: Record<string, number>;
  /**
   * CPU time (user + system, seconds) spent from the first upload until settled: this process (the runtime's main
   * thread, the Lambda sandboxes, s3rver, SES and the Step Functions interpreter) and its child processes
   * (DynamoDB Local's JVM). Unlike the wall time it hardly depends on what else the machine runs.
   * Of the runtime process: its main thread, and the Lambda sandboxes' threads (in all, and within invocations);
   * the rest are V8's and libuv's helper threads (garbage collection, compilation). Undefined where /proc is
   * missing.
   */
  cpu?: {
    runtimeS: number;
    dynamoDbS: number;
    mainThreadS: number;
    sandboxesS: number;
    invocationsS: number;
    /**
     * The whole machine over the same window (/proc/stat, every core): CPU time the hypervisor gave to other
     * guests (steal), and time the cores stood idle. Steal slows every thread of a run alike, so runs are
     * comparable only when it is small.
     */
    machine?: { stealS: number; idleS: number };
  };
}

/** CPU seconds (user + system) of a /proc entry: a process id, `self`, or one thread (`self/task/<tid>`). */
function processCpu(pid: number | string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The machine's CPU time stolen by the hypervisor and idle, all cores, in seconds (/proc/stat; Linux). */
function machineNow(): { stealS: number; idleS: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      ?.trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    if (!fields || fields.length < 8 || fields.some(Number.isNaN)) return undefined;
    // user nice system idle iowait irq softirq steal ..., in USER_HZ (100 a second)
    return { idleS: ((fields[3] ?? 0) + (fields[4] ?? 0)) / 100, stealS: (fields[7] ?? 0) / 100 };
  } catch {
    return undefined;
  }
}

/** CPU time of this process and of its children (the emulators in their own processes: DynamoDB Local). */
function cpuNow(): { self: number; children: number; main: number } | undefined {
  const self = processCpu('self');
  const main = processCpu(`self/task/${process.pid}`);
  if (self === undefined || main === undefined) return undefined;
  let children = 0;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const listed = readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim();
      for (const pid of listed ? listed.split(' ') : []) children += processCpu(Number(pid)) ?? 0;
    }
  } catch {
    return undefined;
  }
  return { self, children, main };
}

/** CPU seconds of the Lambda sandboxes' threads between two snapshots: in all, and within invocations. */
function sandboxCpu(before: Map<string, InvocationStats>, after: Map<string, InvocationStats>) {
  let threads = 0;
  let invocations = 0;
  for (const [name, s] of after) {
    threads += s.threadCpuMs - (before.get(name)?.threadCpuMs ?? 0);
    invocations += s.cpuMs - (before.get(name)?.cpuMs ?? 0);
  }
  return { sandboxesS: threads / 1000, invocationsS: invocations / 1000 };
}

const STUCK = ['RECEIVED', 'VALIDATING', 'ASSIGNING'];

function snapshot(stats: Map<string, InvocationStats>): Map<string, InvocationStats> {
  return new Map([...stats.entries()].map(([name, s]) => [name, { ...s }]));
}

/** Invocations and handler time per function (logical id) between two snapshots. */
function delta(
  before: Map<string, InvocationStats>,
  after: Map<string, InvocationStats>,
  runtime: LocalRuntime,
): Record<string, { invocations: number; handlerMs: number }> {
  const out: Record<string, { invocations: number; handlerMs: number }> = {};
  for (const fn of runtime.lambdas.functions()) {
    const a = after.get(fn.name);
    const b = before.get(fn.name);
    const invocations = (a?.invocations ?? 0) - (b?.invocations ?? 0);
    if (invocations > 0)
      out[fn.logicalId] = { invocations, handlerMs: (a?.handlerMs ?? 0) - (b?.handlerMs ?? 0) };
  }
  return out;
}

/** Runs the burst on a runtime (started here unless given) and returns the report; never throws on a failed invariant. */
export async function runBurst(options: BurstOptions): Promise<BurstReport> {
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const profile = loadProfile('kipp');
  const seed = options.seed ?? 2025;
  const calibrate = options.calibrate ?? 0;
  const plan = planProposals(options.size + calibrate, profile, seed);
  const roster = planRoster(plan, profile, options.reviewerCapacity ?? 40);

  if (options.countRequests && options.runtime)
    throw new Error('countRequests needs a runtime of its own: leave out `runtime`');
  const requests = new Map<string, number>();
  let counting = false;
  const countRequest = (request: ProxiedRequest) => {
    if (!counting) return undefined;
    const key = `${request.service} ${request.operation}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    return undefined; // counted, never failed
  };
  const bootStarted = performance.now();
  const owned = !options.runtime;
  const runtime =
    options.runtime ??
    (await startLocalRuntime({
      log: (line) => progress(`[runtime] ${line}`),
      faults: options.countRequests ? countRequest : undefined,
    }));
  const bootMs = performance.now() - bootStarted;
  try {
    const driver = new Driver(runtime);
    const parsed = parseRoster(roster.csv, 'bench-roster.csv', profile);
    if (parsed.errors.length > 0)
      throw new Error(`Generated roster refused: ${JSON.stringify(parsed.errors[0])}`);
    await importRoster(driver.doc, runtime.names.table, parsed.reviewers);
    progress(
      `[burst] roster: ${parsed.reviewers.length} reviewers; uploading ${plan.proposals.length} proposals ` +
        `(${plan.expected.valid} valid, ${plan.expected.invalid} invalid, ${plan.expected['over-quota']} over quota)`,
    );

    const random = seededRandom(seed + 1);
    const order = shuffle(plan.proposals.slice(0, options.size), random);
    const sequential = plan.proposals.slice(options.size);
    const duplicateShare = options.duplicateShare ?? 0.2;
    const duplicated = new Set(
      shuffle([...order], random).slice(0, Math.round(order.length * duplicateShare)),
    );
    const ids = new Map<number, string>();
    const statsBefore = snapshot(runtime.lambdas.stats);
    let uploaded = 0;
    let duplicatesDelivered = 0;
    const cpuBefore = cpuNow();
    const machineBefore = machineNow();
    const started = performance.now();
    counting = true;
    const ticker = setInterval(() => {
      const { running, waitingOnPeople } = runtime.sfn.running();
      progress(
        `[burst] ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s  uploaded ${uploaded}/${order.length}` +
          ` (+${duplicatesDelivered} repeated events)  queue ${runtime.queue.depth}` +
          `  executions ${runtime.sfn.executions.size} (${running - waitingOnPeople} busy, ${waitingOnPeople} waiting on reviewers)` +
          `  throttles ${runtime.sfn.totalThrottles}`,
      );
    }, 2000);
    ticker.unref();

    const pendingDuplicates: Array<Promise<void>> = [];
    const uploadOne = async (proposal: GeneratedProposal) => {
      const body = new TextEncoder().encode(proposal.body);
      const key = `incoming/${proposal.agency}/${proposal.fileName}`;
      const out = await driver.s3.send(
        new PutObjectCommand({
          Bucket: runtime.names.bucket,
          Key: key,
          Body: body,
        }),
      );
      const etag = out.ETag?.replace(/"/g, '');
      ids.set(proposal.index, proposalIdFor(runtime.names.bucket, key, out.VersionId ?? etag));
      uploaded += 1;
      if (duplicated.has(proposal)) {
        // The same notification S3 would send again, delivered a little later, among other uploads.
        const delay = Math.floor(random() * 1500);
        pendingDuplicates.push(
          new Promise<void>((done) =>
            setTimeout(() => {
              runtime.queue.send(
                JSON.stringify(
                  s3Notification({
                    eventName: 'ObjectCreated:Put',
                    bucket: runtime.names.bucket,
                    key,
                    size: body.length,
                    eTag: etag,
                    versionId: out.VersionId,
                  }),
                ),
              );
              duplicatesDelivered += 1;
              done();
            }, delay),
          ),
        );
      }
    };
    const concurrency = options.concurrency ?? 8;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < order.length) {
          const proposal = order[next++] as GeneratedProposal;
          await uploadOne(proposal);
        }
      }),
    );
    await Promise.all(pendingDuplicates);
    await runtime.settle(Math.max(180_000, options.size * 400));
    const wallMs = performance.now() - started;
    const cpuAfter = cpuNow();
    const machineAfter = machineNow();
    counting = false;
    clearInterval(ticker);
    const statsAfter = snapshot(runtime.lambdas.stats);
    progress(`[burst] settled after ${(wallMs / 1000).toFixed(1)} s`);

    // Optionally answer the reviews of the first few valid proposals, so they take the whole happy path.
    // From here on one thing happens at a time: the handler times of this window are uncontended.
    const calibrationBefore = snapshot(runtime.lambdas.stats);
    let reviewsAnswered = 0;
    const completeIds = new Set<string>();
    if ((options.completeReviews ?? 0) > 0) {
      const chosen = plan.proposals.filter((p) => p.expected === 'valid').slice(0, options.completeReviews);
      for (const p of chosen) completeIds.add(ids.get(p.index) as string);
    }

    const scan = await scanTable(driver, runtime.names.table);
    if (completeIds.size > 0) {
      const links = await driver.reviewLinks();
      const byReviewId = new Map(scan.tasks.map((t) => [String(t.reviewId), t]));
      for (const link of links) {
        const reviewId = new URL(link.link).searchParams.get('r') ?? '';
        const task = byReviewId.get(reviewId);
        if (!task || !completeIds.has(String(task.proposalId))) continue;
        await driver.completeReview(link.link, `${link.to}|${reviewId}`);
        reviewsAnswered += 1;
      }
      await runtime.settle(120_000);
      progress(`[burst] answered ${reviewsAnswered} reviews of ${completeIds.size} proposals`);
    }
    for (const proposal of sequential) {
      await uploadOne(proposal);
      await Promise.all(pendingDuplicates);
      await runtime.settle(120_000);
    }
    if (sequential.length > 0) progress(`[burst] ${sequential.length} proposals uploaded one at a time`);
    const calibration = delta(calibrationBefore, snapshot(runtime.lambdas.stats), runtime);

    return await report({
      runtime,
      driver,
      plan,
      ids,
      completeIds,
      reviewsAnswered,
      duplicatesDelivered,
      bootMs,
      wallMs,
      statsBefore,
      statsAfter,
      calibration,
      burstSize: order.length,
      reviewersPerProposal: profile.review.reviewersPerProposal,
      cpu:
        cpuBefore && cpuAfter
          ? {
              runtimeS: cpuAfter.self - cpuBefore.self,
              dynamoDbS: cpuAfter.children - cpuBefore.children,
              mainThreadS: cpuAfter.main - cpuBefore.main,
              ...sandboxCpu(statsBefore, statsAfter),
              machine:
                machineBefore && machineAfter
                  ? {
                      stealS: machineAfter.stealS - machineBefore.stealS,
                      idleS: machineAfter.idleS - machineBefore.idleS,
                    }
                  : undefined,
            }
          : undefined,
      requests: options.countRequests ? Object.fromEntries(requests) : undefined,
    });
  } finally {
    if (owned) await runtime.stop();
  }
}

interface Scan {
  proposals: Array<Record<string, unknown>>;
  /** History events per proposal id. */
  events: Map<string, number>;
  tasks: Array<Record<string, unknown>>;
  reviewers: Reviewer[];
  items: ItemSizes;
}

function itemType(item: Record<string, unknown>): string {
  const pk = String(item.PK ?? '');
  const sk = String(item.SK ?? '');
  if (pk.startsWith('PROPOSAL#'))
    return sk === 'META' ? 'proposal' : sk.split('#')[0]?.toLowerCase() || 'other';
  return pk.split('#')[0]?.toLowerCase() || 'other';
}

async function scanTable(driver: Driver, table: string): Promise<Scan> {
  const scan: Scan = {
    proposals: [],
    events: new Map(),
    tasks: [],
    reviewers: [],
    items: { count: {}, meanBytes: {} },
  };
  const bytes: Record<string, number> = {};
  for await (const page of paginateScan({ client: driver.doc }, { TableName: table })) {
    for (const item of page.Items ?? []) {
      const type = itemType(item);
      scan.items.count[type] = (scan.items.count[type] ?? 0) + 1;
      // DynamoDB bills names plus values; the JSON length is close enough for a cost estimate.
      bytes[type] = (bytes[type] ?? 0) + JSON.stringify(item).length;
      if (type === 'proposal') scan.proposals.push(item);
      else if (type === 'review') scan.tasks.push(item);
      else if (type === 'event') {
        const id = String(item.PK).slice('PROPOSAL#'.length);
        scan.events.set(id, (scan.events.get(id) ?? 0) + 1);
      } else if (type === 'reviewer') scan.reviewers.push(item as unknown as Reviewer);
    }
  }
  for (const [type, total] of Object.entries(bytes)) {
    scan.items.meanBytes[type] = Math.round(total / (scan.items.count[type] ?? 1));
  }
  return scan;
}

async function report(input: {
  runtime: LocalRuntime;
  driver: Driver;
  plan: ReturnType<typeof planProposals>;
  ids: Map<number, string>;
  completeIds: Set<string>;
  reviewsAnswered: number;
  duplicatesDelivered: number;
  bootMs: number;
  wallMs: number;
  statsBefore: Map<string, InvocationStats>;
  statsAfter: Map<string, InvocationStats>;
  calibration: BurstReport['calibration'];
  burstSize: number;
  reviewersPerProposal: number;
  cpu: BurstReport['cpu'];
  requests: BurstReport['requests'];
}): Promise<BurstReport> {
  const { runtime, driver, plan, ids, completeIds } = input;
  const scan = await scanTable(driver, runtime.names.table);
  const ours = new Set(ids.values());
  const proposals = scan.proposals.filter((p) => ours.has(String(p.id)));
  const statuses: Record<string, number> = {};
  const events: Record<string, number> = {};
  for (const p of proposals) {
    statuses[String(p.status)] = (statuses[String(p.status)] ?? 0) + 1;
    events[String(p.status)] = (events[String(p.status)] ?? 0) + (scan.events.get(String(p.id)) ?? 0);
  }
  const eventsByStatus = Object.fromEntries(
    Object.entries(events).map(([status, n]) => [status, n / (statuses[status] ?? 1)]),
  );
  const executions = [...runtime.sfn.executions.values()].filter((e) => ours.has(e.name));

  const tasks = scan.tasks.filter((t) => ours.has(String(t.proposalId)));
  const tasksPerProposal = new Map<string, number>();
  for (const t of tasks)
    tasksPerProposal.set(String(t.proposalId), (tasksPerProposal.get(String(t.proposalId)) ?? 0) + 1);

  // Review emails: one per task; the same (proposal, reviewer) twice is a duplicate assignment.
  const byReviewId = new Map(tasks.map((t) => [String(t.reviewId), t]));
  const emails = await driver.emails();
  let reviewEmails = 0;
  let otherEmails = 0;
  const emailed = new Map<string, number>();
  for (const email of emails) {
    const match = /\/review\?r=([A-Za-z0-9_-]+)/.exec(email.body.text ?? '');
    const task = match?.[1] ? byReviewId.get(match[1]) : undefined;
    if (!task) {
      otherEmails += 1;
      continue;
    }
    reviewEmails += 1;
    const pair = `${task.proposalId}|${task.reviewerId}`;
    emailed.set(pair, (emailed.get(pair) ?? 0) + 1);
  }
  const duplicateEmails = [...emailed.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const overfull = [...tasksPerProposal.values()].filter((n) => n > input.reviewersPerProposal).length;

  // Reviewer load: never above capacity, and equal to the seats the reviewer holds (open or submitted tasks;
  // a decline, timeout or reassignment gives the seat back).
  const openTasks = new Map<string, number>();
  for (const t of scan.tasks) {
    if (t.status === 'PENDING' || t.status === 'ACCEPTED' || t.status === 'SUBMITTED')
      openTasks.set(String(t.reviewerId), (openTasks.get(String(t.reviewerId)) ?? 0) + 1);
  }
  const overCapacity = scan.reviewers.filter((r) => r.load > r.capacity).length;
  const loadMismatches = scan.reviewers.filter((r) => r.load !== (openTasks.get(r.id) ?? 0)).length;

  let handlerMs = 0;
  const lambdas: BurstReport['lambdas'] = {};
  for (const fn of runtime.lambdas.functions()) {
    const after = input.statsAfter.get(fn.name);
    const before = input.statsBefore.get(fn.name);
    const windowMs = (after?.handlerMs ?? 0) - (before?.handlerMs ?? 0);
    handlerMs += windowMs;
    const total = runtime.lambdas.stats.get(fn.name) ?? emptyStats();
    lambdas[fn.logicalId] = { ...total, memorySize: fn.memorySize };
  }

  const executionFailures: Record<string, number> = {};
  for (const e of executions) {
    if (e.status === 'SUCCEEDED' || e.status === 'RUNNING') continue;
    const key = `${e.status} ${e.error ?? ''}: ${(e.cause ?? '').slice(0, 60)}`;
    executionFailures[key] = (executionFailures[key] ?? 0) + 1;
  }

  const expectedRejected = plan.expected.invalid + plan.expected['over-quota'];
  const reviewed = statuses.REVIEWED ?? 0;
  const inReview = statuses.IN_REVIEW ?? 0;
  const stuck = STUCK.reduce((sum, s) => sum + (statuses[s] ?? 0), 0);
  const distinctUploads = ids.size;
  const invariant = (name: string, ok: boolean, detail: string): Invariant => ({ name, ok, detail });
  const invariants: Invariant[] = [
    invariant(
      'registered = distinct uploads',
      proposals.length === distinctUploads,
      `${proposals.length} / ${distinctUploads}`,
    ),
    invariant(
      'one execution per proposal',
      executions.length === proposals.length,
      `${executions.length} / ${proposals.length}`,
    ),
    invariant('none stuck in RECEIVED/VALIDATING/ASSIGNING', stuck === 0, `${stuck}`),
    invariant(
      'none FAILED or NEEDS_REVIEWERS',
      (statuses.FAILED ?? 0) + (statuses.NEEDS_REVIEWERS ?? 0) === 0,
      `FAILED ${statuses.FAILED ?? 0}, NEEDS_REVIEWERS ${statuses.NEEDS_REVIEWERS ?? 0}`,
    ),
    invariant(
      'rejected = invalid + over quota',
      (statuses.REJECTED ?? 0) === expectedRejected,
      `${statuses.REJECTED ?? 0} / ${expectedRejected}`,
    ),
    invariant(
      'valid proposals in review or reviewed',
      inReview + reviewed === plan.expected.valid,
      `${inReview + reviewed} / ${plan.expected.valid}`,
    ),
    invariant(
      'answered proposals reviewed',
      reviewed === completeIds.size,
      `${reviewed} / ${completeIds.size}`,
    ),
    invariant(
      'review emails = assigned tasks',
      reviewEmails === tasks.length,
      `${reviewEmails} / ${tasks.length}`,
    ),
    invariant(
      'tasks = reviewers per proposal x valid',
      tasks.length === plan.expected.valid * input.reviewersPerProposal,
      `${tasks.length} / ${plan.expected.valid * input.reviewersPerProposal}`,
    ),
    invariant('reviewers over capacity', overCapacity === 0, `${overCapacity}`),
    invariant('reviewer load = seats held', loadMismatches === 0, `${loadMismatches} mismatched`),
    invariant(
      'duplicate assignments',
      duplicateEmails + overfull === 0,
      `${duplicateEmails} repeated emails, ${overfull} proposals over-assigned`,
    ),
    invariant('dead letters', runtime.queue.deadLetters.length === 0, `${runtime.queue.deadLetters.length}`),
  ];

  return {
    size: input.burstSize,
    distinctUploads,
    duplicatesDelivered: input.duplicatesDelivered,
    registered: proposals.length,
    executionsStarted: executions.length,
    statuses,
    eventsByStatus,
    expected: {
      valid: plan.expected.valid,
      invalid: plan.expected.invalid,
      overQuota: plan.expected['over-quota'],
      completed: completeIds.size,
    },
    reviewTasks: tasks.length,
    reviewEmails,
    otherEmails,
    reviewers: scan.reviewers.length,
    overCapacity,
    loadMismatches,
    duplicateAssignments: duplicateEmails + overfull,
    deadLetters: runtime.queue.deadLetters.length,
    bootMs: input.bootMs,
    wallMs: input.wallMs,
    throughput: input.burstSize / (input.wallMs / 1000),
    calibration: input.calibration,
    handlerMs,
    overhead: input.wallMs / handlerMs,
    lambdas,
    executionFailures,
    throttles: {
      total: runtime.sfn.totalThrottles,
      byState: Object.fromEntries(runtime.sfn.throttles),
      maxStreak: runtime.sfn.maxThrottleStreak,
      intakeBatches: runtime.queue.throttled,
    },
    transitions: Object.fromEntries(runtime.sfn.transitions),
    paths: { rejected: statuses.REJECTED ?? 0, inReview, reviewed },
    reviewsAnswered: input.reviewsAnswered,
    items: scan.items,
    invariants,
    cpu: input.cpu,
    requests: input.requests,
  };
}

/** Requests per proposal by service, each with its operations, most first: `dynamodb 29.1 (GetItem 7.9, ...)`. */
export function requestsPerProposal(requests: Record<string, number>, size: number): string[] {
  const services = new Map<string, Map<string, number>>();
  for (const [key, n] of Object.entries(requests)) {
    const [service = '', operation = ''] = key.split(' ');
    const ops = services.get(service) ?? new Map<string, number>();
    ops.set(operation, (ops.get(operation) ?? 0) + n);
    services.set(service, ops);
  }
  const total = (ops: Map<string, number>) => [...ops.values()].reduce((a, b) => a + b, 0);
  const each = (n: number) => round(n / size, 2).toFixed(2);
  return [...services]
    .sort((a, b) => total(b[1]) - total(a[1]))
    .map(([service, ops]) => {
      const parts = [...ops].sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${each(n)}`);
      return `${service} ${each(total(ops))} (${parts.join(', ')})`;
    });
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The burst as benchmark rows. */
export function burstResults(r: BurstReport): BenchResult[] {
  const statusNote = Object.entries(r.statuses)
    .sort()
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  const failed = r.invariants.filter((i) => !i.ok);
  return [
    {
      name: 'burst.proposals',
      value: r.size,
      unit: '',
      note: `${r.duplicatesDelivered} S3 events delivered twice, shuffled`,
    },
    {
      name: 'burst.registered',
      value: r.registered,
      unit: '',
      note: `distinct uploads ${r.distinctUploads}`,
    },
    { name: 'burst.executions', value: r.executionsStarted, unit: '', note: statusNote },
    { name: 'burst.reviewEmails', value: r.reviewEmails, unit: '', note: `assigned tasks ${r.reviewTasks}` },
    {
      name: 'burst.reviewersOverCapacity',
      value: r.overCapacity,
      unit: '',
      note: `${r.reviewers} reviewers`,
    },
    { name: 'burst.duplicateAssignments', value: r.duplicateAssignments, unit: '' },
    {
      name: 'burst.wall',
      value: round(r.wallMs / 1000, 1),
      unit: 's',
      note: `first upload to settled; boot ${round(r.bootMs / 1000, 1)} s not included`,
    },
    { name: 'burst.throughput', value: round(r.throughput, 2), unit: '/s', note: 'proposals per second' },
    {
      name: 'burst.handlerTime',
      value: round(r.handlerMs / 1000, 1),
      unit: 's',
      note: 'sum of the handlers\u2019 own time',
    },
    {
      name: 'burst.overhead',
      value: round(r.overhead, 2),
      unit: 'x',
      note: 'wall time / sum of handler time (2 cores)',
    },
    ...cpuRows(r),
    {
      name: 'burst.throttles',
      value: r.throttles.total,
      unit: '',
      note:
        `task attempts refused with Lambda.TooManyRequestsException and retried (${
          Object.entries(r.throttles.byState)
            .map(([state, n]) => `${state} ${n}`)
            .join(', ') || 'none'
        }); at most ${r.throttles.maxStreak} in a row for one state entry; ` +
        `${r.throttles.intakeBatches} intake batches put back`,
    },
    {
      name: 'burst.invariants',
      value: r.invariants.length - failed.length,
      unit: `/${r.invariants.length}`,
      note: failed.length ? `FAILED: ${failed.map((i) => `${i.name} (${i.detail})`).join('; ')}` : 'all hold',
    },
  ];
}

/** CPU per proposal, where it was spent, and the throughput it allows on this machine's cores. */
function cpuRows(r: BurstReport): BenchResult[] {
  if (!r.cpu) return [];
  const perProposal = (seconds: number) => round((seconds / r.size) * 1000, 0);
  const total = r.cpu.runtimeS + r.cpu.dynamoDbS;
  const ceiling = (availableParallelism() * r.size) / total;
  const { mainThreadS, sandboxesS, invocationsS } = r.cpu;
  const helpers = r.cpu.runtimeS - mainThreadS - sandboxesS;
  return [
    {
      name: 'burst.cpuPerProposal',
      value: perProposal(total),
      unit: 'ms',
      note:
        `runtime process ${perProposal(r.cpu.runtimeS)} ms: Lambda sandboxes ${perProposal(sandboxesS)} ` +
        `(${perProposal(invocationsS)} in invocations), main thread ${perProposal(mainThreadS)} (Step Functions, ` +
        `S3, SES, the hand-over to sandboxes), V8 and libuv helper threads ${perProposal(helpers)} (GC, ` +
        `compilation); DynamoDB Local ${perProposal(r.cpu.dynamoDbS)} ms; ${round(ceiling, 1)}/s if CPU were the only limit ` +
        `(${availableParallelism()} cores)`,
    },
    ...(r.cpu.machine
      ? [
          {
            name: 'burst.steal',
            value: round(r.cpu.machine.stealS, 1),
            unit: 's',
            note:
              `CPU time the hypervisor gave to other guests during the burst (the cores also stood idle ` +
              `${round(r.cpu.machine.idleS, 1)} s): it slows every thread alike, so compare runs with little of it`,
          },
        ]
      : []),
  ];
}

export function formatBurst(r: BurstReport): string {
  const lines = burstResults(r).map(
    (row) =>
      `${row.name.padEnd(28)} ${String(row.value).padStart(10)} ${row.unit.padEnd(4)} ${row.note ?? ''}`,
  );
  lines.push('', 'Invariants:');
  for (const i of r.invariants) lines.push(`  ${i.ok ? 'ok  ' : 'FAIL'} ${i.name.padEnd(46)} ${i.detail}`);
  lines.push('', "Handlers (whole run; cpu: the sandbox thread's own; wait: for a free sandbox):");
  const cpuMean = (s: InvocationStats) =>
    s.cpuMs > 0
      ? `${round(s.cpuMs / s.invocations, 1)
          .toString()
          .padStart(6)} ms cpu  `
      : '';
  for (const [id, s] of Object.entries(r.lambdas)) {
    if (s.invocations === 0) continue;
    const waits = s.waitMs / s.invocations;
    lines.push(
      `  ${id.padEnd(34)} ${String(s.invocations).padStart(6)} calls  ${round(s.handlerMs / s.invocations, 1)
        .toString()
        .padStart(7)} ms mean  ${cpuMean(s)}${s.errors} errors  wait ${round(waits / 1000, 2)} s mean, ` +
        `${round(s.maxWaitMs / 1000, 1)} s max  peak ${s.peakConcurrency}`,
    );
  }
  if (r.requests) {
    const all = Object.values(r.requests).reduce((a, b) => a + b, 0);
    lines.push('', `Requests the Lambdas sent per proposal: ${round(all / r.size, 2).toFixed(2)}`);
    for (const line of requestsPerProposal(r.requests, r.size)) lines.push(`  ${line}`);
  }
  const failures = Object.entries(r.executionFailures);
  if (failures.length > 0) {
    lines.push('', 'Executions that did not succeed:');
    for (const [what, n] of failures) lines.push(`  ${String(n).padStart(6)}  ${what}`);
  }
  return lines.join('\n');
}

function sizeFromArgs(argv: string[]): number {
  const flag = argv.findIndex((a) => a === '--size' || a.startsWith('--size='));
  const raw =
    flag >= 0
      ? argv[flag]?.includes('=')
        ? argv[flag]?.split('=')[1]
        : argv[flag + 1]
      : process.env.BENCH_BURST_SIZE;
  const size = Number(raw ?? 3000);
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`--size must be a positive whole number, not "${raw}"`);
  return size;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const size = sizeFromArgs(process.argv.slice(2));
  const result = await runBurst({
    size,
    countRequests: process.argv.includes('--requests'),
    completeReviews: Number(process.env.BENCH_COMPLETE_REVIEWS ?? 0),
    calibrate: Number(process.env.BENCH_CALIBRATE ?? 0),
  });
  process.stdout.write(`${formatBurst(result)}\n`);
  process.exit(result.invariants.every((i) => i.ok) ? 0 : 1);
}
