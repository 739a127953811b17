import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketNotificationDestinationConfig,
  BucketNotificationDestinationType,
  EventType,
  type IBucket,
  type IBucketNotificationDestination,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DRAFT_RETENTION_DAYS, DRAFTS_PREFIX, TABLE_KEYS, UPLOAD_PREFIX } from '../functions/lib/contract';
import type { StageConfig } from './config';
import { INTAKE_VISIBILITY_TIMEOUT } from './limits';

/**
 * The intake queue as the bucket's notification target. As SqsDestination, but the queue policy lets S3 send only
 * for this bucket (aws:SourceArn) in this account (aws:SourceAccount): a bucket name can be taken by another
 * account once deleted, and its notifications must not reach this queue.
 */
class IntakeQueueDestination implements IBucketNotificationDestination {
  constructor(private readonly queue: Queue) {}

  bind(_scope: Construct, bucket: IBucket): BucketNotificationDestinationConfig {
    this.queue.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        resources: [this.queue.queueArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    return {
      arn: this.queue.queueArn,
      type: BucketNotificationDestinationType.QUEUE,
      // The notification configuration needs the policy in place first (S3 tests the target when it is set).
      dependencies: [this.queue.node.findChild('Policy')],
    };
  }
}

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

/** Everything that holds data: the proposals bucket, the table, the intake queue and the link-signing secret. */
export class StatefulStack extends Stack {
  readonly bucket: Bucket;
  readonly table: Table;
  readonly intakeQueue: Queue;
  readonly intakeDlq: Queue;
  readonly signingSecret: Secret;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Logs arrive through the bucket policy (no ACL needed), so ACLs are off altogether.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy,
      autoDeleteObjects: !config.retainData,
    });

    this.bucket = new Bucket(this, 'Proposals', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'proposals/',
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(365) },
        // Drafts checked in the portal are never reviewed: gone a few days after their upload.
        {
          id: 'ExpireDrafts',
          prefix: DRAFTS_PREFIX,
          expiration: Duration.days(DRAFT_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      removalPolicy,
      autoDeleteObjects: !config.retainData,
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: config.retainData,
      // Short-lived items (the portal's hourly upload counters) carry their expiry here.
      timeToLiveAttribute: 'expiresAt',
      removalPolicy,
    });
    for (const index of TABLE_KEYS.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: 'sortKey' in index ? { name: index.sortKey, type: AttributeType.STRING } : undefined,
        projectionType: ProjectionType.ALL,
      });
    }

    this.intakeDlq = new Queue(this, 'IntakeDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.intakeQueue = new Queue(this, 'IntakeQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the intake Lambda's timeout, as AWS advises for SQS event sources.
      visibilityTimeout: INTAKE_VISIBILITY_TIMEOUT,
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.intakeDlq, maxReceiveCount: 5 },
    });
    this.bucket.addEventNotification(EventType.OBJECT_CREATED, new IntakeQueueDestination(this.intakeQueue), {
      prefix: UPLOAD_PREFIX,
    });

    this.signingSecret = new Secret(this, 'LinkSigningSecret', {
      description: "HMAC key that signs reviewers' review links and agencies' portal links",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });

    new CfnOutput(this, 'BucketName', {
      value: this.bucket.bucketName,
      description: 'Upload proposals here',
    });
    new CfnOutput(this, 'UploadPrefix', {
      value: UPLOAD_PREFIX,
      description: 'Key prefix that starts the pipeline',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'LinkSigningSecretArn', {
      value: this.signingSecret.secretArn,
      description: 'Signs review and portal links (`proposals agencies invite` reads it)',
    });
    new CfnOutput(this, 'IntakeDlqUrl', { value: this.intakeDlq.queueUrl });
    new CfnOutput(this, 'IntakeQueueUrl', { value: this.intakeQueue.queueUrl });
  }
}
