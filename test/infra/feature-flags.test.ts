/**
 * cdk.json carries the feature flags aws-cdk-lib recommends today. Most of them touch constructs this app does not
 * use; the ones that change what it synthesizes are asserted here on purpose, so a flag flip is a decision, not a
 * side effect of an upgrade.
 */

import { Match } from 'aws-cdk-lib/assertions';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import recommended from 'aws-cdk-lib/recommended-feature-flags.json' with { type: 'json' };
import { beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp, cdkContext } from './support';

/** Where cdk.json departs from the recommendation, and why. */
const DEPARTURES: Record<string, { value: unknown; reason: string }> = {
  '@aws-cdk/aws-lambda-nodejs:useLatestRuntimeVersion': {
    value: false,
    reason: 'the runtime is pinned to nodejs22.x: the local runtime runs the same bundles on Node 22',
  },
  '@aws-cdk/core:enableAdditionalMetadataCollection': {
    value: false,
    reason:
      'the project opts out of CDK telemetry (cli-telemetry: false); this flag widens the usage data sent',
  },
};

let built: BuiltApp;
beforeAll(() => {
  built = buildApp();
});

describe('feature flags', () => {
  it('sets every flag aws-cdk-lib recommends, departing from it only where a reason is written down', () => {
    const context = cdkContext as Record<string, unknown>;
    for (const [flag, value] of Object.entries(recommended)) {
      expect(context, `cdk.json sets ${flag}`).toHaveProperty([flag]);
      expect(context[flag], flag).toEqual(DEPARTURES[flag]?.value ?? value);
    }
  });

  it('lets S3 deliver access logs through the log bucket policy, not an ACL (aws-s3:serverAccessLogsUseBucketPolicy)', () => {
    // The LogDeliveryWrite ACL only works while the bucket accepts ACLs; a bucket policy scoped to the proposals
    // bucket and this account is what S3 recommends, and keeps the log bucket closed to other sources.
    const t = built.dataTemplate;
    const logs = built.data.node.findChild('AccessLogs') as Bucket;
    const logsId = built.data.getLogicalId(logs.node.defaultChild as never);
    const proposalsId = built.data.getLogicalId(built.data.bucket.node.defaultChild as never);
    expect(t.toJSON().Resources[logsId].Properties).not.toHaveProperty('AccessControl');
    // With logs delivered by policy, the log bucket accepts no ACL at all.
    expect(t.toJSON().Resources[logsId].Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logsId, 'Arn'] }, '/proposals/*']] },
            Condition: {
              ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [proposalsId, 'Arn'] } },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ]),
      },
    });
  });

  it('tags both stacks explicitly and every taggable resource too (core:explicitStackTags)', () => {
    // With the flag, Tags.of(app) no longer tags the CloudFormation stacks: the stacks get their tags as a prop,
    // so CloudFormation still tags what the templates leave untagged (the auto-delete custom resource's role).
    const tags = { project: 'proposal-review', stage: 'dev' };
    expect(built.data.tags.tagValues()).toEqual(tags);
    expect(built.logic.tags.tagValues()).toEqual(tags);
    built.dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      Tags: Match.arrayWith([
        { Key: 'project', Value: 'proposal-review' },
        { Key: 'stage', Value: 'dev' },
      ]),
    });
  });
});
