/**
 * SES refusals on the local runtime, injected into the Lambdas' own SendEmail requests (the runtime's loopback
 * proxy in front of the SES emulator): the sandbox's AccessDenied, a MessageRejected and a spent daily quota.
 * None of them may fail a proposal: the email that could not be sent is written in the proposal's history, ops are
 * told (the EmailsUndelivered metric, alarmed to ops through SNS) and the email goes out later where the pipeline
 * sends it again (a review link rides on the reminders).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Driver } from '../../local/driver';
import { type ProxiedRequest, SES_FAULTS } from '../../local/emulators/fault-proxy';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import {
  emfMetrics,
  invalidMarkdown,
  SES_SEND,
  Switchboard,
  uniqueWord,
  until,
  validMarkdown,
} from './support/attack';

const board = new Switchboard();
const logs: string[] = [];
let runtime: LocalRuntime;
let driver: Driver;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    faults: board.inject,
    lambdaLog: (line) => logs.push(line),
    queueRetryDelayMs: 100,
  });
  driver = new Driver(runtime);
  await driver.importRoster();
});

afterAll(async () => {
  await runtime?.stop();
});

afterEach(() => {
  board.reset();
});

const DAY = 86_400_000;
const isSes = (r: ProxiedRequest) => r.service === 'sesv2' && r.operation === SES_SEND;
const sendOf = (r: ProxiedRequest) => {
  const body = JSON.parse(r.body) as {
    Destination?: { ToAddresses?: string[] };
    Content?: { Simple?: { Subject?: { Data?: string } } };
  };
  return { to: body.Destination?.ToAddresses?.[0] ?? '', subject: body.Content?.Simple?.Subject?.Data ?? '' };
};
const executionOf = (id: string) => [...runtime.sfn.executions.values()].find((e) => e.name === id);
/** EmailsUndelivered counted since `before` (an index into the log lines), by the service that counted it. */
const undeliveredSince = (before: number) =>
  emfMetrics(logs.slice(before))
    .filter((m) => m.name === 'EmailsUndelivered')
    .map((m) => m.service);
const notesOf = async (id: string) => ((await driver.store.view(id))?.history ?? []).map((h) => h.note);

/** The word a test's proposal carries in its title (its emails are told apart by it). */
const sesWord = (label: string) => `SES${uniqueWord(label)}`;

/** Uploads a valid proposal titled with `word`; a test sets its SES faults before, so none can come too late. */
async function uploadValid(word: string) {
  const title = `SEHATI ${word}: Sistem Antrean dan Rujukan Terpadu Puskesmas`;
  return driver.upload('pemkot-surabaya', `${word.toLowerCase()}.md`, validMarkdown(title));
}

/** Waits until the execution waits on a reviewer for each open task, then for the runtime to settle. */
async function reviewTasksWaiting(id: string) {
  await runtime.settle();
  await until(
    async () => {
      const open = ((await driver.store.view(id))?.reviews ?? []).filter(
        (t) => t.status === 'PENDING' || t.status === 'ACCEPTED',
      );
      const waiting = runtime.sfn.pendingTasks().filter((t) => t.executionArn.endsWith(`:${id}`));
      return open.length > 0 && waiting.length === open.length;
    },
    `the execution of ${id} to wait on each reviewer (history: ${JSON.stringify(await notesOf(id))})`,
    180_000,
  );
  await runtime.settle();
}

describe('SES refusals never fail a proposal', () => {
  it("goes on to review when the sandbox refuses the submitter's acknowledgement (AccessDenied)", async () => {
    const before = logs.length;
    const word = sesWord('access-denied');
    board.setFaults((r) => {
      if (!isSes(r)) return undefined;
      const { subject } = sendOf(r);
      return /Proposal (diterima|received)/.test(subject) && subject.toUpperCase().includes(word)
        ? SES_FAULTS.accessDenied
        : undefined;
    });
    const { id } = await uploadValid(word);
    await reviewTasksWaiting(id);

    const view = await driver.store.view(id);
    expect(view?.status).toBe('IN_REVIEW');
    expect(executionOf(id)?.status).toBe('RUNNING');
    expect(await notesOf(id)).toContainEqual(
      expect.stringMatching(
        /notice .* could not be sent: SES refused the sender or recipient .*AccessDenied.*ops alerted$/,
      ),
    );
    expect(undeliveredSince(before)).toContain('proposals-notify');
    expect(board.faultsInjected('sesv2')).toBeGreaterThanOrEqual(1);
    // The reviewers got their tasks all the same.
    const reviewEmails = (await driver.reviewLinks()).filter((l) => l.subject.includes(word));
    expect(reviewEmails).toHaveLength(view?.reviews.length ?? -1);
  });

  it('keeps a review task whose email SES rejects open, reports it, and the link reaches the reviewer with the reminder', async () => {
    const before = logs.length;
    let rejected: string | undefined;
    let rejecting = true;
    const word = sesWord('message-rejected');
    board.setFaults((r) => {
      if (!isSes(r) || !rejecting) return undefined;
      const { to, subject } = sendOf(r);
      if (!/(Permintaan penilaian|Review request): /.test(subject) || !subject.toUpperCase().includes(word)) {
        return undefined;
      }
      rejected ??= to;
      return to === rejected ? SES_FAULTS.messageRejected : undefined;
    });
    const { id } = await uploadValid(word);
    await reviewTasksWaiting(id);
    expect(rejected).toBeDefined();

    const view = await driver.store.view(id);
    expect(view?.status).toBe('IN_REVIEW');
    expect(executionOf(id)?.status).toBe('RUNNING');
    const note = (await notesOf(id)).find((n) => /review task email to .* could not be sent/.test(n)) ?? '';
    expect(note).toMatch(/could not be sent: SES rejected the message \(MessageRejected: .*\); ops alerted$/);
    const reviewerId = /email to (\S+) could not/.exec(note)?.[1];
    const task = view?.reviews.find((t) => t.reviewerId === reviewerId);
    expect(task?.status).toBe('PENDING');
    expect(undeliveredSince(before)).toContain('proposals-send-review-task');
    const links = (await driver.reviewLinks()).filter((l) => l.subject.includes(word));
    expect(links.map((l) => l.to)).not.toContain(rejected);
    expect(links).toHaveLength((view?.reviews.length ?? 0) - 1);

    // SES takes mail again: the first reminder carries the same signed link to the reviewer who had none.
    rejecting = false;
    const dueAt = Date.parse(task?.dueAt ?? '');
    await runtime.runSchedules(new Date(dueAt - 2 * DAY));
    const reminders = (await driver.reviewLinks()).filter(
      (l) => l.to === rejected && l.link.includes(`r=${task?.reviewId}`),
    );
    expect(reminders).toHaveLength(1);
    expect((await driver.get(reminders[0]?.link ?? '')).status).toBe(200);
  });

  it('keeps a rejected proposal REJECTED, and its execution successful, when the daily quota is spent', async () => {
    const before = logs.length;
    board.setFaults((r) => (isSes(r) ? SES_FAULTS.dailyQuota : undefined));
    const upload = await driver.upload(
      'pemkot-bandung',
      `quota-${uniqueWord('quota')}.md`,
      invalidMarkdown(),
    );
    await runtime.settle();
    await until(
      async () => executionOf(upload.id) !== undefined && executionOf(upload.id)?.status !== 'RUNNING',
      'the execution to end',
      180_000,
    );

    const view = await driver.store.view(upload.id);
    expect(view?.status).toBe('REJECTED');
    expect(view?.reason).toMatch(/Ringkasan melebihi 200 kata/);
    expect(executionOf(upload.id)?.status).toBe('SUCCEEDED');
    expect(await notesOf(upload.id)).toContainEqual(
      expect.stringMatching(
        /could not be sent: the SES daily sending quota is spent \(LimitExceededException: Daily message quota exceeded\.\); ops alerted$/,
      ),
    );
    expect(undeliveredSince(before)).toContain('proposals-notify');
    expect((await notesOf(upload.id)).some((n) => /Technical failure/.test(n))).toBe(false);
  });
});
