import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './aws/dynamodb';
import { sfn } from './aws/sfn';
import { requireEnv } from './config';
import { isStaleTaskToken } from './errors';
import { logger } from './lambda';
import { keys, type ReviewTask } from './model';

/**
 * Hands a submitted review to the execution waiting on its task token, then spends the token. Safe to repeat:
 * a token the execution no longer waits on is simply spent. Used by the review page and the hourly sweep, so an
 * answer is never lost when Step Functions was unreachable at the moment of submitting.
 */
export async function deliverSubmitted(task: ReviewTask & { token?: string }): Promise<void> {
  if (!task.token || task.status !== 'SUBMITTED') return;
  try {
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: task.token,
        output: JSON.stringify({ reviewerId: task.reviewerId, status: 'SUBMITTED', score: task.score }),
      }),
    );
  } catch (error) {
    if (!isStaleTaskToken(error)) throw error;
    logger.warn('The execution no longer waits for this review', {
      proposalId: task.proposalId,
      error: (error as Error).name,
    });
  }
  await dynamo
    .send(
      new UpdateCommand({
        TableName: requireEnv('TABLE_NAME'),
        Key: keys.review(task.proposalId, task.reviewerId),
        UpdateExpression: 'REMOVE #token, GSI2PK, GSI2SK',
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': task.token },
      }),
    )
    .catch((error) => {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    });
}
