/**
 * Shared set-up of the handler unit tests: the environment the stacks give each Lambda, a fake Lambda context,
 * and the fixtures (proposal, review tasks, roster) the tests seed into the in-memory adapters (./memory.ts).
 */
import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import type { Proposal, Reviewer, ReviewTask } from '../../../functions/lib/model';
import { SIGNING_SECRET } from './memory';

export const TABLE = 'proposals-test';
export const BUCKET = 'kipp-proposals-test';
export const REGION = 'ap-southeast-3';
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:123456789012:stateMachine:proposal-review`;
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:123456789012:secret:review-link-signing-AbCdEf`;

/** The link signing secret the in-memory secrets return (at least 32 characters, as signing requires). */
export { SIGNING_SECRET };
export const REVIEW_BASE_URL = 'https://review.kipp.example.go.id/review';
export const SENDER_EMAIL = 'noreply@kipp.example.go.id';
export const OPS_EMAIL = 'sekretariat@kipp.example.go.id';

/**
 * Sets the environment a deployed handler gets (handlers read it at module scope: call this BEFORE importing
 * one). Undo with `vi.unstubAllEnvs()` in afterAll.
 */
export function stubHandlerEnv(): void {
  const env: Record<string, string> = {
    TABLE_NAME: TABLE,
    PROFILE: 'kipp',
    STATE_MACHINE_ARN,
    SENDER_EMAIL,
    OPS_EMAIL,
    SIGNING_SECRET_ARN: SECRET_ARN,
    REVIEW_BASE_URL,
    BUCKET_NAME: BUCKET,
    AWS_REGION: REGION,
    POWERTOOLS_SERVICE_NAME: 'proposal-review-test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_NAMESPACE: 'ProposalReviewTest',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.stubEnv('REPLY_TO_EMAIL', undefined);
}

/** Undoes `stubHandlerEnv`. */
export function restoreHandlerEnv(): void {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
}

/** A Lambda context as the runtime passes it. */
export function lambdaContext(functionName = 'handler'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2025/07/01/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An error as the SDK raises it for a throttled or failing service call. */
export function awsError(name: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(`${name}: simulated`), {
    name,
    $metadata: { httpStatusCode },
    $fault: 'client',
  });
}

// --------------------------------------------------------------------------------------------- fixtures

const root = new URL('../../../', import.meta.url);
export const fixturePath = (path: string) => new URL(path, root);
export const readFixture = (path: string) => readFileSync(fixturePath(path));

/** The roster fixture (10 reviewers: free, busy, full, inactive, conflicted). */
export const roster: Reviewer[] = JSON.parse(
  readFixture('test/fixtures/rosters/small.json').toString('utf8'),
);

/** A reviewer of the roster fixture. */
export function reviewer(id: string, overrides: Partial<Reviewer> = {}): Reviewer {
  const found = roster.find((r) => r.id === id);
  if (!found) throw new Error(`No reviewer ${id} in the roster fixture`);
  return { ...found, ...overrides };
}

export const PROPOSAL_ID = 'p-3f1c2a9b8e7d6c5b4a39';
export const RECEIVED_AT = '2025-06-20T03:15:00.000Z';

/** A stored proposal, by default a valid Kesehatan proposal of Surabaya in review. */
export function proposal(overrides: Partial<Proposal> = {}): Proposal {
  return {
    id: PROPOSAL_ID,
    bucket: BUCKET,
    key: 'incoming/pemkot-surabaya/01-dinkes-surabaya-umum.md',
    versionId: 'v-1',
    agency: 'pemkot-surabaya',
    status: 'IN_REVIEW',
    reason: '3 reviewer(s) assigned',
    receivedAt: RECEIVED_AT,
    updatedAt: RECEIVED_AT,
    title: 'Si-Sehat: Antrean Puskesmas Daring',
    institution: 'Dinas Kesehatan Kota Surabaya',
    group: 'umum',
    category: 'kesehatan',
    contactEmail: 'budi.santoso@example.go.id',
    reviewersNeeded: 3,
    seq: 3,
    ...overrides,
  };
}

/** A review id as assignment makes them (24 url-safe characters). */
export function reviewIdFor(reviewerId: string): string {
  return `rv${reviewerId.replace(/[^A-Za-z0-9]/g, '')}${'x'.repeat(24)}`.slice(0, 24);
}

/** A stored review task, by default pending and due on 15 July 2025. */
export function task(
  reviewerId: string,
  overrides: Partial<ReviewTask> & { token?: string } = {},
): ReviewTask & { token?: string } {
  return {
    proposalId: PROPOSAL_ID,
    reviewerId,
    reviewId: reviewIdFor(reviewerId),
    status: 'PENDING',
    attempt: 1,
    assignedAt: '2025-07-01T00:00:00.000Z',
    dueAt: '2025-07-15T00:00:00.000Z',
    ...overrides,
  };
}

/** The first http(s) link in a text. */
export function firstLink(text: string): URL {
  const match = text.match(/https?:\/\/[^\s"'<>]+/);
  if (!match) throw new Error(`No link in: ${text.slice(0, 200)}`);
  return new URL(match[0].replace(/&amp;/g, '&'));
}
