/**
 * One proposal, three reviewers, on the local runtime with a fast clock: reminders go out once per open task,
 * one reviewer declines, one never answers and times out, a deadline extended by ops keeps a task out of the
 * timeout sweep, replacements are assigned and submit, and the proposal ends REVIEWED with three reviews.
 * Links that are forged, expired or already used change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extendCommand } from '../../cli/commands/proposals';
import type { ProposalView } from '../../functions/lib/adapters/proposals';
import type { ReviewTask } from '../../functions/lib/model';
import type { SweepResult } from '../../functions/reminders';
import {
  emailKind,
  type Journey,
  reviewEmails,
  startJourney,
  type TaskEmail,
  taskEmails,
} from '../../local/review-journey';
import { expiredLink, reviewIdOf, tamperSignature } from './support/links';

const DAY = 86_400_000;
const EXTEND_DAYS = 5;

let journey: Journey;
let first: TaskEmail[];
let decliner: TaskEmail;
let silent: TaskEmail;
let extended: TaskEmail;
/** When the first review tasks were assigned. */
let assignedAt: number;
const handled = new Set<string>();

const view = async (): Promise<ProposalView> => {
  const v = await journey.driver.store.view(journey.proposalId);
  if (!v) throw new Error(`Proposal ${journey.proposalId} is not registered`);
  return v;
};
const taskOf = (v: ProposalView, email: TaskEmail): ReviewTask | undefined =>
  v.reviews.find((r) => r.reviewId === reviewIdOf(email.link));
const notes = (v: ProposalView) => v.history.map((h) => h.note);

async function sweep(at: Date): Promise<SweepResult> {
  const results = (await journey.runtime.runSchedules(at)) as SweepResult[];
  expect(results).toHaveLength(1);
  return results[0] as SweepResult;
}

/** Runs the CLI's `proposals extend` against the runtime (it reads its deployment from the environment). */
async function extend(reviewId: string, days: number): Promise<number> {
  const saved = { ...process.env };
  const write = process.stdout.write;
  Object.assign(process.env, journey.runtime.env);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await extendCommand(reviewId, { days: String(days) });
  } finally {
    process.stdout.write = write;
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe('a proposal reviewed through a decline, a timeout and an extension', () => {
  beforeAll(async () => {
    journey = await startJourney();
    first = await taskEmails(journey.driver);
    const [a, b, c] = first;
    if (!a || !b || !c) throw new Error(`Expected 3 review-task emails, got ${first.length}`);
    [decliner, silent, extended] = [a, b, c];
    const v = await view();
    assignedAt = Math.min(...v.reviews.map((r) => new Date(r.assignedAt).getTime()));
  });

  afterAll(async () => {
    await journey?.runtime.stop();
  });

  it('assigns three reviewers and emails each one task', async () => {
    const v = await view();
    expect(v.status).toBe('IN_REVIEW');
    expect(v.reviews.map((r) => r.status)).toEqual(['PENDING', 'PENDING', 'PENDING']);
    expect(new Set(first.map((e) => e.to)).size).toBe(3);
  });

  it('12 days after assignment sends exactly one reminder per open task, and a second sweep sends none', async () => {
    const { windowDays } = journey.driver.profile.review;
    const at = new Date(assignedAt + (windowDays - 2) * DAY);
    const before = reviewEmails(await journey.driver.emails()).filter((e) => e.kind === 'reminder');
    expect(before).toHaveLength(0);

    const once = await sweep(at);
    expect(once).toMatchObject({ checked: 3, reminded: 3, timedOut: 0 });
    const reminders = reviewEmails(await journey.driver.emails()).filter((e) => e.kind === 'reminder');
    expect(reminders.map((e) => e.to).sort()).toEqual(first.map((e) => e.to).sort());
    // Each reminder carries a working link to the same task.
    for (const reminder of reminders) {
      const task = first.find((e) => e.to === reminder.to);
      expect(reviewIdOf(reminder.link)).toBe(reviewIdOf(task?.link ?? ''));
      expect((await journey.driver.get(reminder.link)).status).toBe(200);
    }

    const again = await sweep(at);
    expect(again).toMatchObject({ reminded: 0, timedOut: 0 });
    const after = reviewEmails(await journey.driver.emails()).filter((e) => e.kind === 'reminder');
    expect(after).toHaveLength(3);
    const v = await view();
    expect(notes(v).filter((n) => n.startsWith('Reminder ('))).toHaveLength(3);
    expect(v.reviews.every((r) => r.status === 'PENDING')).toBe(true);
  });

  it('a reviewer who declines through the review API is replaced by a new reviewer', async () => {
    expect(await journey.driver.decline(decliner.link, 'Di luar bidang keahlian saya.')).toBe(303);
    handled.add(decliner.messageId);
    await journey.runtime.settle();
    const v = await view();
    expect(taskOf(v, decliner)?.status).toBe('DECLINED');
    expect(taskOf(v, decliner)?.declineReason).toBe('Di luar bidang keahlian saya.');
    const replacements = (await taskEmails(journey.driver)).filter(
      (e) => !first.some((f) => f.messageId === e.messageId),
    );
    expect(replacements).toHaveLength(1);
    expect(first.map((e) => e.to)).not.toContain(replacements[0]?.to);
    expect(notes(v).some((n) => n.includes('declined; looking for a replacement'))).toBe(true);
    expect(notes(v).filter((n) => n.startsWith('Reassigned to '))).toHaveLength(1);
    // The replacement answers at once.
    const replacement = replacements[0] as TaskEmail;
    expect(await journey.driver.completeReview(replacement.link, 'replacement-1')).toEqual([200, 303, 303]);
    handled.add(replacement.messageId);
    await journey.runtime.settle();
  });

  it('extending a task with `proposals extend` moves its due date and keeps it out of the timeout sweep', async () => {
    const before = taskOf(await view(), extended);
    expect(await extend(reviewIdOf(extended.link), EXTEND_DAYS)).toBe(0);
    const after = taskOf(await view(), extended);
    expect(new Date(after?.dueAt ?? 0).getTime() - new Date(before?.dueAt ?? 0).getTime()).toBe(
      EXTEND_DAYS * DAY,
    );
    expect(notes(await view()).some((n) => n.includes(`extended by ${EXTEND_DAYS} day(s)`))).toBe(true);
  });

  it('past the due date and grace period the silent reviewer times out and a replacement is assigned', async () => {
    const { windowDays, graceDays } = journey.driver.profile.review;
    const at = new Date(Date.now() + (windowDays + graceDays + 1) * DAY);
    const result = await sweep(at);
    expect(result).toMatchObject({ checked: 2, timedOut: 1 });
    // Only the extended task is still open at that time; its reminder was already sent.
    expect(result.reminded).toBe(0);
    await journey.runtime.settle();

    const v = await view();
    expect(taskOf(v, silent)?.status).toBe('TIMED_OUT');
    expect(['PENDING', 'ACCEPTED']).toContain(taskOf(v, extended)?.status);
    expect(notes(v).some((n) => n.includes('task timed out'))).toBe(true);
    expect(notes(v).filter((n) => n.startsWith('Reassigned to '))).toHaveLength(2);
    // The timed-out link now says the task is closed.
    expect((await journey.driver.get(silent.link)).status).toBe(410);
    // A day before the replacement's own due date + grace: nothing times out again; the replacement gets the
    // reminder its own dates call for, the extended task none (its -3 day reminder was sent before).
    const later = await sweep(new Date(Date.now() + (windowDays + 1) * DAY));
    expect(later).toMatchObject({ timedOut: 0, reminded: 1 });
    const replacement = (await taskEmails(journey.driver)).at(-1);
    const lastReminder = reviewEmails(await journey.driver.emails()).at(-1);
    expect(lastReminder?.kind).toBe('reminder');
    expect(lastReminder?.to).toBe(replacement?.to);
    expect(taskOf(await view(), silent)?.status).toBe('TIMED_OUT');
  });

  it('the replacement and the extended reviewer submit and the proposal ends REVIEWED with 3 reviews', async () => {
    handled.add(silent.messageId);
    // Reminders point at tasks already counted through their first email.
    const answered = await journey.driver.answerOpenReviews(handled, (email) =>
      emailKind(email.subject) === 'task' ? 'submit' : 'skip',
    );
    expect(answered).toBe(2);
    await journey.runtime.settle();
    const v = await view();
    expect(v.status).toBe('REVIEWED');
    const submitted = v.reviews.filter((r) => r.status === 'SUBMITTED');
    expect(submitted).toHaveLength(3);
    expect(v.result?.reviews).toBe(3);
    expect(v.reviews.map((r) => r.status).sort()).toEqual([
      'DECLINED',
      'SUBMITTED',
      'SUBMITTED',
      'SUBMITTED',
      'TIMED_OUT',
    ]);
    const history = notes(v).join('\n');
    expect(history).toMatch(/declined; looking for a replacement/);
    expect(history).toMatch(/task timed out/);
    expect(history).toMatch(/did not answer in time; looking for a replacement/);
    expect(history.match(/Reassigned to /g)).toHaveLength(2);
  });

  it('forged, expired and reused links are refused with 403, 410 and 409 and change nothing', async () => {
    const before = await view();
    const snapshot = (v: ProposalView) => ({
      status: v.status,
      seq: v.seq,
      result: v.result,
      reviews: v.reviews.map((r) => [r.reviewerId, r.status, r.score]),
    });
    const submittedLink = extended.link;
    const form = { action: 'submit', comment: 'Nilai diubah.' } as Record<string, string>;
    for (const c of journey.driver.profile.scoring.criteria) form[`scores.${c.id}`] = '1';

    expect((await journey.driver.get(tamperSignature(submittedLink))).status).toBe(403);
    expect((await journey.driver.post(tamperSignature(submittedLink), form)).status).toBe(403);
    const expired = await expiredLink(journey.runtime, submittedLink);
    expect((await journey.driver.get(expired)).status).toBe(410);
    expect((await journey.driver.post(expired, form)).status).toBe(410);
    expect((await journey.driver.post(submittedLink, form)).status).toBe(409);
    expect((await journey.driver.post(submittedLink, { action: 'accept' })).status).toBe(409);
    expect(await journey.driver.decline(decliner.link, 'Sekali lagi menolak.')).toBe(409);

    expect(snapshot(await view())).toEqual(snapshot(before));
    expect((await view()).history).toHaveLength(before.history.length);
  });
});
