import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { claimQuota, claimTitle } from '../../../functions/lib/adapters/eligibility-claims';
import { TransientError } from '../../../functions/lib/errors';

const TABLE = 'proposals-test';
const SCOPE = { agency: 'pemkot-surabaya' };
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ddb = mockClient(DynamoDBDocumentClient);

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

beforeEach(() => {
  ddb.reset();
});

describe('eligibility claims when two uploads collide', () => {
  it('claims a title with one conditional put, never a transaction that could collide', async () => {
    ddb.on(PutCommand).resolves({});

    expect(await claimTitle(doc, TABLE, 'p-2', SCOPE, 'Layanan Kesehatan Keliling')).toEqual({ ok: true });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.ConditionExpression).toBe(
      'attribute_not_exists(PK) OR proposalId = :me',
    );
  });

  it('names the holder when the title is really taken', async () => {
    ddb
      .on(PutCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    ddb.on(GetCommand).resolves({ Item: { proposalId: 'p-1' } });

    expect(await claimTitle(doc, TABLE, 'p-2', SCOPE, 'Layanan Kesehatan Keliling')).toEqual({
      ok: false,
      heldBy: 'p-1',
    });
  });

  it('retries a quota claim that collided with another transaction instead of failing the proposal', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'TransactionConflict']));
    ddb.on(GetCommand).resolves({ Item: { used: 3 } });

    await expect(claimQuota(doc, TABLE, 'p-2', SCOPE, 'umum', 10)).rejects.toBeInstanceOf(TransientError);
  });

  it('takes a place in one transaction and reads nothing back', async () => {
    ddb.on(TransactWriteCommand).resolves({});

    expect(await claimQuota(doc, TABLE, 'p-2', SCOPE, 'umum', 10)).toEqual({ ok: true });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('refuses a quota claim when the quota is full', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'ConditionalCheckFailed']));
    ddb.on(GetCommand).resolves({ Item: { used: 10 } });

    expect(await claimQuota(doc, TABLE, 'p-2', SCOPE, 'umum', 10)).toEqual({
      ok: false,
      used: 10,
    });
  });
});
