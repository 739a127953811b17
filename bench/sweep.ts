/**
 * The hourly reminder sweep at a season's scale, on the local runtime (`npx tsx bench/sweep.ts`, part of
 * `npm run bench`): BENCH_SWEEP_PROPOSALS proposals (default 3,000) in review with three open tasks each, all due a
 * reminder at the moment of the sweep; the synthesized reminders function (its bundle, its template timeout) runs
 * once to send them all, then once more an hour later with nothing left to send. Reports tasks swept per second
 * for both, and checks every task got exactly one reminder.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { listReviewers } from '../functions/lib/adapters/roster';
import { keys } from '../functions/lib/model';
import type { SweepResult } from '../functions/reminders';
import { Driver } from '../local/driver';
import { type LocalRuntime, startLocalRuntime } from '../local/runtime';
import type { BenchResult } from './validation';

const DAY = 86_400_000;
const REVIEWERS_PER_PROPOSAL = 3;

/** How to read the figures (BENCHMARKS.md). */
export const SWEEP_NOTE =
  'Locally each send goes to the SES emulator and each write to DynamoDB Local on the same 2 cores; on AWS the sweep is bound by SES\u2019s sending rate (14/s by default, 8 tasks in flight) and DynamoDB round trips instead.';

export interface SweepBench {
  tasks: number;
  reminding: { ms: number; result: SweepResult };
  idle: { ms: number; result: SweepResult };
  remindersSent: number;
  timeoutSeconds: number;
}

async function writeAll(doc: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[]) {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending = batches[next++]?.map((Item) => ({ PutRequest: { Item } })) ?? [];
      while (pending.length > 0) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Proposals in review and their open tasks, as the pipeline stores them, all due on `dueAt`. */
function seasonItems(proposals: number, reviewerIds: string[], dueAt: Date, now: Date) {
  const items: Record<string, unknown>[] = [];
  const at = now.toISOString();
  const due = dueAt.toISOString();
  for (let i = 0; i < proposals; i++) {
    const id = `bench-sweep-${String(i).padStart(5, '0')}`;
    items.push({
      ...keys.proposal(id),
      ...keys.statusListing('IN_REVIEW', at, id),
      id,
      bucket: 'bench',
      key: `incoming/pemkot-bench/${id}.md`,
      agency: 'pemkot-bench',
      status: 'IN_REVIEW',
      reason: 'In review',
      receivedAt: at,
      updatedAt: at,
      title: `Inovasi layanan publik nomor ${i}`,
      institution: `Dinas Bench ${i % 97}`,
      group: 'umum',
      category: 'kesehatan',
      reviewersNeeded: REVIEWERS_PER_PROPOSAL,
      seq: 1,
    });
    for (let r = 0; r < REVIEWERS_PER_PROPOSAL; r++) {
      const reviewerId = reviewerIds[(i * REVIEWERS_PER_PROPOSAL + r) % reviewerIds.length] as string;
      items.push({
        ...keys.review(id, reviewerId),
        ...keys.openTask(due, id, reviewerId),
        ...keys.reviewerTasks(reviewerId, due, id),
        proposalId: id,
        reviewerId,
        reviewId: randomBytes(16).toString('base64url'),
        status: 'PENDING',
        attempt: 1,
        assignedAt: at,
        dueAt: due,
        token: `bench-token-${id}-${reviewerId}`,
      });
    }
  }
  return items;
}

export async function runSweepBench(
  options: { proposals?: number; runtime?: LocalRuntime; progress?: (line: string) => void } = {},
): Promise<SweepBench> {
  const proposals = options.proposals ?? Number(process.env.BENCH_SWEEP_PROPOSALS ?? 3000);
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const runtime = options.runtime ?? (await startLocalRuntime({ log: () => {} }));
  try {
    const driver = new Driver(runtime);
    await driver.importRoster();
    const ids = (await listReviewers(driver.doc, runtime.names.table)).map((reviewer) => reviewer.id);
    const now = new Date();
    const dueAt = new Date(now.getTime() + 14 * DAY);
    const items = seasonItems(proposals, ids, dueAt, now);
    progress(
      `[sweep] writing ${proposals} proposals and ${proposals * REVIEWERS_PER_PROPOSAL} open tasks ...`,
    );
    await writeAll(driver.doc, runtime.names.table, items);
    const mailBefore = (await driver.emails()).length;

    // Two and a half days before the due date: every task is due its first reminder (three days before).
    const sweepAt = new Date(dueAt.getTime() - 2.5 * DAY);
    progress('[sweep] sweeping with every task due a reminder ...');
    let started = performance.now();
    const [reminding] = (await runtime.runSchedules(sweepAt)) as SweepResult[];
    const remindingMs = performance.now() - started;
    progress('[sweep] sweeping again an hour later (nothing to send) ...');
    started = performance.now();
    const [idle] = (await runtime.runSchedules(new Date(sweepAt.getTime() + 3_600_000))) as SweepResult[];
    const idleMs = performance.now() - started;
    const remindersSent = (await driver.emails()).length - mailBefore;
    const fn = runtime.lambdas
      .functions()
      .find((f) => f.environment.POWERTOOLS_SERVICE_NAME === 'proposals-reminders');
    if (!reminding || !idle) throw new Error('The reminders function returned no result');
    return {
      tasks: proposals * REVIEWERS_PER_PROPOSAL,
      reminding: { ms: remindingMs, result: reminding },
      idle: { ms: idleMs, result: idle },
      remindersSent,
      timeoutSeconds: fn?.timeoutSeconds ?? 0,
    };
  } finally {
    if (!options.runtime) await runtime.stop();
  }
}

export function sweepResults(bench: SweepBench): BenchResult[] {
  const perSecond = (ms: number) => Math.round((bench.tasks / ms) * 1000);
  return [
    {
      name: `Sweep with ${bench.tasks} open tasks all due a reminder`,
      value: perSecond(bench.reminding.ms),
      unit: 'tasks/s',
      note: `${(bench.reminding.ms / 1000).toFixed(1)} s for ${bench.reminding.result.reminded} reminders (${bench.remindersSent} emails), complete=${bench.reminding.result.complete}, failed=${bench.reminding.result.failed}; function timeout ${bench.timeoutSeconds} s`,
    },
    {
      name: `Sweep of the same ${bench.tasks} tasks an hour later (nothing due)`,
      value: perSecond(bench.idle.ms),
      unit: 'tasks/s',
      note: `${(bench.idle.ms / 1000).toFixed(1)} s, checked=${bench.idle.result.checked}, reminded=${bench.idle.result.reminded}`,
    },
  ];
}

/** True when every task got one reminder, the second sweep sent none and both sweeps finished. */
export function sweepHolds(bench: SweepBench): boolean {
  return (
    bench.reminding.result.reminded === bench.tasks &&
    bench.remindersSent === bench.tasks &&
    bench.reminding.result.complete &&
    bench.idle.result.reminded === 0 &&
    bench.idle.result.complete
  );
}

if (resolve(fileURLToPath(import.meta.url)) === resolve(process.argv[1] ?? '')) {
  const bench = await runSweepBench();
  for (const row of sweepResults(bench)) console.log(`${row.name}: ${row.value} ${row.unit} (${row.note})`);
  if (!sweepHolds(bench)) {
    console.error(
      '[sweep] an invariant failed: every task one reminder, nothing sent twice, both sweeps complete',
    );
    process.exit(1);
  }
}
