import { createHash } from 'node:crypto';
import { UPLOAD_PREFIX } from './contract';
import * as z from './zod';

/** An agency code: the `<agency>` folder of upload keys and the agency registry's key (e.g. pemkot-surabaya). */
export const AGENCY_CODE = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** One S3 object-created record as S3 delivers it to SQS (keys are URL-encoded, `+` is a space). */
export const s3RecordSchema = z.object({
  eventName: z.string(),
  /** When S3 stored the object (ISO 8601): what "on time" is judged by, not when the message is read. */
  eventTime: z.optional(z.string()),
  s3: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      size: z.optional(z.int().check(z.nonnegative())),
      eTag: z.optional(z.string()),
      versionId: z.optional(z.string()),
      sequencer: z.optional(z.string()),
    }),
  }),
});
export type S3Record = z.infer<typeof s3RecordSchema>;

/** The body of an SQS message from an S3 notification: records, or the test event S3 sends on configuration. */
export const s3NotificationSchema = z.union([
  z.object({ Records: z.array(s3RecordSchema).check(z.minLength(1)) }),
  z.object({ Event: z.literal('s3:TestEvent') }),
]);

export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

export function encodeS3Key(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

/**
 * Stable id of one uploaded object version: the same bucket/key/version always gives the same id, so a repeated
 * event registers nothing new and starts no second execution (the id is also the execution name).
 */
export function proposalIdFor(bucket: string, key: string, version: string | undefined): string {
  const digest = createHash('sha256')
    .update(`${bucket}\n${key}\n${version ?? ''}`)
    .digest('hex');
  return `p-${digest.slice(0, 20)}`;
}

export type KeyCheck = { ok: true; agency: string; fileName: string } | { ok: false; reason: string };

/** Checks an (already decoded) key: incoming/<agency>/<file>, no traversal, a sane agency code. */
export function parseUploadKey(key: string): KeyCheck {
  if (!key.startsWith(UPLOAD_PREFIX)) {
    return {
      ok: false,
      reason: `The file is not under ${UPLOAD_PREFIX}; upload to ${UPLOAD_PREFIX}<agency>/<file>.`,
    };
  }
  const parts = key.slice(UPLOAD_PREFIX.length).split('/');
  if (parts.some((part) => part === '..' || part === '.' || part === '')) {
    return {
      ok: false,
      reason: 'The object key has empty, "." or ".." segments; upload to incoming/<agency>/<file>.',
    };
  }
  if (parts.length !== 2) {
    return {
      ok: false,
      reason: 'The object key must be incoming/<agency>/<file> (one agency folder, then the file name).',
    };
  }
  const [agency = '', fileName = ''] = parts;
  if (!AGENCY_CODE.test(agency)) {
    return {
      ok: false,
      reason: `The agency code "${agency}" must be 2-63 lowercase letters, digits or dashes (e.g. pemkot-surabaya).`,
    };
  }
  return { ok: true, agency, fileName };
}
