/** The uploaded proposal files in S3. */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DownloadHeaders } from '../review/download';
import { s3 } from './aws/s3';

/** An object's real size and at most its first `limit + 1` bytes (none when it is over the limit). */
export interface BoundedRead {
  size: number;
  bytes: Uint8Array;
}

/**
 * Reads at most `limit + 1` bytes of an object version (so a file over the limit is known without reading all
 * of it): a HeadObject for the size, then one ranged GetObject.
 */
export async function readBounded(
  bucket: string,
  key: string,
  versionId: string | undefined,
  limit: number,
): Promise<BoundedRead> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  const size = head.ContentLength ?? 0;
  // Over the limit: not read at all. Empty: nothing to read (a ranged GET of 0 bytes is a 416 in S3).
  if (size > limit || size === 0) return { size, bytes: new Uint8Array() };
  const out = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, Range: `bytes=0-${limit}` }),
  );
  const bytes = await out.Body?.transformToByteArray();
  return { size, bytes: bytes ?? new Uint8Array() };
}

/**
 * A short-lived link to download one object version (the review page's "download the proposal"). The link
 * overrides every header the uploader could have stored with the object: the content type and the
 * Content-Disposition are the caller's (functions/lib/review/download.ts: the detected format, an attachment
 * named by the system), the content encoding is `identity` (the bytes as stored, which are the bytes that were
 * validated) and the response is not cached. S3 has no way to leave out an object's x-amz-meta-* headers on a
 * GET; browsers ignore them.
 */
export function downloadUrl(
  object: { bucket: string; key: string; versionId?: string },
  expiresInSeconds: number,
  headers: DownloadHeaders,
): Promise<string> {
  return getSignedUrl(
    s3,
    new GetObjectCommand({
      Bucket: object.bucket,
      Key: object.key,
      VersionId: object.versionId,
      ResponseContentType: headers.contentType,
      ResponseContentDisposition: headers.contentDisposition,
      ResponseContentEncoding: 'identity',
      ResponseCacheControl: 'private, no-store',
    }),
    { expiresIn: expiresInSeconds },
  );
}

/**
 * Uploads a proposal file (what a submitter's upload does) and returns the version S3 gave it, or the ETag where
 * the bucket keeps no versions. `client` is the caller's S3 client (the CLI has its own).
 */
export async function putUpload(
  client: S3Client,
  object: { bucket: string; key: string; body: Uint8Array },
): Promise<string | undefined> {
  const out = await client.send(
    new PutObjectCommand({ Bucket: object.bucket, Key: object.key, Body: object.body }),
  );
  return out.VersionId ?? out.ETag?.replace(/"/g, '');
}
