/**
 * Presigned POST policies (S3 browser-based uploads, Signature Version 4).
 *
 * The portal's upload forms post the file straight to S3: the policy fixes the bucket, the key prefix (built by
 * the server: `drafts/<agency>/<draft id>/` or `incoming/<agency>/<upload id>-`), the size range, where S3
 * sends the browser afterwards and how long the form works. S3 refuses a form whose fields stray from the
 * policy, so nothing the browser sends can choose another agency's folder or a larger file. The file's own
 * name follows the prefix (`${filename}`, which S3 replaces with the name the browser sends).
 *
 * Signed here rather than with @aws-sdk/s3-presigned-post: that package pins an exact older @aws-sdk/client-s3,
 * which would put a second S3 client in the portal's bundle; the signature is the four-step HMAC key derivation
 * of SigV4 over the base64 policy (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html).
 */
import { createHmac } from 'node:crypto';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface PostPolicyInput {
  bucket: string;
  /** Every key the form may write starts with this (the server builds it). */
  keyPrefix: string;
  /** Bytes the file may have, inclusive. */
  minBytes: number;
  maxBytes: number;
  /** Where S3 redirects the browser after a successful upload (it appends bucket, key and etag). */
  successRedirect: string;
  region: string;
  credentials: SigningCredentials;
  now: Date;
  /** How long the form works. */
  validSeconds: number;
}

/** The hidden fields of the form, in the order S3 wants them (the file comes last). */
export type PostFields = Record<string, string>;

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** What S3 replaces with the name of the file the browser sends, in the form's `key`. */
export const FILENAME_VARIABLE = `\${filename}`;

/** 20250630T120000Z and 20250630. */
function amzDates(now: Date): { dateTime: string; day: string } {
  const dateTime = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return { dateTime, day: dateTime.slice(0, 8) };
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** SigV4's signing key: the secret, narrowed to a day, a region and a service. */
export function signingKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
}

/** The signature of a base64 policy: hex HMAC under the signing key of the credential's scope. */
export function policySignature(
  policy: string,
  secretAccessKey: string,
  day: string,
  region: string,
): string {
  return createHmac('sha256', signingKey(secretAccessKey, day, region, 's3'))
    .update(policy)
    .digest('hex');
}

/** The form fields of a presigned POST (the form's action is the bucket's URL, see the storage adapter). */
export function presignPost(input: PostPolicyInput): PostFields {
  const { dateTime, day } = amzDates(input.now);
  const credential = `${input.credentials.accessKeyId}/${day}/${input.region}/s3/aws4_request`;
  const fields: PostFields = {
    key: `${input.keyPrefix}${FILENAME_VARIABLE}`,
    success_action_redirect: input.successRedirect,
    'x-amz-algorithm': ALGORITHM,
    'x-amz-credential': credential,
    'x-amz-date': dateTime,
    ...(input.credentials.sessionToken ? { 'x-amz-security-token': input.credentials.sessionToken } : {}),
  };
  const document = {
    expiration: new Date(input.now.getTime() + input.validSeconds * 1000).toISOString(),
    conditions: [
      { bucket: input.bucket },
      ['starts-with', '$key', input.keyPrefix],
      ['content-length-range', input.minBytes, input.maxBytes],
      ...Object.entries(fields)
        .filter(([name]) => name !== 'key')
        .map(([name, value]) => ({ [name]: value })),
    ],
  };
  const policy = Buffer.from(JSON.stringify(document), 'utf8').toString('base64');
  return {
    ...fields,
    policy,
    'x-amz-signature': policySignature(policy, input.credentials.secretAccessKey, day, input.region),
  };
}
