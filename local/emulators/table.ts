/**
 * A throwaway table with the project's key schema on DynamoDB Local, for the integration tests and the
 * assignment benchmark (the local runtime creates its table from the synthesized template instead).
 */
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '../../functions/lib/contract';
import { type RunningDynamoDb, startDynamoDbLocal } from './dynamodb';

export interface TestTable {
  db: RunningDynamoDb;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Deletes the table and stops DynamoDB Local. */
  close(): Promise<void>;
}

/** Boots DynamoDB Local on loopback and creates a table with the project's key schema and GSIs. */
export async function startTestTable(tableName = `proposals-${Date.now()}`): Promise<TestTable> {
  const db = await startDynamoDbLocal();
  const client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 10,
  });
  await createProjectTable(client, tableName);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    db,
    client,
    doc,
    tableName,
    async close() {
      await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
      client.destroy();
      await db.stop();
    },
  };
}

/** Creates a table with the project's key schema and GSIs (functions/lib/contract.ts), on demand. */
export async function createProjectTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const attributes = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const index of TABLE_KEYS.indexes) {
    attributes.add(index.partitionKey);
    if ('sortKey' in index) attributes.add(index.sortKey);
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE_KEYS.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
          ...('sortKey' in index ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
}
