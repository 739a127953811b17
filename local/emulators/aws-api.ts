/**
 * A small AWS JSON-protocol endpoint on 127.0.0.1 for the two services that have no emulator here:
 * Step Functions (StartExecution, DescribeExecution, ListExecutions, SendTaskSuccess/Failure/Heartbeat) backed by
 * the local interpreter, and Secrets Manager (GetSecretValue) backed by secrets the runtime generates.
 * The handlers' unchanged @aws-sdk clients reach it through AWS_ENDPOINT_URL_SFN / _SECRETS_MANAGER.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type LocalStepFunctions, SfnApiError } from '../stepfunctions';

export interface AwsApi {
  endpoint: string;
  server: Server;
  stop(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new SfnApiError('ValidationException', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const epoch = (date: Date | undefined) => (date ? date.getTime() / 1000 : undefined);

/** The SQS operations `proposals redrive` uses, answered from the local intake queue and its dead letters. */
export interface LocalSqs {
  /** Attributes of the queue at this URL (QueueArn, ApproximateNumberOfMessages), or undefined. */
  attributes(queueUrl: string): Record<string, string> | undefined;
  /** Moves the dead letters of the DLQ with this ARN back to their source queue; returns how many. */
  moveMessages(sourceArn: string): number | undefined;
}

export async function startAwsApi(
  sfn: LocalStepFunctions,
  secrets: Map<string, string>,
  sqs?: LocalSqs,
): Promise<AwsApi> {
  const moves: Array<{
    TaskHandle: string;
    SourceArn: string;
    Status: string;
    ApproximateNumberOfMessagesMoved: number;
    StartedTimestamp: number;
  }> = [];
  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    'AWSStepFunctions.StartExecution': (body) => {
      const execution = sfn.startExecution(
        String(body.stateMachineArn),
        String(body.name ?? crypto.randomUUID()),
        String(body.input ?? '{}'),
      );
      return { executionArn: execution.executionArn, startDate: epoch(execution.startDate) };
    },
    'AWSStepFunctions.DescribeExecution': (body) => {
      const execution = sfn.executions.get(String(body.executionArn));
      if (!execution)
        throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${body.executionArn}'`);
      return {
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status: execution.status,
        startDate: epoch(execution.startDate),
        stopDate: epoch(execution.stopDate),
        input: execution.input,
        output: execution.output,
        error: execution.error,
        cause: execution.cause,
      };
    },
    'AWSStepFunctions.DescribeStateMachine': (body) => {
      const arn = String(body.stateMachineArn);
      if (!sfn.has(arn))
        throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
      return {
        stateMachineArn: arn,
        name: arn.split(':').pop(),
        status: 'ACTIVE',
        type: 'STANDARD',
        definition: '{}',
        roleArn: 'arn:aws:iam::000000000000:role/local',
        creationDate: 0,
      };
    },
    'AWSStepFunctions.ListExecutions': (body) => ({
      executions: [...sfn.executions.values()]
        .filter((e) => !body.stateMachineArn || e.stateMachineArn === body.stateMachineArn)
        .filter((e) => !body.statusFilter || e.status === body.statusFilter)
        .map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: epoch(e.startDate),
          stopDate: epoch(e.stopDate),
        })),
    }),
    'AWSStepFunctions.SendTaskSuccess': (body) => {
      sfn.sendTaskSuccess(String(body.taskToken), String(body.output));
      return {};
    },
    'AWSStepFunctions.SendTaskFailure': (body) => {
      sfn.sendTaskFailure(
        String(body.taskToken),
        body.error as string | undefined,
        body.cause as string | undefined,
      );
      return {};
    },
    'AWSStepFunctions.SendTaskHeartbeat': (body) => {
      sfn.sendTaskHeartbeat(String(body.taskToken));
      return {};
    },
    'AmazonSQS.GetQueueAttributes': (body) => {
      const attributes = sqs?.attributes(String(body.QueueUrl));
      if (!attributes)
        throw new SfnApiError(
          'AWS.SimpleQueueService.NonExistentQueue',
          'The specified queue does not exist.',
        );
      return { Attributes: attributes };
    },
    'AmazonSQS.StartMessageMoveTask': (body) => {
      const moved = sqs?.moveMessages(String(body.SourceArn));
      if (moved === undefined)
        throw new SfnApiError(
          'ResourceNotFoundException',
          "The resource that you specified for the SourceArn parameter doesn't exist.",
        );
      const TaskHandle = crypto.randomUUID();
      moves.push({
        TaskHandle,
        SourceArn: String(body.SourceArn),
        Status: 'COMPLETED',
        ApproximateNumberOfMessagesMoved: moved,
        StartedTimestamp: Date.now(),
      });
      return { TaskHandle };
    },
    'AmazonSQS.ListMessageMoveTasks': (body) => ({
      Results: moves.filter((m) => m.SourceArn === body.SourceArn).reverse(),
    }),
    'secretsmanager.GetSecretValue': (body) => {
      const id = String(body.SecretId);
      const value = secrets.get(id);
      if (value === undefined) {
        throw new SfnApiError(
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret.",
        );
      }
      return { ARN: id, Name: id.split(':').pop(), SecretString: value, VersionId: 'local' };
    },
  };

  const server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const contentType = target.startsWith('secretsmanager')
      ? 'application/x-amz-json-1.1'
      : 'application/x-amz-json-1.0';
    try {
      const operation = operations[target];
      if (!operation)
        throw new SfnApiError(
          'UnknownOperationException',
          `Operation ${target || '(none)'} is not supported locally`,
        );
      const result = operation(await readJson(req));
      res.writeHead(200, { 'content-type': contentType });
      res.end(JSON.stringify(result));
    } catch (error) {
      const type = error instanceof SfnApiError ? error.type : 'InternalFailure';
      const message = error instanceof Error ? error.message : String(error);
      res.writeHead(type === 'InternalFailure' ? 500 : 400, {
        'content-type': contentType,
        'x-amzn-errortype': type,
      });
      res.end(JSON.stringify({ __type: type, message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
