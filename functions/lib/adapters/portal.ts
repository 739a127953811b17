/**
 * What the submitters' portal needs of AWS: presigned POST forms to the bucket, the newest object under a
 * server-built prefix, a draft submitted as it is (once), and an hourly upload limit per agency.
 */
import { CopyObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalFailure } from '../errors';
import { keys } from '../model';
import { type PostFields, presignPost } from '../portal/post-policy';
import { s3 } from './aws/s3';

/**
 * The URL a form posts to: the bucket's virtual-hosted address on AWS; path style under a custom endpoint (the
 * local runtime's S3, which the SDK reaches through AWS_ENDPOINT_URL_S3 too).
 */
function bucketUrl(bucket: string, region: string): string {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  return endpoint
    ? `${endpoint.replace(/\/+$/, '')}/${bucket}`
    : `https://${bucket}.s3.${region}.amazonaws.com/`;
}

/** A presigned POST form under `keyPrefix`, signed with the function's own (role) credentials. */
export async function uploadForm(
  bucket: string,
  form: { keyPrefix: string; successRedirect: string; maxBytes: number; validSeconds: number },
  now = new Date(),
): Promise<{ action: string; fields: PostFields }> {
  const [credentials, region] = await Promise.all([s3.config.credentials(), s3.config.region()]);
  const fields = presignPost({
    bucket,
    keyPrefix: form.keyPrefix,
    minBytes: 1,
    maxBytes: form.maxBytes,
    successRedirect: form.successRedirect,
    region,
    credentials,
    now,
    validSeconds: form.validSeconds,
  });
  return { action: bucketUrl(bucket, region), fields };
}

/**
 * The newest object directly under `prefix` and its file name (what the browser named it); undefined when there
 * is none. A name with a further `/` is not an upload of the form and is ignored.
 */
export async function newestObject(
  bucket: string,
  prefix: string,
): Promise<{ key: string; fileName: string } | undefined> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 100 }));
  const objects = (out.Contents ?? []).filter(
    (o) => o.Key && o.Key.length > prefix.length && !o.Key.slice(prefix.length).includes('/'),
  );
  objects.sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0));
  const key = objects[0]?.Key;
  return key ? { key, fileName: key.slice(prefix.length) } : undefined;
}

const copySource = (bucket: string, key: string) =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

/**
 * Submits a checked draft: a copy into the agency's incoming folder, which S3 announces like any upload. Claimed
 * first in the table (one submission per draft, so a second click adds nothing); a failed copy gives the claim
 * back so the submitter can try again. Returns false when the draft was submitted before.
 */
export async function submitDraftOnce(
  doc: DynamoDBDocumentClient,
  table: string,
  bucket: string,
  submission: { agency: string; draftId: string; from: string; to: string },
  now = new Date(),
): Promise<boolean> {
  const claim = { PK: keys.agency(submission.agency).PK, SK: `DRAFT#${submission.draftId}` };
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...claim, key: submission.to, at: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
  try {
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: submission.to,
        CopySource: copySource(bucket, submission.from),
        // The submission carries none of the upload's own headers (content type, disposition, metadata).
        MetadataDirective: 'REPLACE',
        ContentType: 'application/octet-stream',
      }),
    );
  } catch (error) {
    await doc.send(new DeleteCommand({ TableName: table, Key: claim })).catch(() => {});
    throw error;
  }
  return true;
}

/**
 * Counts one upload form of the current hour (UTC) for an agency; false once `limit` is reached. The counters
 * expire with the table's TTL a day later.
 */
export async function takeUpload(
  doc: DynamoDBDocumentClient,
  table: string,
  agency: string,
  kind: 'draft' | 'submission',
  limit: number,
  now = new Date(),
): Promise<boolean> {
  const hour = now.toISOString().slice(0, 13);
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { PK: keys.agency(agency).PK, SK: `UPLOADS#${kind}#${hour}` },
        UpdateExpression: 'ADD uploads :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
        ConditionExpression: 'attribute_not_exists(uploads) OR uploads < :limit',
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': limit,
          ':ttl': Math.floor(now.getTime() / 1000) + 86_400,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
}
