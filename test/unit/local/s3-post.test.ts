/**
 * Browser-based uploads on the local S3, as S3 answers them: a presigned form stores the file under its key with
 * the browser's file name, redirects to the portal and announces the object; a form that strays from its policy
 * stores nothing.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignPost } from '../../../functions/lib/portal/post-policy';
import { type RunningS3, type S3ObjectEvent, startS3 } from '../../../local/emulators/s3';

const BUCKET = 'proposals-uploads';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
let s3rver: RunningS3;
let s3: S3Client;
const events: S3ObjectEvent[] = [];

beforeAll(async () => {
  s3rver = await startS3([{ name: BUCKET, versioned: true }], (event) => events.push(event), credentials);
  s3 = new S3Client({ endpoint: s3rver.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
});

afterAll(async () => {
  s3?.destroy();
  await s3rver?.stop();
});

function post(fields: Record<string, string>, file: File) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  data.set('file', file, file.name);
  return fetch(`${s3rver.endpoint}/${BUCKET}`, { method: 'POST', body: data, redirect: 'manual' });
}

const form = () =>
  presignPost({
    bucket: BUCKET,
    keyPrefix: 'incoming/pemkot-depok/u0123456789abcdef0123-',
    minBytes: 1,
    maxBytes: 1000,
    successRedirect: 'http://127.0.0.1:1/portal/receipt?u=0123456789abcdef0123',
    region: 'us-east-1',
    credentials,
    now: new Date(),
    validSeconds: 60,
  });

describe('POST uploads to the local S3', () => {
  it('stores the file under the signed prefix with its name, redirects and announces it', async () => {
    const response = await post(form(), new File(['# Judul\n'], 'proposal.md'));
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.pathname).toBe('/portal/receipt');
    const key = 'incoming/pemkot-depok/u0123456789abcdef0123-proposal.md';
    expect(location.searchParams.get('key')).toBe(key);
    const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await stored.Body?.transformToString()).toBe('# Judul\n');
    expect(events.at(-1)).toMatchObject({ key, eventName: expect.stringMatching(/^ObjectCreated/) });
    expect(events.at(-1)?.versionId).toBeTruthy();
  });

  it('stores nothing when the form strays from its policy', async () => {
    const before = events.length;
    const response = await post({ ...form(), key: 'incoming/other/x.md' }, new File(['x'], 'x.md'));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Policy Condition failed');
    expect(events.length).toBe(before);
  });
});
