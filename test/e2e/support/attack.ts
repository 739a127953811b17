/**
 * Helpers for the fault and security tests on the local runtime: a switchable fault injector, a switchable crash
 * hook, the EMF metrics the Lambdas logged, a reviewer who reloads after a server error, hostile requests, and a
 * before/after snapshot of everything a proposal owns in the table.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Driver } from '../../../local/driver';
import { EXAMPLES_DIR } from '../../../local/driver';
import type { Fault, FaultInjector, ProxiedRequest } from '../../../local/emulators/fault-proxy';
import type { BeforeInvoke, LocalFunction } from '../../../local/lambdas';
import type { LocalRuntime } from '../../../local/runtime';

export const ATTACK_FIXTURES = new URL('../../fixtures/attacks/', import.meta.url).pathname;

/** A request the proxies saw, and whether a fault answered it. */
export interface SeenRequest extends ProxiedRequest {
  fault?: Fault;
}

/**
 * The runtime is booted once per file with `faults: switchboard.inject` and `beforeInvoke: switchboard.crash`;
 * each test sets the rule it needs and `reset()` puts everything back to "no faults".
 */
export class Switchboard {
  private rule: FaultInjector = () => undefined;
  private crashRule: (fn: LocalFunction, event: unknown) => string | undefined = () => undefined;
  readonly seen: SeenRequest[] = [];
  readonly crashes: Array<{ logicalId: string; reason: string }> = [];

  readonly inject: FaultInjector = (request) => {
    const fault = this.rule(request);
    this.seen.push({ ...request, fault });
    return fault;
  };

  readonly crash: BeforeInvoke = (fn, event) => {
    const reason = this.crashRule(fn, event);
    if (reason === undefined) return;
    this.crashes.push({ logicalId: fn.logicalId, reason });
    throw new Error(reason);
  };

  setFaults(rule: FaultInjector): void {
    this.rule = rule;
  }

  /** `rule` returns a crash reason to make that invocation die like a crashed sandbox. */
  setCrash(rule: (fn: LocalFunction, event: unknown) => string | undefined): void {
    this.crashRule = rule;
  }

  reset(): void {
    this.rule = () => undefined;
    this.crashRule = () => undefined;
    this.seen.length = 0;
    this.crashes.length = 0;
  }

  faultsInjected(service?: string): number {
    return this.seen.filter((r) => r.fault && (!service || r.service === service)).length;
  }
}

/** The first `times` requests matching `match` get `fault`; later ones go through. */
export function failFirst(times: number, match: (r: ProxiedRequest) => boolean, fault: Fault): FaultInjector {
  let left = times;
  return (request) => {
    if (left <= 0 || !match(request)) return undefined;
    left -= 1;
    return fault;
  };
}

/**
 * Like failFirst, for one subject only: the first matching request names the subject (`subjectOf` returns it, or
 * undefined for requests that do not match), and the first `times` requests about that same subject fail. Used
 * to make one invocation exhaust its SDK retries while concurrent invocations about other subjects go through.
 */
export function failFirstAbout(
  times: number,
  subjectOf: (r: ProxiedRequest) => string | undefined,
  fault: Fault,
): FaultInjector {
  let pinned: string | undefined;
  let left = times;
  return (request) => {
    const subject = subjectOf(request);
    if (subject === undefined || left <= 0) return undefined;
    pinned ??= subject;
    if (subject !== pinned) return undefined;
    left -= 1;
    return fault;
  };
}

export const THROTTLED: Fault = {
  status: 400,
  type: 'ThrottlingException',
  message: 'Rate of requests exceeds the allowed throughput.',
};
export const THROUGHPUT_EXCEEDED: Fault = {
  status: 400,
  type: 'ProvisionedThroughputExceededException',
  message: 'The level of configured provisioned throughput for the table was exceeded.',
};
export const SES_DOWN: Fault = { status: 500, type: 'InternalFailure', message: 'Injected SES failure' };
/**
 * Attempts the Lambdas' SDK clients make before an error reaches the handler (standard retry mode): 3 by default,
 * 4 for DynamoDB (the DynamoDB client's own default). A fault on that many requests in a row escapes the SDK.
 */
export const SDK_ATTEMPTS = 3;
export const DYNAMODB_SDK_ATTEMPTS = 4;
export const SES_SEND = 'POST /v2/email/outbound-emails';

/** Functions of the templates by their Powertools service name (`proposals-<entry>`). */
export function functionFor(runtime: LocalRuntime, entry: string): LocalFunction {
  const fn = runtime.lambdas
    .functions()
    .find((f) => f.environment.POWERTOOLS_SERVICE_NAME === `proposals-${entry}`);
  if (!fn) throw new Error(`No function proposals-${entry} in the templates`);
  return fn;
}

export interface EmfMetric {
  logicalId: string;
  service?: string;
  name: string;
  value: unknown;
}

/** The CloudWatch EMF metrics in captured Lambda log lines (`[LogicalId] {json}`). */
export function emfMetrics(lines: readonly string[]): EmfMetric[] {
  const metrics: EmfMetric[] = [];
  for (const line of lines) {
    const match = /^\[([^\]]+)\] (\{.*\})\s*$/.exec(line);
    if (!match?.[2]) continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(match[2]) as Record<string, unknown>;
    } catch {
      continue;
    }
    const aws = record._aws as
      | { CloudWatchMetrics?: Array<{ Metrics?: Array<{ Name: string }> }> }
      | undefined;
    for (const directive of aws?.CloudWatchMetrics ?? []) {
      for (const metric of directive.Metrics ?? []) {
        metrics.push({
          logicalId: match[1] ?? '',
          service: typeof record.service === 'string' ? record.service : undefined,
          name: metric.Name,
          value: record[metric.Name],
        });
      }
    }
  }
  return metrics;
}

/** Example 01 (a valid Umum proposal in Markdown) under another title, so one runtime can take it many times. */
export function validMarkdown(title: string): string {
  const source = readFileSync(join(EXAMPLES_DIR, 'proposals', '01-dinkes-surabaya-umum.md'), 'utf8');
  return source.replaceAll('SEHATI: Sistem Antrean dan Rujukan Terpadu Puskesmas', title);
}

/** Example 06, rejected for its 242-word Ringkasan (quick: no reviewers involved). */
export function invalidMarkdown(): Buffer {
  return readFileSync(join(EXAMPLES_DIR, 'proposals', '06-dp3a-bandung-ringkasan-panjang.md'));
}

export function attackFixture(name: string): Buffer {
  return readFileSync(join(ATTACK_FIXTURES, name));
}

/** Everything a proposal owns in the table (item, review tasks, history), for before/after comparisons. */
export async function snapshot(driver: Driver, id: string) {
  const view = await driver.store.view(id);
  if (!view) throw new Error(`Proposal ${id} is not registered`);
  return {
    ...view,
    reviews: [...view.reviews].sort((a, b) => a.reviewerId.localeCompare(b.reviewerId)),
  };
}

/** Review links of the emails sent about a proposal (the subject names its title). */
export async function linksAbout(driver: Driver, titleWord: string) {
  return (await driver.reviewLinks()).filter((l) => l.subject.includes(titleWord));
}

const serverError = (status: number) => status >= 500;

/**
 * A reviewer answering a task as a person would: on an error page (5xx) they reload and try again; a 409 after a
 * failed try means the earlier try went through. Returns every status seen.
 */
export async function answerPatiently(
  driver: Driver,
  link: string,
  seed: string,
  hooks: { beforeSubmit?: () => void; afterSubmit?: () => void } = {},
  tries = 6,
): Promise<number[]> {
  const statuses: number[] = [];
  const attempt = async (send: () => Promise<Response>, done: (status: number) => boolean) => {
    for (let i = 0; i < tries; i++) {
      const response = await send();
      await response.arrayBuffer();
      statuses.push(response.status);
      if (done(response.status)) return;
      if (!serverError(response.status)) throw new Error(`Unexpected ${response.status} from ${link}`);
      await new Promise((resolve) => setTimeout(resolve, 100 * (i + 1)));
    }
    throw new Error(`Still failing after ${tries} tries: ${statuses.join(', ')}`);
  };
  await attempt(
    () => driver.get(link),
    (s) => s === 200,
  );
  let failedBefore = false;
  await attempt(
    () => driver.post(link, { action: 'accept' }),
    (s) => {
      const ok = s === 303 || (s === 409 && failedBefore);
      failedBefore ||= serverError(s);
      return ok;
    },
  );
  const form: Record<string, string> = { action: 'submit', comment: 'Dampak terukur; keberlanjutan jelas.' };
  for (const [id, value] of Object.entries(driver.scoresFor(seed))) form[`scores.${id}`] = String(value);
  failedBefore = false;
  hooks.beforeSubmit?.();
  try {
    await attempt(
      () => driver.post(link, form),
      (s) => {
        const ok = s === 303 || (s === 409 && failedBefore);
        failedBefore ||= serverError(s);
        return ok;
      },
    );
  } finally {
    hooks.afterSubmit?.();
  }
  return statuses;
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A raw POST to a review link with any body and content type. */
export async function postRaw(
  link: string,
  body: string | Uint8Array,
  contentType?: string,
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (contentType) headers['content-type'] = contentType;
  return fetch(link, { method: 'POST', redirect: 'manual', headers, body });
}

/** A score form for every criterion of the profile, with `override` replacing or adding fields. */
export function scoreForm(driver: Driver, override: Record<string, string> = {}): Record<string, string> {
  const form: Record<string, string> = { action: 'submit', comment: 'Penilaian uji.' };
  for (const c of driver.profile.scoring.criteria)
    form[`scores.${c.id}`] = String(driver.profile.scoring.scaleMin);
  return { ...form, ...override };
}

/** Link `target` with the review id of `other` (a valid signature, but for another task). */
export function swapReviewId(target: string, other: string): string {
  const url = new URL(target);
  url.searchParams.set('r', new URL(other).searchParams.get('r') ?? '');
  return url.toString();
}

/** The same link with its expiry changed (the signature left as it was). */
export function withExpiry(link: string, expiry: Date): string {
  const url = new URL(link);
  url.searchParams.set('e', String(Math.floor(expiry.getTime() / 1000)));
  return url.toString();
}

/** A short, stable, unique word for titles (titles must be unique within a competition). */
export function uniqueWord(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 8).toUpperCase();
}
