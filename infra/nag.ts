/**
 * cdk-nag (AwsSolutions) on the whole app, and the findings the project accepts, each with its reason.
 *
 * cdk-nag 3 runs as a CDK policy-validation plugin after synthesis: an unacknowledged error stops `cdk synth`.
 * Findings are acknowledged with `Validations.of(construct).acknowledge({ id, reason })`, one exact finding id
 * each (no prefix matching). IAM5 finding ids embed the rendered resource (e.g. the table's cross-stack export name
 * plus `/index/*`), which only exists once references are resolved; so those are acknowledged by a small plugin that
 * runs just before cdk-nag, renders each policy the way cdk-nag does and acknowledges a wildcard only when every
 * statement that produces it matches one of the narrow allowances below.
 */
import {
  type App,
  CfnResource,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import { CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';
import type { StatefulStack } from './stateful-stack';
import type { StatelessStack } from './stateless-stack';

/** Context flag that turns the checks off: `cdk synth -c nag=false`. */
export const NAG_CONTEXT_KEY = 'nag';

export function nagEnabled(app: App): boolean {
  const value: unknown = app.node.tryGetContext(NAG_CONTEXT_KEY);
  return !(value === false || value === 'false');
}

interface PolicyStatementJson {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A wildcard the project accepts: which finding, on which kind of statement, and why. */
export interface WildcardAllowance {
  /** Matches the finding as cdk-nag names it: `Action::<action>` or `Resource::<rendered resource>`. */
  finding: RegExp;
  /** Every statement producing the finding must satisfy this. */
  statement: (statement: { actions: string[]; condition: PolicyStatementJson['Condition'] }) => boolean;
  reason: string;
}

const only = (allowed: readonly string[]) => (s: { actions: string[] }) =>
  s.actions.length > 0 && s.actions.every((action) => allowed.includes(action));

export const WILDCARD_ALLOWANCES: readonly WildcardAllowance[] = [
  {
    finding: /^Resource::\*$/,
    statement: only([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
    ]),
    reason:
      'X-Ray trace submission (active tracing) supports no resource-level permissions: AWS requires "*".',
  },
  {
    finding: /^Resource::\*$/,
    statement: only([
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ]),
    reason:
      'Step Functions execution logging uses CloudWatch Logs vended log delivery, whose APIs support no resource-level permissions.',
  },
  {
    finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/,
    statement: only(['lambda:InvokeFunction']),
    reason:
      "LambdaInvoke lets the state machine invoke the function's versions and aliases (`:*`); same function only.",
  },
  {
    finding: /^Action::s3:(GetObject\*|GetBucket\*|List\*)$/,
    statement: (s) => s.actions.every((action) => /^s3:(GetObject|GetBucket|List)/.test(action)),
    reason:
      'Bucket.grantRead action groups (read-only), scoped to the proposals bucket and its upload prefix.',
  },
  {
    finding: /^Resource::.+\/incoming\/\*$/,
    statement: (s) => s.actions.every((action) => /^s3:(GetObject|GetBucket|List)/.test(action)),
    reason:
      'Uploaded proposals are read by key and version, unknown in advance; limited to the incoming/ prefix.',
  },
  {
    finding: /^Resource::.+\/(incoming|drafts)\/\*$/,
    statement: (s) => s.actions.every((action) => ['s3:PutObject', 's3:GetObject'].includes(action)),
    reason:
      "The submitters' portal signs upload forms for keys it builds per agency under drafts/ and incoming/ (S3 accepts a form only for what its signer may do), reads drafts to check them and copies a checked draft into incoming/.",
  },
  {
    finding: /^Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:configuration-set\/\*$/,
    statement: (s) =>
      only(['ses:SendEmail', 'ses:SendRawEmail'])(s) &&
      s.condition?.StringEquals?.['ses:FromAddress'] !== undefined,
    reason:
      "SES authorises SendEmail against the identity's default configuration set too, chosen by ops; sending is " +
      'conditioned on ses:FromAddress = the configured sender.',
  },
  {
    finding: /^Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity\/\*$/,
    statement: (s) =>
      only(['ses:SendEmail', 'ses:SendRawEmail'])(s) &&
      s.condition?.StringEquals?.['ses:FromAddress'] !== undefined,
    reason:
      "SES authorises SendEmail against the recipients' identities too while the account is in the sandbox, and " +
      'the recipients are not known in advance; sending is conditioned on ses:FromAddress = the configured sender.',
  },
];

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The wildcard findings of one policy document, rendered exactly as cdk-nag's IAM5 rule does, with their statements. */
export function wildcardFindings(document: {
  Statement?: PolicyStatementJson[];
}): Map<string, PolicyStatementJson[]> {
  const findings = new Map<string, PolicyStatementJson[]>();
  const add = (finding: string, statement: PolicyStatementJson) =>
    findings.set(finding, [...(findings.get(finding) ?? []), statement]);
  for (const statement of document.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of asArray(statement.Action))
      if (action.includes('*')) add(`Action::${action}`, statement);
    for (const resource of asArray(statement.Resource)) {
      const flat = flattenCfnReference(resource);
      if (flat.includes('*')) add(`Resource::${flat}`, statement);
    }
  }
  return findings;
}

/**
 * The reason a finding is accepted, or undefined when one of its statements falls outside every allowance. One
 * finding (e.g. `Resource::*`) may come from several statements, or from one statement that merges several
 * (`@aws-cdk/aws-iam:minimizePolicies`): every action of every such statement must fit an allowance.
 */
export function allowanceFor(finding: string, statements: PolicyStatementJson[]): string | undefined {
  const reasons = new Set<string>();
  for (const statement of statements) {
    const actions = asArray(statement.Action);
    if (actions.length === 0) return undefined;
    for (const action of actions) {
      const fitting = WILDCARD_ALLOWANCES.find(
        (allowance) =>
          allowance.finding.test(finding) &&
          allowance.statement({ actions: [action], condition: statement.Condition }),
      );
      if (!fitting) return undefined;
      reasons.add(fitting.reason);
    }
  }
  return reasons.size > 0 ? [...reasons].join(' ') : undefined;
}

function policyDocuments(node: CfnResource): unknown[] {
  const stack = Stack.of(node);
  if (node instanceof CfnPolicy) return [stack.resolve(node.policyDocument)];
  if (node instanceof CfnRole) {
    const policies = (stack.resolve(node.policies) ?? []) as {
      policyDocument?: unknown;
      PolicyDocument?: unknown;
    }[];
    return policies.map((policy) => stack.resolve(policy.policyDocument ?? policy.PolicyDocument));
  }
  return [];
}

function walk(node: IConstruct, visit: (node: IConstruct) => void): void {
  visit(node);
  for (const child of node.node.children) walk(child, visit);
}

/**
 * Runs before cdk-nag (plugins run in the order they are added): acknowledges the IAM5 wildcard findings that fit
 * an allowance. It reports nothing itself; cdk-nag reports every wildcard left over.
 */
export class WildcardAllowancesPlugin implements IPolicyValidationPlugin {
  readonly name = 'ProposalReviewWildcardAllowances';

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    walk(context.appConstruct, (node) => {
      if (!CfnResource.isCfnResource(node)) return;
      for (const document of policyDocuments(node)) {
        const findings = wildcardFindings((document ?? {}) as { Statement?: PolicyStatementJson[] });
        for (const [finding, statements] of findings) {
          const reason = allowanceFor(finding, statements);
          if (reason) Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
        }
      }
    });
    return { success: true, violations: [] };
  }
}

const MANAGED_BASIC_EXECUTION =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

/** Acknowledges the non-wildcard findings the project accepts, on the constructs they concern. */
export function acknowledgeAcceptedFindings(data: StatefulStack, logic: StatelessStack): void {
  for (const stack of [data, logic]) {
    walk(stack, (node) => {
      if (node instanceof CfnFunction) {
        Validations.of(node).acknowledge({
          id: 'AwsSolutions-L1',
          reason:
            'nodejs22.x on purpose: the local runtime (aws-local-stepfunctions needs Node 22) runs the same bundles; ' +
            'move to nodejs24.x together with the local Node version.',
        });
      }
    });
    // CDK's own singleton handler (S3 bucket notifications), created by the framework with the managed policy.
    const notificationsHandler = stack.node.children.find((child) =>
      child.node.id.startsWith('BucketNotificationsHandler'),
    );
    if (notificationsHandler) {
      Validations.of(notificationsHandler).acknowledge({
        id: MANAGED_BASIC_EXECUTION,
        reason:
          'CDK-managed handler that configures bucket notifications at deploy time; its role is not ours to shape.',
      });
    }
  }
  Validations.of(data.signingSecret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'HMAC key of review links: automatic rotation would invalidate every link in flight (reviews last weeks); ' +
      'rotated by ops between competition seasons.',
  });
  Validations.of(logic.pipeline.stateMachine).acknowledge({
    id: 'AwsSolutions-SF1',
    reason:
      'Logs ERROR events only, without execution data (proposals carry personal data); Step Functions keeps the ' +
      'full execution history for 90 days.',
  });
  for (const method of ['GET', 'POST']) {
    const route = logic.api.node.tryFindChild(`${method}--review`);
    if (route) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Reviewers are external and have no AWS or IdP identity: each request carries an HMAC-signed, expiring ' +
          'review link that the handler verifies.',
      });
    }
  }
  for (const route of logic.api.node.children.filter((child) => /^(GET|POST)--portal/.test(child.node.id))) {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "Submitting agencies have no AWS or IdP identity: each request carries the agency's HMAC-signed, expiring, " +
        'revocable portal link, which the handler verifies before anything else.',
    });
  }
}

/** Adds cdk-nag (AwsSolutions, verbose) to the app with the project's accepted findings, unless `nag=false`. */
export function addNagChecks(app: App, data: StatefulStack, logic: StatelessStack): boolean {
  if (!nagEnabled(app)) return false;
  acknowledgeAcceptedFindings(data, logic);
  Validations.of(app).addPlugins(
    new WildcardAllowancesPlugin(),
    new AwsSolutionsChecks(app, { verbose: true }),
  );
  return true;
}
