/**
 * A reviewer's journey on the local runtime: one runtime with the example roster and one reviewable example
 * uploaded, and the review-task emails sent so far (used by the end-to-end tests and scripts/screenshots.ts).
 */
import { Driver, type ExpectedExample, exampleSet } from './driver';
import type { SentEmail } from './emulators/ses';
import { type LocalRuntime, startLocalRuntime } from './runtime';

export interface TaskEmail {
  to: string;
  link: string;
  subject: string;
  messageId: string;
  lang: 'id' | 'en';
  kind: 'task' | 'reminder' | 'other';
}

const TASK_SUBJECT = /^(\[[^\]]+\]\s*)?(Permintaan penilaian|Review request):/;
const REMINDER_SUBJECT = /^(\[[^\]]+\]\s*)?(Pengingat|Reminder|Penilaian terlambat|Overdue review):/;
const ENGLISH_SUBJECT = /^(\[[^\]]+\]\s*)?(Review request|Reminder|Overdue review):/;
const LINK = /(https?:\/\/[^\s"'<>]+\/review\?r=[^\s"'<>]+)/;

export function emailKind(subject: string): TaskEmail['kind'] {
  if (TASK_SUBJECT.test(subject)) return 'task';
  if (REMINDER_SUBJECT.test(subject)) return 'reminder';
  return 'other';
}

/** Emails carrying a review link, oldest first, with what kind of email each is. */
export function reviewEmails(emails: SentEmail[]): TaskEmail[] {
  const out: TaskEmail[] = [];
  for (const email of emails) {
    const match = LINK.exec(email.body.text ?? '');
    if (!match?.[1]) continue;
    out.push({
      to: email.destination.to[0] ?? '',
      link: match[1].replace(/&amp;/g, '&'),
      subject: email.subject,
      messageId: email.messageId,
      lang: ENGLISH_SUBJECT.test(email.subject) ? 'en' : 'id',
      kind: emailKind(email.subject),
    });
  }
  return out;
}

export async function taskEmails(driver: Driver): Promise<TaskEmail[]> {
  return reviewEmails(await driver.emails()).filter((email) => email.kind === 'task');
}

/** The first example the catalogue expects to be fully reviewed. */
export function reviewableExample(): ExpectedExample {
  const example = exampleSet().find((e) => e.expect === 'REVIEWED');
  if (!example) throw new Error('examples/proposals/expected.json lists no proposal that ends REVIEWED');
  return example;
}

export interface Journey {
  runtime: LocalRuntime;
  driver: Driver;
  proposalId: string;
  /** Wall time to boot the runtime (synth included when sources changed), in ms. */
  bootMs: number;
}

/** Boots the runtime, imports the example roster, uploads one valid example and waits for its review tasks. */
export async function startJourney(): Promise<Journey> {
  const started = Date.now();
  const runtime = await startLocalRuntime();
  const bootMs = Date.now() - started;
  try {
    const driver = new Driver(runtime);
    await driver.importRoster();
    const { id } = await driver.uploadExample(reviewableExample());
    await runtime.settle();
    return { runtime, driver, proposalId: id, bootMs };
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}
