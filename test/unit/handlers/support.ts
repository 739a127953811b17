/**
 * Shared set-up of the handler unit tests: the environment the stacks give each Lambda, mocked AWS clients
 * (aws-sdk-client-mock), a fake Lambda context, an in-memory table behind the mocked DynamoDB client, and
 * builders of stored items from the fixtures.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  DeleteCommand,
  type DeleteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/core/serde';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { keys, type Proposal, type Reviewer, type ReviewTask } from '../../../functions/lib/model';
import { applyUpdate, type Item, matches } from './expressions';

export const TABLE = 'proposals-test';
export const BUCKET = 'kipp-proposals-test';
export const REGION = 'ap-southeast-3';
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:123456789012:stateMachine:proposal-review`;
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:123456789012:secret:review-link-signing-AbCdEf`;

/** The link signing secret the mocked Secrets Manager returns (at least 32 characters, as signing requires). */
import { SIGNING_SECRET } from './memory';

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
    // The presigner signs locally with these; nothing reaches AWS (every client is mocked).
    AWS_ACCESS_KEY_ID: 'AKIAUNITTEST',
    AWS_SECRET_ACCESS_KEY: 'unit-test-secret-key',
    POWERTOOLS_SERVICE_NAME: 'proposal-review-test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_NAMESPACE: 'ProposalReviewTest',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.stubEnv('REPLY_TO_EMAIL', undefined);
  // Dev mode makes Powertools Metrics write its warnings to the global console, where the one it prints for
  // every invocation without metrics is dropped; any other warning still shows.
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  const warn = console.warn.bind(console);
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('No application metrics to publish')) return;
    warn(...args);
  });
}

/** Undoes `stubHandlerEnv`. */
export function restoreHandlerEnv(): void {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
}

// One mock per client class; every instance the handlers build at module scope is covered.
export const ddb = mockClient(DynamoDBDocumentClient);
export const s3 = mockClient(S3Client);
export const sfn = mockClient(SFNClient);
export const ses = mockClient(SESv2Client);
export const secrets = mockClient(SecretsManagerClient);

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

/** Resets every mock, installs a fresh table behind the DynamoDB mock and answers the secret and emails. */
export function freshMocks(): FakeTable {
  ddb.reset();
  s3.reset();
  sfn.reset();
  ses.reset();
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: SIGNING_SECRET });
  let sent = 0;
  ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `message-${++sent}` }));
  const table = new FakeTable();
  table.install();
  return table;
}

// ------------------------------------------------------------------------------------------------ table

type Write = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** Lets a test make one request fail (throttling, a race): return the error to throw, or undefined. */
export type Fault = (command: string, input: unknown) => Error | undefined;

const itemKey = (key: Record<string, unknown>) => `${String(key.PK)}\u0000${String(key.SK)}`;

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

/** The error DynamoDB gives for a cancelled transaction, with one reason per item. */
export function transactionCancelled(codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

/**
 * The single table in memory, answering the DocumentClient commands the handlers send: conditions are
 * checked, updates applied and transactions all-or-nothing, as DynamoDB does. Queries read the base table
 * or a GSI (items that carry the index's key attributes).
 */
export class FakeTable {
  readonly items = new Map<string, Item>();
  private faults: Fault[] = [];

  install(): void {
    ddb
      .on(GetCommand)
      .callsFake(async (input: GetCommandInput) => this.run('Get', input, () => this.get(input)));
    ddb
      .on(PutCommand)
      .callsFake(async (input: PutCommandInput) => this.run('Put', input, () => this.put(input)));
    ddb
      .on(UpdateCommand)
      .callsFake(async (input: UpdateCommandInput) => this.run('Update', input, () => this.update(input)));
    ddb
      .on(DeleteCommand)
      .callsFake(async (input: DeleteCommandInput) => this.run('Delete', input, () => this.delete(input)));
    ddb
      .on(QueryCommand)
      .callsFake(async (input: QueryCommandInput) => this.run('Query', input, () => this.query(input)));
    ddb
      .on(BatchGetCommand)
      .callsFake(async (input: BatchGetCommandInput) =>
        this.run('BatchGet', input, () => this.batchGet(input)),
      );
    ddb
      .on(TransactWriteCommand)
      .callsFake(async (input: TransactWriteCommandInput) =>
        this.run('TransactWrite', input, () => this.transact(input)),
      );
  }

  /** Makes requests fail while `fault` returns an error for them. */
  inject(fault: Fault): void {
    this.faults.push(fault);
  }

  seed(...items: Item[]): this {
    for (const item of items) this.items.set(itemKey(item), structuredClone(item));
    return this;
  }

  read(key: { PK: string; SK: string }): Item | undefined {
    const item = this.items.get(itemKey(key));
    return item ? structuredClone(item) : undefined;
  }

  /** The stored proposal (META item). */
  proposal(id: string): Proposal & Item {
    const item = this.read(keys.proposal(id));
    if (!item) throw new Error(`No proposal ${id} in the table`);
    return item as Proposal & Item;
  }

  task(proposalId: string, reviewerId: string): (ReviewTask & Item) | undefined {
    return this.read(keys.review(proposalId, reviewerId)) as (ReviewTask & Item) | undefined;
  }

  reviewer(id: string): (Reviewer & Item) | undefined {
    return this.read(keys.reviewer(id)) as (Reviewer & Item) | undefined;
  }

  /** The proposal's history (EVENT items), oldest first. */
  history(id: string): Array<{ status: string; note: string }> {
    return [...this.items.values()]
      .filter((item) => item.PK === `PROPOSAL#${id}` && String(item.SK).startsWith('EVENT#'))
      .sort((a, b) => String(a.SK).localeCompare(String(b.SK)))
      .map((item) => ({ status: String(item.status), note: String(item.note) }));
  }

  private async run<T>(command: string, input: unknown, body: () => T): Promise<T> {
    for (const fault of this.faults) {
      const error = fault(command, input);
      if (error) throw error;
    }
    return body();
  }

  private get(input: GetCommandInput) {
    const item = this.read(input.Key as { PK: string; SK: string });
    return item ? { Item: item } : {};
  }

  private check(condition: string | undefined, current: Item | undefined, ctx: ExpressionCtx): boolean {
    return matches(condition, current, {
      names: ctx.ExpressionAttributeNames,
      values: ctx.ExpressionAttributeValues,
    });
  }

  private put(input: PutCommandInput) {
    const item = input.Item as Item;
    if (!this.check(input.ConditionExpression, this.items.get(itemKey(item)), input)) throw conditionFailed();
    this.items.set(itemKey(item), structuredClone(item));
    return {};
  }

  private updated(input: UpdateCommandInput, current: Item | undefined): Item {
    const key = input.Key as Item;
    return applyUpdate(input.UpdateExpression ?? '', current ?? { ...key }, {
      names: input.ExpressionAttributeNames,
      values: input.ExpressionAttributeValues,
    });
  }

  private update(input: UpdateCommandInput) {
    const key = itemKey(input.Key as Item);
    const current = this.items.get(key);
    if (!this.check(input.ConditionExpression, current, input)) throw conditionFailed();
    const next = this.updated(input, current);
    this.items.set(key, next);
    if (input.ReturnValues === 'ALL_NEW') return { Attributes: structuredClone(next) };
    if (input.ReturnValues === 'ALL_OLD') return current ? { Attributes: structuredClone(current) } : {};
    return {};
  }

  private delete(input: DeleteCommandInput) {
    const key = itemKey(input.Key as Item);
    if (!this.check(input.ConditionExpression, this.items.get(key), input)) throw conditionFailed();
    this.items.delete(key);
    return {};
  }

  private query(input: QueryCommandInput) {
    const ctx = { names: input.ExpressionAttributeNames, values: input.ExpressionAttributeValues };
    const sortKey =
      input.IndexName === undefined
        ? 'SK'
        : input.IndexName === 'GSI1'
          ? 'GSI1SK'
          : input.IndexName === 'GSI2'
            ? 'GSI2SK'
            : 'SK';
    const found = [...this.items.values()]
      .filter((item) => matches(input.KeyConditionExpression, item, ctx))
      .filter((item) => matches(input.FilterExpression, item, ctx))
      .sort((a, b) => String(a[sortKey] ?? '').localeCompare(String(b[sortKey] ?? '')));
    if (input.ScanIndexForward === false) found.reverse();
    return { Items: found.map((item) => structuredClone(item)), Count: found.length };
  }

  private batchGet(input: BatchGetCommandInput) {
    const responses: Record<string, Item[]> = {};
    for (const [table, request] of Object.entries(input.RequestItems ?? {})) {
      responses[table] = (request.Keys ?? [])
        .map((key) => this.read(key as { PK: string; SK: string }))
        .filter((item): item is Item => item !== undefined);
    }
    return { Responses: responses, UnprocessedKeys: {} };
  }

  private transact(input: TransactWriteCommandInput) {
    const writes = input.TransactItems ?? [];
    const codes = writes.map((write) => (this.allowed(write) ? 'None' : 'ConditionalCheckFailed'));
    if (codes.some((code) => code !== 'None')) throw transactionCancelled(codes);
    for (const write of writes) {
      if (write.Put) this.items.set(itemKey(write.Put.Item as Item), structuredClone(write.Put.Item as Item));
      else if (write.Update) {
        const key = itemKey(write.Update.Key as Item);
        this.items.set(key, this.updated(write.Update as UpdateCommandInput, this.items.get(key)));
      } else if (write.Delete) this.items.delete(itemKey(write.Delete.Key as Item));
    }
    return {};
  }

  private allowed(write: Write): boolean {
    const part = write.Put ?? write.Update ?? write.Delete ?? write.ConditionCheck;
    if (!part) return true;
    const key = write.Put ? (write.Put.Item as Item) : ((part as { Key: Item }).Key as Item);
    return this.check(part.ConditionExpression, this.items.get(itemKey(key)), part);
  }
}

interface ExpressionCtx {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
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

export function reviewerItem(id: string, overrides: Partial<Reviewer> = {}): Item {
  return { ...keys.reviewer(id), ...keys.rosterListing(id), ...reviewer(id, overrides) };
}

export const PROPOSAL_ID = 'p-3f1c2a9b8e7d6c5b4a39';
export const RECEIVED_AT = '2025-06-20T03:15:00.000Z';

/** A stored proposal (META item) in `status`, by default a valid Kesehatan proposal of Surabaya in review. */
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

export function proposalItem(overrides: Partial<Proposal> = {}): Item {
  const stored = proposal(overrides);
  return {
    ...keys.proposal(stored.id),
    ...keys.statusListing(stored.status, stored.receivedAt, stored.id),
    ...stored,
  };
}

/** A review id as assignment makes them (24 url-safe characters). */
export function reviewIdFor(reviewerId: string): string {
  return `rv${reviewerId.replace(/[^A-Za-z0-9]/g, '')}${'x'.repeat(24)}`.slice(0, 24);
}

/** A stored review task; open tasks carry the open-task listing keys as assignment writes them. */
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

export function taskItem(reviewerId: string, overrides: Partial<ReviewTask> & { token?: string } = {}): Item {
  const stored = task(reviewerId, overrides);
  const open = stored.status === 'PENDING' || stored.status === 'ACCEPTED';
  return {
    ...keys.review(stored.proposalId, reviewerId),
    ...keys.reviewerTasks(reviewerId, stored.dueAt, stored.proposalId),
    ...(open ? keys.openTask(stored.dueAt, stored.proposalId, reviewerId) : {}),
    ...stored,
  };
}

/** An S3 GetObject body the way the SDK returns it, from bytes. */
export function objectBody(bytes: Uint8Array) {
  return sdkStreamMixin(Readable.from([Buffer.from(bytes)]));
}

// ----------------------------------------------------------------------------------------------- emails

export interface SentEmail {
  to: string[];
  from?: string;
  subject: string;
  text: string;
  html: string;
}

/** The emails sent through SES, in order. */
export function sentEmails(): SentEmail[] {
  return ses.commandCalls(SendEmailCommand).map((call) => {
    const input = call.args[0].input;
    const simple = input.Content?.Simple;
    return {
      to: input.Destination?.ToAddresses ?? [],
      from: input.FromEmailAddress,
      subject: simple?.Subject?.Data ?? '',
      text: simple?.Body?.Text?.Data ?? '',
      html: simple?.Body?.Html?.Data ?? '',
    };
  });
}

/** The first http(s) link in a text. */
export function firstLink(text: string): URL {
  const match = text.match(/https?:\/\/[^\s"'<>]+/);
  if (!match) throw new Error(`No link in: ${text.slice(0, 200)}`);
  return new URL(match[0].replace(/&amp;/g, '&'));
}
