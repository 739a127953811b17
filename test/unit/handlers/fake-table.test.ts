import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyUpdate, matches } from './expressions';
import { type FakeTable, freshMocks } from './support';

// The in-memory table the handler tests rely on must refuse and apply writes as DynamoDB does.
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-southeast-3' }));
let table: FakeTable;
beforeEach(() => {
  table = freshMocks();
});

describe('conditions', () => {
  const task = { PK: 'P', SK: 'R', status: 'PENDING', load: 2, capacity: 3, remindedAt: ['offset:-3'] };
  const names = { '#status': 'status', '#load': 'load', '#capacity': 'capacity' };

  it.each([
    ['attribute_not_exists(PK)', undefined, true],
    ['attribute_not_exists(PK)', task, false],
    ['attribute_exists(PK) AND #load < #capacity', task, true],
    ['#status IN (:pending, :accepted)', task, true],
    ['#status IN (:accepted)', task, false],
    ['#status = :pending AND NOT contains(remindedAt, :m)', task, false],
    ['(attribute_not_exists(remindedAt) OR NOT contains(remindedAt, :other)) AND #load > :zero', task, true],
    ['#load >= :three OR #status <> :pending', task, false],
    ['begins_with(SK, :r)', task, true],
  ])('%s on %o is %s', (expression, item, expected) => {
    const values = {
      ':pending': 'PENDING',
      ':accepted': 'ACCEPTED',
      ':m': 'offset:-3',
      ':other': 'offset:1',
      ':zero': 0,
      ':three': 3,
      ':r': 'R',
    };
    expect(matches(expression, item, { names, values })).toBe(expected);
  });

  it('refuses an expression it does not understand instead of guessing', () => {
    expect(() =>
      matches('#a BETWEEN :x AND :y', {}, { names: { '#a': 'a' }, values: { ':x': 1, ':y': 2 } }),
    ).toThrow();
  });
});

describe('updates', () => {
  it('applies SET with arithmetic, if_not_exists and list_append, REMOVE and ADD', () => {
    const before = { PK: 'P', SK: 'R', load: 2, token: 't', GSI2PK: 'OPEN' };
    const after = applyUpdate(
      'SET #load = #load - :one, remindedAt = list_append(if_not_exists(remindedAt, :empty), :m) REMOVE #token, GSI2PK ADD used :one',
      before,
      {
        names: { '#load': 'load', '#token': 'token' },
        values: { ':one': 1, ':empty': [], ':m': ['offset:1'] },
      },
    );
    expect(after).toEqual({ PK: 'P', SK: 'R', load: 1, remindedAt: ['offset:1'], used: 1 });
    expect(before.token).toBe('t');
  });
});

describe('the table', () => {
  it('answers a failed condition with ConditionalCheckFailedException and keeps the item', async () => {
    table.seed({ PK: 'P', SK: 'R', status: 'SUBMITTED' });
    const update = new UpdateCommand({
      TableName: 't',
      Key: { PK: 'P', SK: 'R' },
      UpdateExpression: 'SET #status = :accepted',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':accepted': 'ACCEPTED', ':pending': 'PENDING' },
    });
    await expect(doc.send(update)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(table.read({ PK: 'P', SK: 'R' })?.status).toBe('SUBMITTED');
  });

  it('cancels a whole transaction with one reason per item when one condition fails', async () => {
    table.seed({ PK: 'REVIEWER#r', SK: 'PROFILE', load: 3, capacity: 3 });
    const transaction = new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: 't',
            Item: { PK: 'P', SK: 'REVIEW#r' },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Update: {
            TableName: 't',
            Key: { PK: 'REVIEWER#r', SK: 'PROFILE' },
            UpdateExpression: 'SET #load = #load + :one',
            ConditionExpression: '#load < #capacity',
            ExpressionAttributeNames: { '#load': 'load', '#capacity': 'capacity' },
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ],
    });
    await expect(doc.send(transaction)).rejects.toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });
    expect(table.read({ PK: 'P', SK: 'REVIEW#r' })).toBeUndefined();
    expect(table.read({ PK: 'REVIEWER#r', SK: 'PROFILE' })?.load).toBe(3);
  });

  it('queries a GSI by its keys only, in sort-key order', async () => {
    await doc.send(
      new PutCommand({ TableName: 't', Item: { PK: 'A', SK: '1', GSI2PK: 'OPEN', GSI2SK: '2025-07-02' } }),
    );
    await doc.send(
      new PutCommand({ TableName: 't', Item: { PK: 'B', SK: '1', GSI2PK: 'OPEN', GSI2SK: '2025-07-01' } }),
    );
    await doc.send(
      new PutCommand({ TableName: 't', Item: { PK: 'C', SK: '1', GSI2PK: 'OPEN', GSI2SK: '2025-07-09' } }),
    );
    await doc.send(new PutCommand({ TableName: 't', Item: { PK: 'D', SK: '1' } }));
    const out = await doc.send(
      new QueryCommand({
        TableName: 't',
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :open AND GSI2SK <= :until',
        ExpressionAttributeValues: { ':open': 'OPEN', ':until': '2025-07-05~' },
      }),
    );
    expect(out.Items?.map((item) => item.PK)).toEqual(['B', 'A']);
    expect((await doc.send(new GetCommand({ TableName: 't', Key: { PK: 'D', SK: '1' } }))).Item).toEqual({
      PK: 'D',
      SK: '1',
    });
  });
});
