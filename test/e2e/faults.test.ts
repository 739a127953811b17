/**
 * The pipeline under faults, on the local runtime: AWS errors injected into the Lambdas' own requests (through the
 * runtime's loopback proxies) and crashed invocations. Transient faults must not change the outcome nor double
 * anything; permanent ones must end in a terminal status with a readable cause and show up where the alarms look.
 * One runtime for the whole file; each test switches the fault plan it needs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/random';
import { Driver } from '../../local/driver';
import type { ProxiedRequest } from '../../local/emulators/fault-proxy';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import {
  answerPatiently,
  DYNAMODB_SDK_ATTEMPTS,
  emfMetrics,
  failFirst,
  failFirstAbout,
  functionFor,
  invalidMarkdown,
  SDK_ATTEMPTS,
  SES_DOWN,
  SES_SEND,
  Switchboard,
  THROTTLED,
  THROUGHPUT_EXCEEDED,
  uniqueWord,
  until,
  validMarkdown,
} from './support/attack';

const board = new Switchboard();
const logs: string[] = [];
let runtime: LocalRuntime;
let driver: Driver;

const SUBMITTER = 'sehati@dinkes.surabaya.example.go.id';
const REJECTED_SUBMITTER = 'sapaperempuan@dp3a.bandung.example.go.id';

beforeAll(async () => {
  runtime = await startLocalRuntime({
    faults: board.inject,
    beforeInvoke: board.crash,
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

/** A valid Umum proposal under a title of its own (titles are unique per competition). */
async function uploadValid(label: string) {
  const word = `UJI${uniqueWord(label)}`;
  const title = `SEHATI ${word}: Sistem Antrean dan Rujukan Terpadu Puskesmas`;
  const { id, key } = await driver.upload(
    'pemkot-surabaya',
    `${word.toLowerCase()}.md`,
    validMarkdown(title),
  );
  return { id, key, word };
}

const executionsNamed = (id: string) => [...runtime.sfn.executions.values()].filter((e) => e.name === id);
const emailsTo = async (address: string, subjectWord: string) =>
  (await driver.emails()).filter(
    (m) => m.destination.to.includes(address) && m.subject.includes(subjectWord),
  );
const reviewEmailsAbout = async (word: string) =>
  (await driver.reviewLinks()).filter((l) => l.subject.includes(word));
const isSes = (r: ProxiedRequest) => r.service === 'sesv2' && r.operation === SES_SEND;
const recipientOf = (r: ProxiedRequest) =>
  (JSON.parse(r.body) as { Destination?: { ToAddresses?: string[] } }).Destination?.ToAddresses?.[0] ?? '';
/** How many times the proposal moved into `status` (history notes repeat the current status; they don't count). */
const statuses = (history: Array<{ status: string }>, status: string) =>
  history.filter((h, i) => h.status === status && history[i - 1]?.status !== status).length;
/** The submitter's emails about a proposal: the acknowledgement and the result. */
const submitterMail = async (word: string) => {
  const mail = await emailsTo(SUBMITTER, word);
  return {
    received: mail.filter((m) => m.subject.includes('Proposal diterima')).length,
    result: mail.filter((m) => m.subject.includes('Hasil penilaian')).length,
  };
};

/**
 * Waits until the execution of a proposal waits on a reviewer for each of its open review tasks (each task's
 * Lambda has returned), then for the runtime to settle. `settle()` alone can return while one Map branch waits out
 * a Retry interval and the others already wait on reviewers.
 */
async function allTasksSent(id: string) {
  await runtime.settle();
  await until(async () => {
    const open = ((await driver.store.view(id))?.reviews ?? []).filter(
      (t) => t.status === 'PENDING' || t.status === 'ACCEPTED',
    );
    const waiting = runtime.sfn.pendingTasks().filter((t) => t.executionArn.endsWith(`:${id}`));
    return open.length > 0 && waiting.length === open.length;
  }, `the execution of ${id} to wait on each reviewer`);
  await runtime.settle();
}

/** Answers every review link about a proposal, like patient reviewers; returns the links answered. */
async function reviewAll(word: string) {
  const links = await reviewEmailsAbout(word);
  for (const link of links) await answerPatiently(driver, link.link, `${link.to}|${word}`);
  await runtime.settle();
  return links;
}

/** The review emails sent about a proposal match its review tasks one to one. */
async function expectOneEmailPerTask(id: string, word: string) {
  const view = await driver.store.view(id);
  const links = await reviewEmailsAbout(word);
  const tasks = view?.reviews ?? [];
  expect(links.map((l) => l.to).sort()).toEqual(
    [...new Set(links.map((l) => l.to))].sort(), // nobody got the same task twice
  );
  expect(links).toHaveLength(tasks.length);
}

describe('transient faults: the outcome is the same and nothing is doubled', () => {
  it('reviews a valid proposal and rejects an invalid one while 30 % of DynamoDB requests are throttled', async () => {
    // Seeded, so the share of faulted requests is the same plan on every run; which request gets which draw
    // still depends on the order the Lambdas send them in.
    const random = seededRandom(20250630);
    let paused = false;
    board.setFaults((r) => {
      if (paused || r.service !== 'dynamodb' || random() >= 0.3) return undefined;
      return random() < 0.5 ? THROTTLED : THROUGHPUT_EXCEEDED;
    });
    const valid = await uploadValid('throttled-30');
    const invalid = await driver.upload('pemkot-bandung', 'ringkasan-throttled.md', invalidMarkdown());
    await allTasksSent(valid.id);

    const links = await reviewEmailsAbout(valid.word);
    expect(links).toHaveLength(3);
    for (const link of links) {
      // Reviewers reload on an error page. Only the submit request itself runs unthrottled: what happens when
      // its writes fail half-way has its own test below.
      await answerPatiently(driver, link.link, link.to, {
        beforeSubmit: () => {
          paused = true;
        },
        afterSubmit: () => {
          paused = false;
        },
      });
    }
    await runtime.settle();

    const view = await driver.store.view(valid.id);
    expect(view?.status).toBe('REVIEWED');
    expect(view?.reviews.filter((r) => r.status === 'SUBMITTED')).toHaveLength(3);
    expect(statuses(view?.history ?? [], 'RECEIVED')).toBe(1);
    expect(statuses(view?.history ?? [], 'IN_REVIEW')).toBe(1);
    expect(statuses(view?.history ?? [], 'REVIEWED')).toBe(1);
    await expectOneEmailPerTask(valid.id, valid.word);
    expect(await submitterMail(valid.word)).toEqual({ received: 1, result: 1 });

    const rejected = await driver.store.view(invalid.id);
    expect(rejected?.status).toBe('REJECTED');
    expect(rejected?.reason).toMatch(/Ringkasan melebihi 200 kata/);
    expect(executionsNamed(valid.id)).toHaveLength(1);
    expect(executionsNamed(invalid.id)).toHaveLength(1);
    expect(board.faultsInjected('dynamodb')).toBeGreaterThan(20);
  });

  it('sends each review email once when SES fails twice for every message before working', async () => {
    const failures = new Map<string, number>();
    board.setFaults((r) => {
      if (!isSes(r)) return undefined;
      const to = recipientOf(r);
      const seen = failures.get(to) ?? 0;
      failures.set(to, seen + 1);
      if (seen >= 2) return undefined;
      return seen === 0
        ? SES_DOWN
        : { status: 400, type: 'ThrottlingException', message: 'Maximum sending rate exceeded.' };
    });
    const { id, word } = await uploadValid('ses-twice');
    await allTasksSent(id);
    await expectOneEmailPerTask(id, word);
    expect(await reviewEmailsAbout(word)).toHaveLength(3);
    await reviewAll(word);

    const view = await driver.store.view(id);
    expect(view?.status).toBe('REVIEWED');
    expect(await submitterMail(word)).toEqual({ received: 1, result: 1 });
    expect(board.faultsInjected('sesv2')).toBeGreaterThanOrEqual(2 * 4);
  });

  it('starts exactly one execution per upload when StartExecution is throttled at first', async () => {
    board.setFaults(
      failFirst(4, (r) => r.service === 'sfn' && r.operation === 'StartExecution', {
        status: 400,
        type: 'ThrottlingException',
        message: 'Rate exceeded',
      }),
    );
    const upload = await driver.upload('pemkot-bandung', 'ringkasan-start-throttled.md', invalidMarkdown());
    await runtime.settle();

    // 3 attempts inside the SDK, then the message comes back from the queue and the 4th/5th attempt work.
    expect(board.faultsInjected('sfn')).toBe(4);
    expect(runtime.queue.deadLetters).toHaveLength(0);
    expect(executionsNamed(upload.id)).toHaveLength(1);
    const view = await driver.store.view(upload.id);
    expect(view?.status).toBe('REJECTED');
    expect(statuses(view?.history ?? [], 'RECEIVED')).toBe(1);
    expect(statuses(view?.history ?? [], 'REJECTED')).toBe(1);
  });

  it('re-reads and goes on when a status write or an accept loses a race to another writer', async () => {
    const lostTransition = failFirst(
      1,
      (r) => r.operation === 'TransactWriteItems' && r.body.includes('STATUS#IN_REVIEW'),
      {
        status: 400,
        type: 'TransactionCanceledException',
        message:
          'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]',
      },
    );
    const lostAccept = failFirst(1, (r) => r.operation === 'UpdateItem' && r.body.includes('acceptedAt'), {
      status: 400,
      type: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
    });
    board.setFaults((r) => lostTransition(r) ?? lostAccept(r));
    const { id, word } = await uploadValid('lost-race');
    await allTasksSent(id);
    const [first, ...others] = await reviewEmailsAbout(word);
    if (!first) throw new Error('No review email');

    const before = await driver.store.view(id);
    const raced = await driver.post(first.link, { action: 'accept' });
    expect(raced.status).toBeGreaterThanOrEqual(400);
    expect(raced.status).toBeLessThan(500);
    expect(await driver.store.view(id)).toEqual(before);
    // Reloading the link shows the invitation again, and the review goes through.
    expect((await driver.get(first.link)).status).toBe(200);
    expect(await driver.completeReview(first.link, first.to)).toEqual([200, 303, 303]);
    for (const link of others) await driver.completeReview(link.link, link.to);
    await runtime.settle();

    const view = await driver.store.view(id);
    expect(view?.status).toBe('REVIEWED');
    expect(statuses(view?.history ?? [], 'IN_REVIEW')).toBe(1);
    expect(board.faultsInjected('dynamodb')).toBe(2);
  });

  it('retries a Validate whose quota claim stays throttled past the SDK retries instead of failing the proposal', async () => {
    // One Validate invocation's SDK attempts (all of them) at claiming a place in the agency's quota are throttled.
    board.setFaults(
      failFirst(
        DYNAMODB_SDK_ATTEMPTS,
        (r) => r.operation === 'TransactWriteItems' && r.body.includes('QUOTA#'),
        THROUGHPUT_EXCEEDED,
      ),
    );
    const { id, word } = await uploadValid('quota-claim-throttled');
    await runtime.settle();
    const view = await driver.store.view(id);
    expect(board.faultsInjected('dynamodb')).toBe(DYNAMODB_SDK_ATTEMPTS);
    expect(view?.reason).not.toMatch(/Technical failure/);
    await allTasksSent(id);
    expect((await driver.store.view(id))?.status).toBe('IN_REVIEW');
    expect(await reviewEmailsAbout(word)).toHaveLength(3);
  });

  it('sends one review email per reviewer when the history note after the email fails', async () => {
    // Every SDK attempt of one reviewer's "task sent" note fails, so that invocation fails after its email.
    board.setFaults(
      failFirstAbout(
        DYNAMODB_SDK_ATTEMPTS,
        (r) => (r.operation === 'PutItem' ? /Review task sent to ([\w-]+)/.exec(r.body)?.[1] : undefined),
        THROTTLED,
      ),
    );
    const { id, word } = await uploadValid('note-after-email');
    await allTasksSent(id);
    expect(board.faultsInjected('dynamodb')).toBe(DYNAMODB_SDK_ATTEMPTS);
    expect((await driver.store.view(id))?.status).toBe('IN_REVIEW');
    await expectOneEmailPerTask(id, word);
  });

  it("delivers a reviewer's scores to the waiting execution when the history note of the submit fails", async () => {
    const { id, word } = await uploadValid('note-after-submit');
    await allTasksSent(id);
    const [first, ...others] = await reviewEmailsAbout(word);
    if (!first) throw new Error('No review email');
    for (const link of others) await driver.completeReview(link.link, link.to);

    board.setFaults(
      failFirst(
        DYNAMODB_SDK_ATTEMPTS,
        (r) => r.operation === 'TransactWriteItems' && r.body.includes('submitted a review'),
        THROTTLED,
      ),
    );
    await answerPatiently(driver, first.link, first.to);
    expect(board.faultsInjected('dynamodb')).toBe(DYNAMODB_SDK_ATTEMPTS);
    await runtime.settle();

    const view = await driver.store.view(id);
    expect(view?.reviews.filter((r) => r.status === 'SUBMITTED')).toHaveLength(3);
    expect(view?.status).toBe('REVIEWED');
  });

  it("keeps a proposal REVIEWED when the last reviewer's history note lands after the result", async () => {
    const { id, word } = await uploadValid('late-note');
    await allTasksSent(id);
    const links = await reviewEmailsAbout(word);
    const last = links.pop();
    if (!last) throw new Error('No review email');
    for (const link of links) await driver.completeReview(link.link, link.to);

    // The last "submitted a review" note is throttled a few times (the SDK retries it), so it is written after
    // the execution has aggregated the reviews and moved the proposal to REVIEWED.
    board.setFaults(
      failFirst(
        DYNAMODB_SDK_ATTEMPTS - 1,
        (r) => r.operation === 'TransactWriteItems' && r.body.includes('submitted a review'),
        THROTTLED,
      ),
    );
    await answerPatiently(driver, last.link, last.to);
    await runtime.settle();
    await until(async () => executionsNamed(id)[0]?.status !== 'RUNNING', 'the execution to end');
    await until(async () => {
      const history = (await driver.store.view(id))?.history ?? [];
      return history.filter((h) => / submitted a review/.test(h.note)).length === 3;
    }, 'the last review note');

    const view = await driver.store.view(id);
    expect(executionsNamed(id)[0]?.status).toBe('SUCCEEDED');
    expect(view?.status).toBe('REVIEWED');
    expect(view?.history.at(-1)?.status).toBe('REVIEWED');
  });

  it("sends the submitter's result email once when the ops copy fails at first", async () => {
    const opsEmail = functionFor(runtime, 'notify').environment.OPS_EMAIL ?? '';
    expect(opsEmail).not.toBe('');
    const { id, word } = await uploadValid('ops-email-fails');
    await allTasksSent(id);
    // One NotifyResult invocation's SDK attempts (all of them) at the ops email fail.
    board.setFaults(failFirst(SDK_ATTEMPTS, (r) => isSes(r) && recipientOf(r) === opsEmail, SES_DOWN));
    await reviewAll(word);

    expect((await driver.store.view(id))?.status).toBe('REVIEWED');
    expect(board.faultsInjected('sesv2')).toBe(SDK_ATTEMPTS);
    expect(await emailsTo(opsEmail, word)).toHaveLength(1);
    expect(await submitterMail(word)).toEqual({ received: 1, result: 1 });
  });
});

describe('permanent faults: a terminal status with a readable cause, where the alarms look', () => {
  it('keeps a rejected proposal REJECTED, its execution successful, with a note when SES always fails its rejection email', async () => {
    board.setFaults((r) => (isSes(r) && recipientOf(r) === REJECTED_SUBMITTER ? SES_DOWN : undefined));
    const notify = functionFor(runtime, 'notify');
    const errorsBefore = runtime.lambdas.stats.get(notify.name)?.errors ?? 0;
    const mailBefore = (await emailsTo(REJECTED_SUBMITTER, '')).length;
    const upload = await driver.upload('pemkot-bandung', 'ringkasan-ses-down.md', invalidMarkdown());
    await runtime.settle(150_000);

    const view = await driver.store.view(upload.id);
    expect(view?.status).toBe('REJECTED');
    expect(view?.reason).toMatch(/Ringkasan melebihi 200 kata/);
    const note = view?.history.at(-1);
    expect(note?.status).toBe('REJECTED');
    // The notice is recorded as undelivered after the retries; the proposal and its execution are not failed.
    expect(note?.note).toMatch(
      /^The rejected notice could not be sent: SES kept failing through every retry .*ops alerted$/,
    );
    expect(await emailsTo(REJECTED_SUBMITTER, '')).toHaveLength(mailBefore);
    // What the alarms watch: the Notify function reported errors (each retry), and EmailsUndelivered.
    const [execution] = executionsNamed(upload.id);
    expect(execution?.status).toBe('SUCCEEDED');
    expect((runtime.lambdas.stats.get(notify.name)?.errors ?? 0) - errorsBefore).toBeGreaterThanOrEqual(5);
  }, 170_000);

  it('fails a proposal whose reviewer assignment always crashes, with the cause, and counts it', async () => {
    const assign = functionFor(runtime, 'assign');
    board.setCrash((fn) =>
      fn.name === assign.name ? 'Runtime exited with error: signal: killed' : undefined,
    );
    const metricsBefore = emfMetrics(logs).filter((m) => m.name === 'ProposalsFailed').length;
    const { id, word } = await uploadValid('assign-crashes');
    await runtime.settle();

    const view = await driver.store.view(id);
    expect(view?.status).toBe('FAILED');
    expect(view?.reason).toMatch(/^Technical failure \(Lambda\.Unknown\): .*crashed.*killed/);
    expect(view?.history.at(-1)?.status).toBe('FAILED');
    expect(view?.reviews).toHaveLength(0);
    expect(await reviewEmailsAbout(word)).toHaveLength(0);
    expect(board.crashes.length).toBeGreaterThanOrEqual(1);
    const [execution] = executionsNamed(id);
    expect(execution?.status).toBe('FAILED');
    const failed = emfMetrics(logs).filter((m) => m.name === 'ProposalsFailed');
    expect(failed.length - metricsBefore).toBe(1);
    expect(failed.at(-1)?.service).toBe('proposals-record-failure');
  });

  it('parks an upload whose intake keeps crashing in the dead-letter queue, and a redrive recovers it', async () => {
    const intake = functionFor(runtime, 'intake');
    const name = 'ringkasan-intake-crash.md';
    board.setCrash((fn, event) =>
      fn.name === intake.name && JSON.stringify(event).includes(name)
        ? 'Runtime exited with error: exit status 1'
        : undefined,
    );
    const upload = await driver.upload('pemkot-bandung', name, invalidMarkdown());
    await runtime.settle();

    expect(runtime.queue.deadLetters).toHaveLength(1);
    expect(runtime.queue.deadLetters[0]?.body).toContain(name);
    expect(runtime.queue.deadLetters[0]?.receiveCount).toBe(5);
    expect(board.crashes).toHaveLength(5);
    expect(await driver.store.get(upload.id)).toBeUndefined();
    expect(executionsNamed(upload.id)).toHaveLength(0);

    board.reset(); // the fault is gone
    expect(runtime.queue.redrive()).toBe(1);
    await runtime.settle();
    expect(runtime.queue.deadLetters).toHaveLength(0);
    const view = await driver.store.view(upload.id);
    expect(view?.status).toBe('REJECTED');
    expect(statuses(view?.history ?? [], 'RECEIVED')).toBe(1);
    expect(executionsNamed(upload.id)).toHaveLength(1);
  });
});
