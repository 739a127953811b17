/**
 * Ops commands: `redrive` (dead-lettered intake messages back to the queue, with progress) and `doctor` (checks the
 * credentials, the stacks' resources, SES and the queues, and says what to fix).
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { listReviewers } from '../../functions/lib/adapters/roster';
import { awsClients, CliError, type Deployment, deployment } from '../context';
import { jsonText, print } from '../output';

const sqs = () => new SQSClient({});

async function queueInfo(url: string) {
  const out = await sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'],
    }),
  );
  return {
    arn: out.Attributes?.QueueArn ?? '',
    depth: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
  };
}

export async function redriveCommand(): Promise<number> {
  const dep = await deployment();
  if (!dep.intakeDlqUrl)
    throw new CliError('The deployment has no intake dead-letter queue output (IntakeDlqUrl)');
  const dlq = await queueInfo(dep.intakeDlqUrl);
  if (dlq.depth === 0) {
    print('The intake dead-letter queue is empty: nothing to redrive.\n');
    return 0;
  }
  print(`Moving ${dlq.depth} message(s) from the dead-letter queue back to the intake queue ...\n`);
  const { TaskHandle } = await sqs().send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
  for (let polls = 0; polls < 300; polls++) {
    const { Results = [] } = await sqs().send(
      new ListMessageMoveTasksCommand({ SourceArn: dlq.arn, MaxResults: 5 }),
    );
    const task = Results.find((r) => r.TaskHandle === TaskHandle) ?? Results[0];
    const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
    print(`  ${task?.Status ?? 'RUNNING'}: ${moved}/${dlq.depth} moved\n`);
    if (task?.Status === 'COMPLETED') {
      print('Done. The intake processes them again; follow with: npx proposals list\n');
      return 0;
    }
    if (task?.Status === 'FAILED' || task?.Status === 'CANCELLED') {
      throw new CliError(`The move task ended ${task.Status}: ${task.FailureReason ?? 'no reason given'}`, 1);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  throw new CliError('The move task is still running after 10 minutes; check it in the SQS console', 1);
}

type Check = { name: string; ok: boolean | 'warn'; detail: string; fix?: string };

export async function doctorCommand(opts: { json?: boolean }): Promise<number> {
  const checks: Check[] = [];
  const add = (check: Check) => {
    checks.push(check);
    if (!opts.json) {
      const mark = check.ok === true ? 'ok  ' : check.ok === 'warn' ? 'warn' : 'FAIL';
      print(`[${mark}] ${check.name}: ${check.detail}\n${check.fix ? `       fix: ${check.fix}\n` : ''}`);
    }
  };
  const probe = async (
    name: string,
    fix: string,
    run: () => Promise<string | { ok: boolean | 'warn'; detail: string; fix?: string }>,
  ) => {
    try {
      const result = await run();
      add(typeof result === 'string' ? { name, ok: true, detail: result } : { name, ...result });
    } catch (error) {
      add({ name, ok: false, detail: `${(error as Error).name}: ${(error as Error).message}`, fix });
    }
  };

  await probe(
    'credentials',
    'configure credentials (aws configure / AWS_PROFILE / SSO login), or for the local runtime `source .local/runtime.env`',
    async () => {
      const credentials = await new DynamoDBClient({}).config.credentials();
      const region = await new DynamoDBClient({}).config.region();
      return `access key ${credentials.accessKeyId.slice(0, 4)}… in region ${region}`;
    },
  );

  let dep: Deployment | undefined;
  await probe(
    'stack outputs',
    'deploy with `npx cdk deploy --all` or pick the stage with --stage',
    async () => {
      dep = await deployment();
      return `stage ${dep.stage}: table ${dep.table}, bucket ${dep.bucket}`;
    },
  );
  if (!dep) return finish(checks, opts);
  const d = dep;
  const { doc, s3, sfn } = awsClients();

  await probe('table', 'the Data stack may be deleted or still creating', async () => {
    const out = await new DynamoDBClient({}).send(new DescribeTableCommand({ TableName: d.table }));
    return `${d.table} is ${out.Table?.TableStatus}`;
  });
  await probe('bucket', 'the Data stack may be deleted; check the bucket name output', async () => {
    await s3.send(new HeadBucketCommand({ Bucket: d.bucket }));
    return `${d.bucket} reachable; upload under ${d.uploadPrefix}<agency>/`;
  });
  await probe('state machine', 'deploy the Logic stack', async () => {
    const out = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: d.stateMachineArn }));
    return `${out.name ?? d.stateMachineArn} ${out.status ?? ''}`.trim();
  });
  await probe('roster', 'import reviewers: npx proposals reviewers import roster.csv', async () => {
    const reviewers = await listReviewers(doc, d.table);
    const active = reviewers.filter((r) => r.active);
    const free = active.reduce((sum, r) => sum + Math.max(0, r.capacity - r.load), 0);
    if (active.length === 0)
      return { ok: false, detail: 'no active reviewer', fix: 'npx proposals reviewers import roster.csv' };
    return `${active.length} active reviewer(s), ${free} free review seat(s)`;
  });
  if (d.intakeDlqUrl) {
    await probe(
      'intake dead-letter queue',
      'see the failed messages in the logs, fix the cause, then `npx proposals redrive`',
      async () => {
        const { depth } = await queueInfo(d.intakeDlqUrl as string);
        return depth === 0
          ? 'empty'
          : {
              ok: 'warn',
              detail: `${depth} message(s) waiting`,
              fix: 'fix the cause (see the intake logs), then npx proposals redrive',
            };
      },
    );
  }
  const ses = new SESv2Client({});
  await probe(
    'SES account',
    'request production access for SES in this region (SES console → Account dashboard)',
    async () => {
      const account = await ses.send(new GetAccountCommand({}));
      if (!account.SendingEnabled)
        return {
          ok: false,
          detail: 'sending is disabled for this account',
          fix: 'see the SES console; sending was paused',
        };
      if (!account.ProductionAccessEnabled) {
        return {
          ok: 'warn',
          detail: 'in the SES sandbox: only verified recipients get mail',
          fix: 'request production access (SES console → Get set up)',
        };
      }
      return `production access, quota ${account.SendQuota?.Max24HourSend ?? '?'} emails/24 h`;
    },
  );
  const sender = d.senderEmail;
  if (sender) {
    await probe('SES sender identity', `verify ${sender} or its domain in SES`, async () => {
      try {
        const identity = await ses.send(
          new GetEmailIdentityCommand({ EmailIdentity: sender.split('@')[1] ?? sender }),
        );
        return identity.VerifiedForSendingStatus
          ? `${sender}'s domain is verified`
          : {
              ok: false,
              detail: `${sender}'s domain is not verified`,
              fix: 'complete the DNS (DKIM) records SES lists for the domain',
            };
      } catch (error) {
        if ((error as Error).name === 'SyntaxError' || /UnknownOp/.test((error as Error).message)) {
          return {
            ok: 'warn' as const,
            detail: 'this SES endpoint does not report identities (the local emulator accepts any sender)',
          };
        }
        if ((error as Error).name === 'NotFoundException') {
          return {
            ok: false,
            detail: `no SES identity for ${sender}`,
            fix: `create and verify the identity: aws sesv2 create-email-identity --email-identity ${sender.split('@')[1]}`,
          };
        }
        throw error;
      }
    });
  }
  return finish(checks, opts);
}

function finish(checks: Check[], opts: { json?: boolean }): number {
  const failed = checks.filter((c) => c.ok === false).length;
  if (opts.json) print(`${jsonText(checks)}\n`);
  else print(failed ? `\n${failed} check(s) failed.\n` : '\nAll checks passed.\n');
  return failed ? 1 : 0;
}
