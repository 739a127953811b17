/**
 * A live round re-planned after the submission deadline, on the local runtime. The health experts of the roster
 * confirm late: while they are inactive, a Kesehatan proposal is assigned three other reviewers; one of them
 * accepts. Once the experts are active, `proposals plan --live` (a dry run) shows the two pending seats moving to
 * experts and writes nothing; `--apply` moves them: the old tasks end REASSIGNED (their links say "closed"), the
 * released reviewers are told, the experts get their review tasks from the same execution, the accepted seat
 * stays, and the proposal ends REVIEWED on the experts' scores.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedLiveSource, planLiveCommand } from '../../cli/commands/live-plan';
import type { ProposalView } from '../../functions/lib/adapters/proposals';
import { listReviewers } from '../../functions/lib/adapters/roster';
import { Driver } from '../../local/driver';
import { reviewableExample, type TaskEmail, taskEmails } from '../../local/review-journey';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import { reviewIdOf } from './support/links';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROSTER = join(ROOT, 'examples', 'reviewers.csv');

/** The example roster with every health expert inactive (they have not confirmed yet). */
function rosterWithoutHealthExperts(): string {
  const [header, ...rows] = readFileSync(ROSTER, 'utf8').trimEnd().split('\n');
  const columns = (header ?? '').split(',');
  const expertise = columns.indexOf('expertise');
  const active = columns.indexOf('active');
  const edited = rows.map((row) => {
    const cells = row.split(',');
    if (/kesehatan/i.test(cells[expertise] ?? '')) cells[active] = 'tidak';
    return cells.join(',');
  });
  const dir = join(ROOT, '.local', 'rosters');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'replan-e2e.csv');
  writeFileSync(path, `${[header, ...edited].join('\n')}\n`);
  return path;
}

let runtime: LocalRuntime;
let driver: Driver;
let proposalId: string;
let first: TaskEmail[];
let accepted: TaskEmail;

const view = async (): Promise<ProposalView> => {
  const v = await driver.store.view(proposalId);
  if (!v) throw new Error(`Proposal ${proposalId} is not registered`);
  return v;
};

/** Runs `proposals plan --live [--apply] --json` against the runtime, as ops would; returns its JSON. */
async function replan(apply: boolean): Promise<{ code: number; report: Record<string, unknown> }> {
  const saved = { ...process.env };
  Object.assign(process.env, runtime.env);
  let printed = '';
  try {
    const code = await planLiveCommand({ json: true, apply }, await deployedLiveSource(), {
      out: (text) => {
        printed += text;
      },
      progress: () => {},
    });
    return { code, report: JSON.parse(printed) };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

const loads = async () =>
  new Map((await listReviewers(driver.doc, runtime.names.table)).map((r) => [r.id, r.load]));

describe('a live round re-planned after the deadline', () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime();
    try {
      driver = new Driver(runtime);
      await driver.importRoster(rosterWithoutHealthExperts());
      ({ id: proposalId } = await driver.uploadExample(reviewableExample()));
      await runtime.settle();
      first = await taskEmails(driver);
      if (first.length !== 3) throw new Error(`Expected 3 review-task emails, got ${first.length}`);
      accepted = first[0]!;
      const response = await driver.post(accepted.link, { action: 'accept' });
      if (response.status !== 303) throw new Error(`Accepting answered ${response.status}`);
      await driver.importRoster(ROSTER);
    } catch (error) {
      await runtime.stop();
      throw error;
    }
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('the dry run moves the two pending seats to health experts and writes nothing', async () => {
    const before = await view();
    const { code, report } = await replan(false);
    expect(code).toBe(0);
    expect(report.dryRun).toBe(true);
    const moves = report.moves as Array<{ proposal: string; release: string[]; add: string[] }>;
    expect(moves).toHaveLength(1);
    expect(moves[0]?.proposal).toBe(proposalId);
    const pending = before.reviews.filter((r) => r.status === 'PENDING').map((r) => r.reviewerId);
    expect([...(moves[0]?.release ?? [])].sort()).toEqual([...pending].sort());
    expect(moves[0]?.add).toHaveLength(2);
    // Nothing written: the same tasks, statuses and history.
    const after = await view();
    expect(after.reviews).toEqual(before.reviews);
    expect(after.history).toEqual(before.history);
  });

  it('--apply moves them: old tasks REASSIGNED and closed, loads moved, reviewers told, experts asked', async () => {
    const loadsBefore = await loads();
    const { code, report } = await replan(true);
    expect(code).toBe(0);
    const seats = report.seats as Array<{ from: string; to: string; outcome: string; told: string }>;
    expect(seats.map((s) => [s.outcome, s.told])).toEqual([
      ['moved', 'told'],
      ['moved', 'told'],
    ]);
    await runtime.settle();

    const v = await view();
    expect(v.status).toBe('IN_REVIEW');
    const acceptedTask = v.reviews.find((r) => r.reviewId === reviewIdOf(accepted.link));
    expect(acceptedTask?.status).toBe('ACCEPTED');
    const loadsAfter = await loads();
    for (const seat of seats) {
      expect(v.reviews.find((r) => r.reviewerId === seat.from)).toMatchObject({
        status: 'REASSIGNED',
        movedTo: seat.to,
      });
      expect(v.reviews.find((r) => r.reviewerId === seat.to)?.status).toBe('PENDING');
      expect(loadsAfter.get(seat.from)).toBe((loadsBefore.get(seat.from) ?? 0) - 1);
      expect(loadsAfter.get(seat.to)).toBe((loadsBefore.get(seat.to) ?? 0) + 1);
    }

    const emails = await driver.emails();
    const withdrawn = emails.filter((e) =>
      /Permintaan penilaian dibatalkan|Review request withdrawn/.test(e.subject),
    );
    const addressOf = (reviewerId: string) =>
      first.find((f) => v.reviews.find((r) => r.reviewId === reviewIdOf(f.link))?.reviewerId === reviewerId)
        ?.to;
    expect(new Set(withdrawn.map((e) => e.destination.to[0]))).toEqual(
      new Set(seats.map((s) => addressOf(s.from))),
    );
    expect(withdrawn).toHaveLength(2);
    // The released reviewers' links now say the task is closed.
    for (const email of first.filter((f) => f !== accepted)) {
      expect((await driver.get(email.link)).status).toBe(410);
    }
    const history = v.history.map((h) => h.note).join('\n');
    for (const seat of seats) {
      expect(history).toContain(
        `Batch re-plan: the task of ${seat.from} (not accepted yet) moves to ${seat.to} (expert in kesehatan; load `,
      );
      expect(history).toContain(`Review task sent to ${seat.to}`);
      expect(history).toContain(`${seat.from} told the task was moved`);
    }
  });

  it('the experts and the reviewer who had accepted submit: the proposal ends REVIEWED on three reviews', async () => {
    const tasks = (await taskEmails(driver)).filter(
      (e) => !first.includes(e) && !first.some((f) => f.messageId === e.messageId),
    );
    expect(tasks).toHaveLength(2);
    for (const email of tasks)
      expect(await driver.completeReview(email.link, email.to)).toEqual([200, 303, 303]);
    // Already accepted: the link opens the score form (200), accepting again shows it again (200).
    expect(await driver.completeReview(accepted.link, accepted.to)).toEqual([200, 200, 303]);
    await runtime.settle();
    const v = await view();
    expect(v.status).toBe('REVIEWED');
    expect(v.reviews.map((r) => r.status).sort()).toEqual([
      'REASSIGNED',
      'REASSIGNED',
      'SUBMITTED',
      'SUBMITTED',
      'SUBMITTED',
    ]);
    expect(v.result?.reviews).toBe(3);
  });
});
