/**
 * A task extended past 30 days after its assignment is honoured: the runtime runs a second competition's profile
 * given as a file (`-c profile=path.json`: a 10-day window, at most 45 days of extension, dates in WITA); one
 * reviewer's task is extended by 40 days (due 50 days after assignment); the sweep leaves it open until its new
 * due date and grace period, the Step Functions safety net (window + maximum extension + grace) outlasts it, and
 * the reviewer submits so the proposal ends REVIEWED. With the former fixed 30-day net the execution would have
 * ended the task on day 30.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extendCommand } from '../../cli/commands/proposals';
import type { ProposalView } from '../../functions/lib/adapters/proposals';
import { formatDateTime } from '../../functions/lib/i18n';
import type { ReviewTask } from '../../functions/lib/model';
import type { SweepResult } from '../../functions/reminders';
import { Driver } from '../../local/driver';
import { reviewableExample, type TaskEmail, taskEmails } from '../../local/review-journey';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import { reviewIdOf } from './support/links';

const DAY = 86_400_000;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WINDOW_DAYS = 10;
const MAX_EXTENSION_DAYS = 45;
const GRACE_DAYS = 2;
const EXTEND_DAYS = 40;

/** KIPP's rules as another competition would set them; written where the runtime's synth can read it. */
function writeProfile(): string {
  const kipp = JSON.parse(readFileSync(join(ROOT, 'profiles', 'kipp.json'), 'utf8'));
  const profile = {
    ...kipp,
    id: 'kipp-sulsel',
    name: 'Kompetisi Inovasi Pelayanan Publik Sulawesi Selatan',
    timeZone: 'Asia/Makassar',
    review: {
      ...kipp.review,
      windowDays: WINDOW_DAYS,
      maxExtensionDays: MAX_EXTENSION_DAYS,
      graceDays: GRACE_DAYS,
    },
  };
  const dir = join(ROOT, '.local', 'profiles');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'extension-e2e.json');
  writeFileSync(path, `${JSON.stringify(profile, null, 2)}\n`);
  return path;
}

let runtime: LocalRuntime;
let driver: Driver;
let proposalId: string;
let first: TaskEmail[];
let extended: TaskEmail;
let assignedAt: number;

const view = async (): Promise<ProposalView> => {
  const v = await driver.store.view(proposalId);
  if (!v) throw new Error(`Proposal ${proposalId} is not registered`);
  return v;
};
const taskOf = (v: ProposalView, email: TaskEmail): ReviewTask | undefined =>
  v.reviews.find((r) => r.reviewId === reviewIdOf(email.link));

async function sweep(at: Date): Promise<SweepResult> {
  const results = (await runtime.runSchedules(at)) as SweepResult[];
  expect(results).toHaveLength(1);
  return results[0] as SweepResult;
}

/** Runs the CLI's `proposals extend` against the runtime (deployment and profile from its environment). */
async function extend(reviewId: string, days: number): Promise<number> {
  const saved = { ...process.env };
  const write = process.stdout.write;
  Object.assign(process.env, runtime.env);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await extendCommand(reviewId, { days: String(days) });
  } finally {
    process.stdout.write = write;
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe('a review task extended past 30 days after its assignment', () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime({ context: { profile: writeProfile() } });
    try {
      driver = new Driver(runtime);
      await driver.importRoster();
      ({ id: proposalId } = await driver.uploadExample(reviewableExample()));
      await runtime.settle();
      first = await taskEmails(driver);
      const last = first[2];
      if (first.length !== 3 || !last) throw new Error(`Expected 3 review-task emails, got ${first.length}`);
      extended = last;
      assignedAt = Math.min(...(await view()).reviews.map((r) => new Date(r.assignedAt).getTime()));
    } catch (error) {
      await runtime.stop();
      throw error;
    }
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('runs the profile file: 10-day tasks, dates in WITA, and the CLI reads the same profile', async () => {
    expect(driver.profile.id).toBe('kipp-sulsel');
    const v = await view();
    expect(v.status).toBe('IN_REVIEW');
    for (const task of v.reviews) {
      expect(new Date(task.dueAt).getTime() - new Date(task.assignedAt).getTime()).toBe(WINDOW_DAYS * DAY);
    }
    // Each email states the due date in the profile's zone (WITA, UTC+8), in the reviewer's language.
    const sent = await driver.emails();
    for (const email of first) {
      const due = new Date(taskOf(v, email)?.dueAt ?? 0);
      const text = sent.find((e) => e.messageId === email.messageId)?.body.text ?? '';
      expect(text).toContain(formatDateTime(due, email.lang, 'Asia/Makassar'));
      expect(text).toMatch(/ (WITA|GMT\+8)\b/);
    }
  });

  it("sizes each review task's safety net from the profile: window + maximum extension + grace + 1 day", () => {
    const [machine] = runtime.resolver.resourcesOfType('AWS::StepFunctions::StateMachine');
    if (!machine) throw new Error('The templates declare no state machine');
    const definition = JSON.parse(
      runtime.resolver.resolve(machine.stack, machine.resource.Properties?.DefinitionString) as string,
    ) as { States: Record<string, { TimeoutSeconds?: number; ItemProcessor?: { States: object } }> };
    const inMap = definition.States.ReviewTasks?.ItemProcessor?.States as Record<
      string,
      { TimeoutSeconds?: number }
    >;
    const timeout = (inMap.SendReviewTask?.TimeoutSeconds ?? 0) * 1000;
    expect(timeout).toBe((WINDOW_DAYS + MAX_EXTENSION_DAYS + GRACE_DAYS + 1) * DAY);
    // Longer than the longest extended task with its grace period, and than the former fixed 30 days.
    expect(timeout).toBeGreaterThan((WINDOW_DAYS + EXTEND_DAYS + GRACE_DAYS) * DAY);
    expect(timeout).toBeGreaterThan(30 * DAY);
  });

  it("`proposals extend` refuses more than the profile's maximum and moves the due date 40 days", async () => {
    // The other two reviewers answer at once.
    for (const email of first.slice(0, 2)) {
      expect(await driver.completeReview(email.link, email.to)).toEqual([200, 303, 303]);
    }
    await runtime.settle();

    const reviewId = reviewIdOf(extended.link);
    await expect(extend(reviewId, MAX_EXTENSION_DAYS + 1)).rejects.toThrow(
      `from 1 to ${MAX_EXTENSION_DAYS} (the profile's review.maxExtensionDays)`,
    );
    expect(await extend(reviewId, EXTEND_DAYS)).toBe(0);
    const task = taskOf(await view(), extended);
    expect(new Date(task?.dueAt ?? 0).getTime() - new Date(task?.assignedAt ?? 0).getTime()).toBe(
      (WINDOW_DAYS + EXTEND_DAYS) * DAY,
    );
    expect((await view()).history.map((h) => h.note)).toContainEqual(
      expect.stringMatching(`extended by ${EXTEND_DAYS} day\\(s\\)`),
    );
  });

  it('the sweep leaves the task open past day 30 and up to its new due date + grace', async () => {
    const newDue = assignedAt + (WINDOW_DAYS + EXTEND_DAYS) * DAY;
    for (const at of [
      assignedAt + (WINDOW_DAYS + GRACE_DAYS + 1) * DAY, // past the first due date and its grace period
      assignedAt + 31 * DAY, // past the former fixed 30-day safety net
      newDue + GRACE_DAYS * DAY - 3_600_000, // an hour before the new due date + grace
    ]) {
      const result = await sweep(new Date(at));
      expect(result.timedOut, new Date(at).toISOString()).toBe(0);
      await runtime.settle();
      const v = await view();
      expect(v.status).toBe('IN_REVIEW');
      expect(taskOf(v, extended)?.status).toBe('PENDING');
    }
    expect(runtime.sfn.pendingTasks().map((t) => t.stateName)).toEqual(['SendReviewTask']);
  });

  it('the extended reviewer submits and the proposal ends REVIEWED with three reviews', async () => {
    expect(await driver.completeReview(extended.link, extended.to)).toEqual([200, 303, 303]);
    await runtime.settle();
    const v = await view();
    expect(v.status).toBe('REVIEWED');
    expect(v.reviews.map((r) => r.status)).toEqual(['SUBMITTED', 'SUBMITTED', 'SUBMITTED']);
    expect(v.result?.reviews).toBe(3);
    expect(v.history.map((h) => h.note).join('\n')).not.toMatch(/timed out/);
  });
});
