/**
 * How the CLI finds the deployment: the standard AWS credential chain and endpoints (AWS_ENDPOINT_URL_* for the
 * local runtime), and the resource names from environment variables or, failing that, from the stacks' outputs.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UPLOAD_PREFIX } from '../functions/lib/contract';

export interface Deployment {
  stage: string;
  table: string;
  bucket: string;
  uploadPrefix: string;
  stateMachineArn: string;
  reviewApiUrl?: string;
  intakeDlqUrl?: string;
  intakeQueueUrl?: string;
  senderEmail?: string;
  /** The submitters' portal and the secret its links are signed with. */
  portalUrl?: string;
  signingSecretArn?: string;
}

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

async function stackOutputs(cfn: CloudFormationClient, stackName: string): Promise<Record<string, string>> {
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    return Object.fromEntries(
      (out.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
  } catch (error) {
    throw new CliError(
      `Cannot read the outputs of stack ${stackName} (${(error as Error).message}). Deploy it (npx cdk deploy --all), pick the stage with --stage or PROPOSALS_STAGE, or, for the local runtime, run \`source .local/runtime.env\` first.`,
    );
  }
}

let cached: Deployment | undefined;

export async function deployment(stage = process.env.PROPOSALS_STAGE ?? 'dev'): Promise<Deployment> {
  if (cached) return cached;
  const env = process.env;
  if (env.PROPOSALS_TABLE && env.PROPOSALS_BUCKET && env.PROPOSALS_STATE_MACHINE_ARN) {
    cached = {
      stage,
      table: env.PROPOSALS_TABLE,
      bucket: env.PROPOSALS_BUCKET,
      uploadPrefix: UPLOAD_PREFIX,
      stateMachineArn: env.PROPOSALS_STATE_MACHINE_ARN,
      reviewApiUrl: env.PROPOSALS_REVIEW_URL,
      intakeDlqUrl: env.PROPOSALS_INTAKE_DLQ_URL,
      intakeQueueUrl: env.PROPOSALS_INTAKE_QUEUE_URL,
      senderEmail: env.PROPOSALS_SENDER_EMAIL,
      portalUrl: env.PROPOSALS_PORTAL_URL,
      signingSecretArn: env.PROPOSALS_SIGNING_SECRET_ARN,
    };
    return cached;
  }
  const cfn = new CloudFormationClient({});
  const [data, logic] = await Promise.all([
    stackOutputs(cfn, `Proposals-${stage}-Data`),
    stackOutputs(cfn, `Proposals-${stage}-Logic`),
  ]);
  cached = {
    stage,
    table: data.TableName ?? '',
    bucket: data.BucketName ?? '',
    uploadPrefix: data.UploadPrefix ?? UPLOAD_PREFIX,
    stateMachineArn: logic.StateMachineArn ?? '',
    reviewApiUrl: logic.ReviewApiUrl,
    intakeDlqUrl: data.IntakeDlqUrl,
    intakeQueueUrl: data.IntakeQueueUrl,
    senderEmail: logic.SenderEmail,
    portalUrl: logic.PortalUrl,
    signingSecretArn: data.LinkSigningSecretArn,
  };
  return cached;
}

let clients: { doc: DynamoDBDocumentClient; s3: S3Client; sfn: SFNClient } | undefined;

export function awsClients() {
  clients ??= {
    doc: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    s3: new S3Client({}),
    sfn: new SFNClient({}),
  };
  return clients;
}
