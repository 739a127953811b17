/**
 * The submitters' portal in the templates: its routes on the HTTP API, a function of its own with reserved
 * concurrency, grants limited to what its code calls (uploads under drafts/ and incoming/ only, reading drafts,
 * listing those prefixes), and drafts that expire.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DRAFT_RETENTION_DAYS } from '../../functions/lib/contract';
import { type BuiltApp, buildApp, flatten, type Json, properties, resourcesOfType } from './support';

let built: BuiltApp;
let portalFunction: Json;
let statements: Array<{ actions: string[]; resources: string[]; condition?: unknown }>;

beforeAll(() => {
  built = buildApp();
  const t = built.logicTemplate;
  const found = resourcesOfType(t, 'AWS::Lambda::Function').find(
    ([, fn]) =>
      (properties(fn).Environment as { Variables?: Json } | undefined)?.Variables?.POWERTOOLS_SERVICE_NAME ===
      'proposals-portal',
  );
  if (!found) throw new Error('No portal function in the Logic template');
  portalFunction = found[1];
  const [roleId] = (properties(portalFunction).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
  statements = resourcesOfType(t, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(properties(p).Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, p]) => (properties(p).PolicyDocument as { Statement: Json[] }).Statement)
    .map((s) => ({
      actions: ([] as string[]).concat(s.Action as string | string[]),
      resources: ([] as unknown[]).concat(s.Resource).map(flatten),
      condition: s.Condition,
    }));
});

describe("the submitters' portal", () => {
  it('has its routes on the HTTP API: GET pages, POST only to submit a checked draft', () => {
    const routes = resourcesOfType(built.logicTemplate, 'AWS::ApiGatewayV2::Route')
      .map(([, r]) => String(properties(r).RouteKey))
      .filter((key) => key.includes('/portal'))
      .sort();
    expect(routes).toEqual(
      [
        'GET /portal',
        'GET /portal/check',
        'GET /portal/draft',
        'GET /portal/guide',
        'GET /portal/proposal',
        'GET /portal/receipt',
        'GET /portal/submit',
        'GET /portal/template',
        'POST /portal/draft',
      ].sort(),
    );
  });

  it('runs with reserved concurrency, the signing secret and the portal URL', () => {
    expect(properties(portalFunction).ReservedConcurrentExecutions).toBeGreaterThan(0);
    const env = (properties(portalFunction).Environment as { Variables: Json }).Variables;
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['PORTAL_BASE_URL', 'SIGNING_SECRET_ARN', 'BUCKET_NAME']),
    );
  });

  it('may put objects only under drafts/ and incoming/, read only drafts, list only those prefixes', () => {
    const s3 = statements.filter((s) => s.actions.some((a) => a.startsWith('s3:')));
    const put = s3.filter((s) => s.actions.includes('s3:PutObject'));
    expect(put.flatMap((s) => s.resources).map((r) => r.replace(/^.*\//, '/'))).toEqual(['/*', '/*']);
    expect(put.flatMap((s) => s.resources).every((r) => /\/(drafts|incoming)\/\*$/.test(r))).toBe(true);
    const get = s3.filter((s) => s.actions.includes('s3:GetObject'));
    expect(get.flatMap((s) => s.resources).every((r) => r.endsWith('/drafts/*'))).toBe(true);
    const list = s3.filter((s) => s.actions.includes('s3:ListBucket'));
    expect(list).toHaveLength(1);
    expect(list[0]?.condition).toEqual({ StringLike: { 's3:prefix': ['drafts/*', 'incoming/*'] } });
    expect(s3.flatMap((s) => s.actions).sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
  });

  it('may read, write and delete items and query the agency index only; no Scan', () => {
    const dynamo = statements.flatMap((s) => s.actions).filter((a) => a.startsWith('dynamodb:'));
    expect(new Set(dynamo)).toEqual(
      new Set([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
      ]),
    );
    const indexes = statements.flatMap((s) => s.resources).filter((r) => r.includes('/index/'));
    expect(indexes.map((r) => r.replace(/^.*\/index\//, ''))).toEqual(['GSI1']);
  });

  it('expires drafts by a lifecycle rule and keeps the upload notifications to incoming/', () => {
    const [[, bucket] = ['', {}]] = resourcesOfType(built.dataTemplate, 'AWS::S3::Bucket').filter(([, b]) =>
      JSON.stringify(properties(b)).includes('VersioningConfiguration'),
    );
    const rules = (properties(bucket).LifecycleConfiguration as { Rules: Json[] }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: 'drafts/',
        ExpirationInDays: DRAFT_RETENTION_DAYS,
        Status: 'Enabled',
      }),
    );
  });
});
