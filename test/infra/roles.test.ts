/**
 * Least privilege, read from the synthesized templates: each function's role may do on the table exactly what its
 * handler's code sends (a transaction needs the actions of its parts), Query only where it queries, on the indexes
 * it names; nothing may Scan, BatchWriteItem, or list the bucket; the intake queue takes S3's messages only from
 * the proposals bucket of this account.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BuiltApp,
  buildApp,
  flatten,
  type Json,
  outputNameOf,
  properties,
  resourcesOfType,
} from './support';

let built: BuiltApp;
beforeAll(() => {
  built = buildApp();
});

type Statement = { actions: string[]; resources: string[]; condition?: unknown };

/** The statements of each function's role, by function name (the logical id without its hash). */
function roles(): Map<string, Statement[]> {
  const t = built.logicTemplate;
  const policies = resourcesOfType(t, 'AWS::IAM::Policy');
  const byName = new Map<string, Statement[]>();
  for (const [id, fn] of resourcesOfType(t, 'AWS::Lambda::Function')) {
    const [roleId] = (properties(fn).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    const statements = policies
      .filter(([, p]) => JSON.stringify(properties(p).Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(([, p]) => (properties(p).PolicyDocument as { Statement: Json[] }).Statement)
      .map((s) => ({
        actions: ([] as string[]).concat(s.Action as string | string[]),
        resources: ([] as unknown[]).concat(s.Resource).map(flatten),
        condition: s.Condition,
      }));
    byName.set(id.replace(/Function[0-9A-F]{8}$/, ''), statements);
  }
  return byName;
}

const ITEM = ['GetItem', 'PutItem', 'UpdateItem'];
/** What each handler's code calls on the table (functions/*.ts through functions/lib/adapters). */
const TABLE_ACCESS: Record<string, { items: string[]; queryTable?: boolean; indexes?: string[] }> = {
  // ProposalStore (get, transitions, notes), eligibility claims (title and quota; a title given back is deleted),
  // the agency registry (its listing on GSI2 tells whether one is in use).
  Validate: { items: [...ITEM, 'DeleteItem'], indexes: ['GSI2'] },
  // Tasks of the proposal (Query), the roster's listing (GSI2), reviewers (BatchGet), reservations.
  Assign: { items: [...ITEM, 'BatchGetItem'], queryTable: true, indexes: ['GSI2'] },
  WaitForOps: { items: ITEM },
  SendReviewTask: { items: [...ITEM, 'BatchGetItem'] },
  Reassign: { items: [...ITEM, 'BatchGetItem'], queryTable: true },
  Aggregate: { items: ITEM, queryTable: true },
  Notify: { items: [...ITEM, 'BatchGetItem'], queryTable: true },
  RecordFailure: { items: ITEM },
  // The agency registry (GetItem), registration (a transaction of Puts), the execution's ARN.
  Intake: { items: ITEM },
  // The task by its review id (GSI3), decisions.
  Review: { items: [...ITEM, 'BatchGetItem'], indexes: ['GSI3'] },
  // Open tasks due soon (GSI2), reminders claimed and given back, timeouts.
  Reminders: { items: [...ITEM, 'BatchGetItem'], indexes: ['GSI2'] },
};

describe('roles on the table', () => {
  let table: string;
  beforeAll(() => {
    const tableId = built.data.getLogicalId(built.data.table.node.defaultChild as never);
    table = `output:${outputNameOf(built.dataTemplate, { 'Fn::GetAtt': [tableId, 'Arn'] })}`;
  });

  for (const [name, access] of Object.entries(TABLE_ACCESS)) {
    it(`${name}: only the actions its code sends, Query only where it queries`, () => {
      const statements = (roles().get(name) ?? []).filter((s) =>
        s.actions.some((a) => a.startsWith('dynamodb:')),
      );
      const onTable = statements.filter((s) => s.resources.includes(table));
      const tableActions = new Set(onTable.flatMap((s) => s.actions));
      const expected = [...access.items, ...(access.queryTable ? ['Query'] : [])].map((a) => `dynamodb:${a}`);
      expect([...tableActions].sort()).toEqual(expected.sort());
      const onIndexes = statements.filter((s) => s.resources.some((r) => r.includes('/index/')));
      expect(onIndexes.flatMap((s) => s.actions).every((a) => a === 'dynamodb:Query')).toBe(true);
      expect(onIndexes.flatMap((s) => s.resources).sort()).toEqual(
        (access.indexes ?? []).map((index) => `${table}/index/${index}`).sort(),
      );
    });
  }

  it('grant no role a Scan, a BatchWriteItem, a wildcard action or every index', () => {
    const all = [...roles().values()].flat();
    const actions = all.flatMap((s) => s.actions);
    for (const forbidden of [
      'dynamodb:Scan',
      'dynamodb:BatchWriteItem',
      'dynamodb:*',
      'dynamodb:DescribeTable',
    ]) {
      expect(actions).not.toContain(forbidden);
    }
    expect(all.flatMap((s) => s.resources).filter((r) => r.endsWith('/index/*'))).toEqual([]);
  });

  it('let no pipeline function but Validate delete an item (a title claim it gives back)', () => {
    const deleters = [...roles()].filter(
      ([name, s]) => name in TABLE_ACCESS && s.some((st) => st.actions.includes('dynamodb:DeleteItem')),
    );
    expect(deleters.map(([name]) => name)).toEqual(['Validate']);
  });
});

describe('roles on the bucket', () => {
  it('let no pipeline function list the bucket or act on it as a whole', () => {
    for (const [name, statements] of [...roles()].filter(([n]) => n in TABLE_ACCESS)) {
      for (const s of statements.filter((st) => st.actions.some((a) => a.startsWith('s3:')))) {
        expect(
          s.actions.filter((a) => /^s3:(List|GetBucket|\*)/.test(a)),
          name,
        ).toEqual([]);
        for (const resource of s.resources) expect(resource, name).toMatch(/\/[^/]+\/\*$/);
      }
    }
  });

  it('read uploads by key and version only (of the pipeline, Validate and Review)', () => {
    const s3 = [...roles()]
      .filter(([name]) => name in TABLE_ACCESS)
      .flatMap(([name, statements]) =>
        statements.filter((s) => s.actions.some((a) => a.startsWith('s3:'))).map((s) => ({ name, ...s })),
      );
    expect([...new Set(s3.map((s) => s.name))].sort()).toEqual(['Review', 'Validate']);
    for (const statement of s3) {
      expect(statement.actions.sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
      expect(statement.resources).toHaveLength(1);
      expect(statement.resources[0]).toMatch(/\/incoming\/\*$/);
    }
  });
});

describe('SES', () => {
  it('may send to any recipient identity (the sandbox checks them too) but only as the configured sender', () => {
    const senders = [...roles()].filter(([, s]) => s.some((st) => st.actions.includes('ses:SendEmail')));
    expect(senders.map(([name]) => name).sort()).toEqual(
      ['Notify', 'Reassign', 'Reminders', 'SendReviewTask', 'WaitForOps'].sort(),
    );
    for (const [name, statements] of senders) {
      const [statement, ...more] = statements.filter((s) => s.actions.some((a) => a.startsWith('ses:')));
      expect(more, name).toEqual([]);
      expect(statement?.actions).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect(statement?.resources.sort()).toEqual([
        'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:configuration-set/*',
        'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*',
      ]);
      expect(statement?.condition).toEqual({
        StringEquals: { 'ses:FromAddress': 'kipp-noreply@example.go.id' },
      });
    }
  });
});

describe('the intake queue', () => {
  it('takes messages from S3 only for the proposals bucket of this account', () => {
    const bucketId = built.data.getLogicalId(built.data.bucket.node.defaultChild as never);
    const [[, policy] = ['', {}]] = resourcesOfType(built.dataTemplate, 'AWS::SQS::QueuePolicy').filter(
      ([, p]) => JSON.stringify(properties(p)).includes('s3.amazonaws.com'),
    );
    const statements = (properties(policy).PolicyDocument as { Statement: Json[] }).Statement;
    const fromS3 = statements.filter((s) => JSON.stringify(s.Principal).includes('s3.amazonaws.com'));
    expect(fromS3).toHaveLength(1);
    expect(fromS3[0]?.Condition).toEqual({
      ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId, 'Arn'] } },
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    });
  });
});
