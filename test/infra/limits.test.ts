/**
 * Rate limits of the public parts and the deployment hygiene a first real season needs, read from the templates:
 * stage throttling, reserved concurrency of internet-facing functions, the queue's visibility derived from the
 * intake timeout, vended log groups, log groups kept where data is, no unused environment variables.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { limitInternetFacing } from '../../infra/constructs/lambda';
import {
  API_THROTTLE,
  INTAKE_TIMEOUT,
  INTERNET_FACING_CONCURRENCY,
  INTERNET_FACING_TAG,
  REMINDERS_TIMEOUT,
} from '../../infra/limits';
import { type BuiltApp, buildApp, type Json, properties, resourcesOfType } from './support';

let built: BuiltApp;
let prod: BuiltApp;
beforeAll(() => {
  built = buildApp();
  prod = buildApp({ stage: 'prod' });
});

const functionsOf = (app: BuiltApp) =>
  resourcesOfType(app.logicTemplate, 'AWS::Lambda::Function').map(([id, fn]) => ({
    id,
    name: id.replace(/Function[0-9A-F]{8}$/, ''),
    props: properties(fn),
  }));
const tagsOf = (props: Json) =>
  Object.fromEntries(((props.Tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));

describe('rate limits', () => {
  it('throttle the public HTTP API at its stage, before any function runs', () => {
    const [[, stage] = ['', {}]] = resourcesOfType(built.logicTemplate, 'AWS::ApiGatewayV2::Stage');
    expect(properties(stage).DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: API_THROTTLE.rateLimit,
      ThrottlingBurstLimit: API_THROTTLE.burstLimit,
    });
  });

  it('reserve the concurrency of every internet-facing function, the review page first among them', () => {
    const facing = functionsOf(built).filter((f) => tagsOf(f.props)[INTERNET_FACING_TAG] === 'true');
    expect(facing.map((f) => f.name)).toContain('Review');
    for (const f of facing)
      expect(f.props.ReservedConcurrentExecutions, f.name).toBe(INTERNET_FACING_CONCURRENCY);
    // The pipeline's own functions are not capped by it.
    for (const f of functionsOf(built).filter((g) => !facing.some((h) => h.id === g.id))) {
      expect(f.props.ReservedConcurrentExecutions, f.name).toBeUndefined();
    }
  });

  it('offer the same limit to a function built outside ProjectFunction (limitInternetFacing)', () => {
    const stack = new Stack(new App(), 'Other');
    const fn = new LambdaFunction(stack, 'Portal', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({})'),
    });
    limitInternetFacing(fn);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: INTERNET_FACING_CONCURRENCY,
      Tags: [{ Key: INTERNET_FACING_TAG, Value: 'true' }],
    });
  });
});

describe('hygiene', () => {
  it("derives the intake queue's visibility timeout from the intake function's timeout (six times)", () => {
    const intake = functionsOf(built).find((f) => f.name === 'Intake');
    expect(intake?.props.Timeout).toBe(INTAKE_TIMEOUT.toSeconds());
    const queues = resourcesOfType(built.dataTemplate, 'AWS::SQS::Queue').map(([, q]) => properties(q));
    const intakeQueue = queues.find((q) => q.RedrivePolicy);
    expect(intakeQueue?.VisibilityTimeout).toBe(6 * INTAKE_TIMEOUT.toSeconds());
  });

  it('gives the reminder sweep the time a season of open tasks needs (15 minutes, under the hour between sweeps)', () => {
    const reminders = functionsOf(built).find((f) => f.name === 'Reminders');
    expect(reminders?.props.Timeout).toBe(REMINDERS_TIMEOUT.toSeconds());
    expect(REMINDERS_TIMEOUT.toMinutes()).toBeLessThan(60);
  });

  it('names the execution log group under /aws/vendedlogs/, per stage', () => {
    const groups = resourcesOfType(built.logicTemplate, 'AWS::Logs::LogGroup').map(([, g]) => properties(g));
    const vended = groups.filter((g) => String(g.LogGroupName ?? '').startsWith('/aws/vendedlogs/'));
    expect(vended.map((g) => g.LogGroupName)).toEqual(['/aws/vendedlogs/states/proposals-dev-pipeline']);
  });

  it('keeps the log groups of a stage that keeps its data (prod), and drops those of dev', () => {
    const policies = (app: BuiltApp) =>
      Object.values(app.logicTemplate.findResources('AWS::Logs::LogGroup')).map((g) => g.DeletionPolicy);
    expect(new Set(policies(prod))).toEqual(new Set(['Retain']));
    expect(new Set(policies(built))).toEqual(new Set(['Delete']));
  });

  it('gives no function an environment variable its code does not read', () => {
    const READS: Record<string, string[]> = {
      Validate: ['TABLE_NAME'],
      Assign: ['TABLE_NAME'],
      WaitForOps: ['TABLE_NAME', 'SENDER_EMAIL', 'OPS_EMAIL'],
      SendReviewTask: ['TABLE_NAME', 'SENDER_EMAIL', 'SIGNING_SECRET_ARN', 'REVIEW_BASE_URL'],
      Reassign: ['TABLE_NAME', 'SENDER_EMAIL', 'OPS_EMAIL'],
      Aggregate: ['TABLE_NAME'],
      Notify: ['TABLE_NAME', 'SENDER_EMAIL', 'OPS_EMAIL'],
      RecordFailure: ['TABLE_NAME'],
      Intake: ['TABLE_NAME', 'STATE_MACHINE_ARN', 'SUBMISSIONS_CLOSE_AT'],
      Review: ['TABLE_NAME', 'BUCKET_NAME', 'SIGNING_SECRET_ARN'],
      Reminders: ['TABLE_NAME', 'SENDER_EMAIL', 'SIGNING_SECRET_ARN', 'REVIEW_BASE_URL'],
    };
    // Read by the shared modules of every function: the profile's name, Node, log.ts and tracer.ts (POWERTOOLS_*).
    const common = ['PROFILE', 'NODE_OPTIONS'];
    for (const f of functionsOf(built).filter((g) => g.name in READS)) {
      const env = Object.keys((f.props.Environment as { Variables: Json }).Variables).filter(
        (name) => !name.startsWith('POWERTOOLS_') && !common.includes(name),
      );
      expect(env.sort(), f.name).toEqual([...(READS[f.name] ?? [])].sort());
    }
  });
});
