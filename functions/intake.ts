import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { getAgency } from './lib/adapters/agencies';
import { dynamo } from './lib/adapters/aws/dynamodb';
import { startExecution } from './lib/adapters/executions';
import { ProposalStore } from './lib/adapters/proposals';
import { proposalAgencyFields, registrationNote } from './lib/agencies/proposal';
import { type Agency, MalformedAgencyError } from './lib/agencies/schema';
import { optionalEnv, requireEnv } from './lib/config';
import { BadInputError } from './lib/errors';
import { lambda, logger, metrics, withProposal } from './lib/lambda';
import { parseSubmissionName } from './lib/portal/keys';
import { lateUploadReason, submissionsClose } from './lib/profile';
import { activeProfile } from './lib/profile-config';
import {
  decodeS3Key,
  parseUploadKey,
  proposalIdFor,
  type S3Record,
  s3NotificationSchema,
} from './lib/uploads';

const table = requireEnv('TABLE_NAME');
const store = new ProposalStore(dynamo, table);
const stateMachineArn = requireEnv('STATE_MACHINE_ARN');
const closesAt = submissionsClose(activeProfile(), optionalEnv('SUBMISSIONS_CLOSE_AT'));

/** The agency from the registry; a malformed registry item counts as not registered (logged), never blocks an upload. */
async function registeredAgency(code: string): Promise<Agency | undefined> {
  try {
    return await getAgency(dynamo, table, code);
  } catch (error) {
    if (!(error instanceof MalformedAgencyError)) throw error;
    logger.warn('Malformed agency item; the upload goes on without its region', { agency: code, error });
    return undefined;
  }
}

/** Registers one uploaded object version and starts its execution; both steps are idempotent. */
async function intakeRecord(record: S3Record): Promise<void> {
  if (!record.eventName.startsWith('ObjectCreated:')) return;
  const bucket = record.s3.bucket.name;
  const key = decodeS3Key(record.s3.object.key);
  const version = record.s3.object.versionId ?? record.s3.object.eTag ?? record.s3.object.sequencer;
  const id = proposalIdFor(bucket, key, version);
  withProposal(id);
  const check = parseUploadKey(key);
  const base = {
    id,
    bucket,
    key,
    versionId: record.s3.object.versionId,
    etag: record.s3.object.eTag,
    size: record.s3.object.size,
    agency: check.ok ? check.agency : 'unknown',
  };
  if (!check.ok) {
    // Nothing to validate: record the upload as rejected with the reason so it is not silently dropped.
    await store.register(base, 'REJECTED', check.reason);
    metrics.addMetric('ProposalsRejected', 'Count', 1);
    logger.warn('Upload refused', { key, reason: check.reason });
    return;
  }
  // A file stored after submissions closed is kept (nothing is lost) but not reviewed.
  const late = lateUploadReason(new Date(record.eventTime ?? Date.now()), closesAt, activeProfile());
  if (late) {
    const { created } = await store.register(base, 'REJECTED', late);
    if (created) metrics.addMetric('ProposalsRejected', 'Count', 1);
    logger.warn('Upload after the deadline', { key });
    return;
  }
  // The registry is the source of truth for where a proposal comes from; an agency it does not hold goes on as
  // before, with no parent government or region (the registry is optional until the portal requires it).
  const agency = await registeredAgency(base.agency);
  const { proposal, created } = await store.register(
    { ...base, ...proposalAgencyFields(agency) },
    'RECEIVED',
    registrationNote(base.agency, agency !== undefined),
  );
  if (created) metrics.addMetric('ProposalsReceived', 'Count', 1);
  if (created && !agency)
    logger.info('Agency not in the registry; no region recorded', { agency: base.agency });
  // A portal resubmission names, in its key, the REJECTED proposal of the same agency it replaces.
  const replaces = parseSubmissionName(check.fileName)?.replaces;
  if (replaces) {
    const linked = await store.linkReplacement(replaces, proposal);
    if (created || !proposal.replaces)
      await store.note(
        id,
        linked.ok
          ? `Replaces the rejected proposal ${replaces}`
          : `Sent as a replacement, but ${linked.reason}: registered as a new proposal`,
      );
  }
  if (proposal.status !== 'RECEIVED') return;
  // Named by the proposal id (a hash of bucket, key and version): a repeated notification starts nothing twice,
  // so nothing needs recording here; Validate keeps the execution's ARN on the proposal with its first move.
  const executionArn = await startExecution({
    stateMachineArn,
    name: id,
    input: { proposalId: id, bucket, key, versionId: base.versionId ?? null, agency: base.agency },
  });
  logger.info('Pipeline started', { key, executionArn });
}

/** SQS batch of S3 notifications; failed messages are reported individually and retried (then the DLQ). */
export const handler = lambda(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const message of event.Records) {
    try {
      await intakeMessage(message);
    } catch (error) {
      logger.error('Intake failed; the message will be retried', { messageId: message.messageId, error });
      failures.push({ itemIdentifier: message.messageId });
    }
  }
  return { batchItemFailures: failures };
});

async function intakeMessage(message: SQSRecord): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    throw new BadInputError('Message body is not JSON; it goes to the dead-letter queue after the retries');
  }
  const parsed = s3NotificationSchema.safeParse(body);
  if (!parsed.success) {
    throw new BadInputError(
      'Message is not an S3 notification; it goes to the dead-letter queue after the retries',
    );
  }
  if (!('Records' in parsed.data)) return; // s3:TestEvent
  for (const record of parsed.data.Records) await intakeRecord(record);
}
