/**
 * DynamoDB Local alone (`npx tsx bench/dynamodb-local.ts [--concurrency N] [--seconds S] [--jvm "-Xmx1g ..."]...`):
 * the request rate the local runtime's DynamoDB can serve, the ceiling to compare the burst with. Clients at the
 * burst's concurrency (default 16: a few sandboxes of each busy function) each repeat the round a proposal's
 * Lambda calls make: a strongly consistent GetItem, a conditional UpdateItem, a TransactWriteItems (an update and
 * an event put, as every history event is written), a PutItem and a Query of one partition. Prints requests per
 * second, mean latency per operation, and the JVM's CPU seconds per 1,000 requests; `--jvm` may be repeated to
 * compare JVM option sets in one run (each on a fresh DynamoDB Local, run in turn, `--rounds` times).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DEFAULT_JVM_OPTIONS, startDynamoDbLocal } from '../local/emulators/dynamodb';

export interface DynamoDbLocalBenchOptions {
  concurrency: number;
  seconds: number;
  jvmOptions?: readonly string[];
}

export interface DynamoDbLocalBenchResult {
  jvmOptions: readonly string[];
  concurrency: number;
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  /** Mean latency per operation (ms). */
  meanMs: Record<string, number>;
  /** The JVM's CPU time (user + system) per 1,000 requests, in seconds; undefined where /proc is missing. */
  jvmCpuPer1000?: number;
}

const TABLE = 'bench';

/** A process's CPU time (user + system) in seconds, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export async function benchDynamoDbLocal(
  options: DynamoDbLocalBenchOptions,
): Promise<DynamoDbLocalBenchResult> {
  const jvmOptions = options.jvmOptions ?? DEFAULT_JVM_OPTIONS;
  const db = await startDynamoDbLocal(() => {}, { jvmOptions });
  const client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
      }),
    );
    const totals = new Map<string, { n: number; ms: number }>();
    let errors = 0;
    const timed = async (name: string, call: () => Promise<unknown>) => {
      const t0 = performance.now();
      try {
        await call();
      } catch {
        errors += 1;
      }
      const entry = totals.get(name) ?? { n: 0, ms: 0 };
      entry.n += 1;
      entry.ms += performance.now() - t0;
      totals.set(name, entry);
    };
    // A proposal-sized item (~3 KB, as measured in the burst).
    const text = 'x'.repeat(2800);
    const round = async (client: number, i: number) => {
      const PK = `PROPOSAL#c${client}-${i}`;
      await timed('PutItem', () =>
        doc.send(
          new PutCommand({ TableName: TABLE, Item: { PK, SK: 'META', seq: 0, text, status: 'RECEIVED' } }),
        ),
      );
      await timed('GetItem', () =>
        doc.send(new GetCommand({ TableName: TABLE, Key: { PK, SK: 'META' }, ConsistentRead: true })),
      );
      await timed('UpdateItem', () =>
        doc.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: { PK, SK: 'META' },
            UpdateExpression: 'SET #s = :s, seq = :next',
            ConditionExpression: 'seq = :seq',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':s': 'VALIDATING', ':seq': 0, ':next': 1 },
          }),
        ),
      );
      await timed('TransactWriteItems', () =>
        doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: TABLE,
                  Key: { PK, SK: 'META' },
                  UpdateExpression: 'SET #s = :s, seq = :next',
                  ConditionExpression: 'seq = :seq',
                  ExpressionAttributeNames: { '#s': 'status' },
                  ExpressionAttributeValues: { ':s': 'ASSIGNING', ':seq': 1, ':next': 2 },
                },
              },
              {
                Put: { TableName: TABLE, Item: { PK, SK: `EVENT#${i}`, type: 'ASSIGNING', at: Date.now() } },
              },
            ],
          }),
        ),
      );
      await timed('Query', () =>
        doc.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': PK },
          }),
        ),
      );
    };
    // Warm the JVM's JIT before measuring, as the burst's first seconds do.
    await Promise.all(Array.from({ length: options.concurrency }, (_, c) => round(c, -1)));
    totals.clear();
    errors = 0;
    const cpuBefore = cpuSeconds(db.pid);
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    await Promise.all(
      Array.from({ length: options.concurrency }, async (_, c) => {
        for (let i = 0; performance.now() < deadline; i++) await round(c, i);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = cpuSeconds(db.pid);
    const requests = [...totals.values()].reduce((sum, t) => sum + t.n, 0);
    return {
      jvmOptions,
      concurrency: options.concurrency,
      requests,
      errors,
      seconds,
      requestsPerSecond: requests / seconds,
      meanMs: Object.fromEntries([...totals].map(([name, t]) => [name, t.ms / t.n])),
      jvmCpuPer1000:
        cpuBefore === undefined || cpuAfter === undefined
          ? undefined
          : ((cpuAfter - cpuBefore) / requests) * 1000,
    };
  } finally {
    client.destroy();
    await db.stop();
  }
}

export function formatDynamoDbLocal(r: DynamoDbLocalBenchResult): string {
  const latency = Object.entries(r.meanMs)
    .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
    .join(', ');
  const cpu = r.jvmCpuPer1000 === undefined ? '' : `, JVM ${r.jvmCpuPer1000.toFixed(2)} CPU s per 1,000`;
  return (
    `[${r.jvmOptions.join(' ')}] ${r.concurrency} clients: ${r.requestsPerSecond.toFixed(0)} requests/s ` +
    `(${r.requests} in ${r.seconds.toFixed(1)} s, ${r.errors} errors${cpu}); mean ms: ${latency}`
  );
}

function flag(argv: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === name && argv[i + 1] !== undefined) values.push(argv[++i] as string);
    else if (arg.startsWith(`${name}=`)) values.push(arg.slice(name.length + 1));
  }
  return values;
}

function positive(raw: string | undefined, fallback: number, name: string): number {
  const value = Number(raw ?? fallback);
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive whole number, not "${raw}"`);
  return value;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const concurrency = positive(flag(argv, '--concurrency')[0], 16, '--concurrency');
  const seconds = positive(flag(argv, '--seconds')[0], 20, '--seconds');
  const rounds = positive(flag(argv, '--rounds')[0], 1, '--rounds');
  const sets = flag(argv, '--jvm').map((s) => s.split(/\s+/).filter(Boolean));
  const configs = sets.length > 0 ? sets : [DEFAULT_JVM_OPTIONS];
  for (let round = 0; round < rounds; round++) {
    for (const jvmOptions of configs) {
      const result = await benchDynamoDbLocal({ concurrency, seconds, jvmOptions });
      process.stdout.write(`${formatDynamoDbLocal(result)}\n`);
    }
  }
}
