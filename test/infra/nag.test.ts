import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { allowanceFor, nagEnabled, wildcardFindings } from '../../infra/nag';
import { type BuiltApp, buildApp, newApp } from './support';

/** Every acknowledged rule in the tree: construct path -> rule id -> reason. */
function acknowledgements(root: IConstruct): Map<string, Record<string, string>> {
  const found = new Map<string, Record<string, string>>();
  const visit = (node: IConstruct) => {
    for (const entry of node.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        found.set(node.node.path, {
          ...found.get(node.node.path),
          ...(entry.data as Record<string, string>),
        });
      }
    }
    for (const child of node.node.children) visit(child);
  };
  visit(root);
  return found;
}

interface Report {
  pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[];
}

describe('cdk-nag AwsSolutions checks', () => {
  let built: BuiltApp;
  let report: Report;
  beforeAll(() => {
    // Synthesis throws when cdk-nag reports an error that is not acknowledged.
    built = buildApp({ nag: true });
    report = JSON.parse(
      readFileSync(join(built.app.synth().directory, 'validation-report.json'), 'utf8'),
    ) as Report;
  });

  it('leave no AwsSolutions error or warning unacknowledged', () => {
    const open = report.pluginReports.flatMap((plugin) =>
      plugin.violations
        .filter((v) => v.ruleName.includes('AwsSolutions'))
        .map((v) => `${v.severity} ${v.ruleName}`),
    );
    expect(open).toEqual([]);
  });

  it('give a reason for every acknowledged finding', () => {
    const all = acknowledgements(built.app);
    const nag = [...all.entries()].flatMap(([path, rules]) =>
      Object.entries(rules)
        .filter(([id]) => id.includes('AwsSolutions-'))
        .map(([id, reason]) => ({ path, id: id.replace(/^annotation::/i, ''), reason })),
    );
    expect(nag.length).toBeGreaterThan(20);
    for (const { id, reason } of nag) expect(reason.length, id).toBeGreaterThan(40);
    const ids = new Set(nag.map((a) => a.id));
    for (const expected of [
      'AwsSolutions-L1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SF1',
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5[Resource::*]',
    ]) {
      expect(ids, expected).toContain(expected);
    }
    // Roles name the indexes they query: no index wildcard is left to accept.
    expect([...ids].some((id) => /^AwsSolutions-IAM5\[Resource::.+\/index\/\*\]$/.test(id))).toBe(false);
    expect([...ids].some((id) => /identity\/\*\]$/.test(id))).toBe(true);
    // The project's own Lambda roles no longer use the AWS managed basic execution policy.
    const managed = nag.filter((a) => a.id.startsWith('AwsSolutions-IAM4'));
    expect(managed.map((a) => a.path)).toEqual([
      expect.stringMatching(/^Proposals-dev-Data\/BucketNotificationsHandler/),
    ]);
  });

  it('stop synthesis when a role is granted an unexpected wildcard', () => {
    const app = newApp({ nag: true });
    const validate = app.logic.node.findAll().find((c) => c.node.path.endsWith('/Validate/Function'));
    expect(validate).toBeDefined();
    (validate as unknown as { addToRolePolicy(s: PolicyStatement): void }).addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: ['*'] }),
    );
    let message = '';
    try {
      app.app.synth();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /Proposals-dev-Logic\/Validate\/Role\/DefaultPolicy\/Resource.*\n.*AwsSolutions-IAM5\[Resource::\*\]/,
    );
  });

  it('can be turned off with the context flag nag=false', () => {
    const app = newApp({ nag: 'false' });
    expect(nagEnabled(app.app)).toBe(false);
    expect(nagEnabled(newApp({ nag: true }).app)).toBe(true);
  });
});

describe('wildcard allowances', () => {
  const statement = (
    Action: string | string[],
    Resource: unknown,
    Condition?: Record<string, Record<string, unknown>>,
  ) => ({
    Effect: 'Allow',
    Action,
    Resource,
    Condition,
  });

  it('name wildcards exactly as cdk-nag does, resolving references', () => {
    const findings = wildcardFindings({
      Statement: [
        statement(
          ['dynamodb:Query'],
          [
            { 'Fn::ImportValue': 'Data:ExportsTableArn' },
            { 'Fn::Join': ['', [{ 'Fn::ImportValue': 'Data:ExportsTableArn' }, '/index/*']] },
          ],
        ),
        statement('s3:GetObject*', 'arn:aws:s3:::bucket/incoming/*'),
        { Effect: 'Deny', Action: 's3:*', Resource: '*' },
      ],
    });
    expect([...findings.keys()].sort()).toEqual(
      [
        'Action::s3:GetObject*',
        'Resource::Data:ExportsTableArn/index/*',
        'Resource::arn:aws:s3:::bucket/incoming/*',
      ].sort(),
    );
  });

  it('accept "*" for X-Ray and log delivery, even merged into one statement', () => {
    const merged = statement(['xray:PutTraceSegments', 'logs:CreateLogDelivery'], '*');
    expect(allowanceFor('Resource::*', [merged])).toMatch(/X-Ray/);
    expect(allowanceFor('Resource::*', [merged])).toMatch(/log delivery/);
  });

  it('refuse "*" as soon as one action of the statement is not one that requires it', () => {
    expect(
      allowanceFor('Resource::*', [statement(['xray:PutTraceSegments', 's3:GetObject'], '*')]),
    ).toBeUndefined();
    expect(allowanceFor('Resource::*', [statement('dynamodb:Query', '*')])).toBeUndefined();
  });

  it('accept no index wildcard: a role names the indexes it queries', () => {
    expect(allowanceFor('Resource::T/index/*', [statement('dynamodb:Query', 'T/index/*')])).toBeUndefined();
  });

  it('accept any SES identity only for sending, and only with the sender condition', () => {
    const finding = 'Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*';
    const condition = { StringEquals: { 'ses:FromAddress': 'a@b.id' } };
    expect(allowanceFor(finding, [statement(['ses:SendEmail', 'ses:SendRawEmail'], 'x', condition)])).toMatch(
      /sandbox/,
    );
    expect(allowanceFor(finding, [statement('ses:SendEmail', 'x')])).toBeUndefined();
    expect(allowanceFor(finding, [statement('ses:DeleteIdentity', 'x', condition)])).toBeUndefined();
  });

  it('accept SES configuration sets only with the sender condition', () => {
    const finding = 'Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:configuration-set/*';
    const withSender = statement('ses:SendEmail', 'x', { StringEquals: { 'ses:FromAddress': 'a@b.id' } });
    expect(allowanceFor(finding, [withSender])).toMatch(/FromAddress/);
    expect(allowanceFor(finding, [statement('ses:SendEmail', 'x')])).toBeUndefined();
  });

  it('accept writes under the upload prefixes only as plain PutObject (the portal signs upload forms)', () => {
    expect(
      allowanceFor('Resource::B/incoming/*', [statement('s3:GetObject*', 'B/incoming/*')]),
    ).toBeDefined();
    expect(allowanceFor('Resource::B/incoming/*', [statement('s3:PutObject', 'B/incoming/*')])).toMatch(
      /portal/,
    );
    expect(
      allowanceFor('Resource::B/incoming/*', [statement('s3:DeleteObject', 'B/incoming/*')]),
    ).toBeUndefined();
    expect(allowanceFor('Action::s3:Put*', [statement('s3:Put*', 'B/incoming/*')])).toBeUndefined();
  });
});
