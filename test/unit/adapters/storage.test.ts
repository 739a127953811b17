import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { downloadUrl, readBounded } from '../../../functions/lib/adapters/storage';
import { downloadHeaders } from '../../../functions/lib/review/download';

const s3 = mockClient(S3Client);
const BUCKET = 'kipp-proposals-test';
const KEY = 'incoming/pemkot-surabaya/01-dinkes-surabaya-umum.md';
const LIMIT = 10 * 1024 * 1024;
const HEADERS = downloadHeaders('pdf', 'p-1');

beforeAll(() => {
  // The presigner signs locally with these; nothing reaches AWS.
  vi.stubEnv('AWS_REGION', 'ap-southeast-3');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAUNITTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'unit-test-secret-key');
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => s3.reset());

const stored = (bytes: Uint8Array, size = bytes.length) => {
  s3.on(HeadObjectCommand).resolves({ ContentLength: size });
  s3.on(GetObjectCommand).callsFake(async () => ({
    Body: sdkStreamMixin(Readable.from([Buffer.from(bytes)])),
    ContentLength: bytes.length,
  }));
};

describe('reading an uploaded proposal', () => {
  it('reads the object version with one GET ranged to the limit', async () => {
    stored(new TextEncoder().encode('# SEHATI'));

    expect(await readBounded(BUCKET, KEY, 'v-1', LIMIT)).toEqual({
      size: 8,
      bytes: new TextEncoder().encode('# SEHATI'),
    });
    const [get] = s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input);
    expect(get).toEqual({ Bucket: BUCKET, Key: KEY, VersionId: 'v-1', Range: `bytes=0-${LIMIT}` });
  });

  it('does not download a file over the limit, and says its size', async () => {
    stored(new Uint8Array(16), 12 * 1024 * 1024);

    expect(await readBounded(BUCKET, KEY, 'v-1', LIMIT)).toEqual({
      size: 12 * 1024 * 1024,
      bytes: new Uint8Array(),
    });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('does not send a ranged GET for an empty object (S3 answers it 416 InvalidRange)', async () => {
    stored(new Uint8Array());

    expect(await readBounded(BUCKET, KEY, 'v-1', LIMIT)).toEqual({ size: 0, bytes: new Uint8Array() });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('signs overrides of every header the uploader could have stored with the object', async () => {
    const url = new URL(await downloadUrl({ bucket: BUCKET, key: KEY, versionId: 'v-1' }, 900, HEADERS));

    expect(url.searchParams.get('response-content-type')).toBe('application/pdf');
    expect(url.searchParams.get('response-content-disposition')).toBe(HEADERS.contentDisposition);
    expect(url.searchParams.get('response-content-encoding')).toBe('identity');
    expect(url.searchParams.get('response-cache-control')).toBe('private, no-store');
  });

  it('gives a presigned download link of the object version that expires', async () => {
    const url = new URL(await downloadUrl({ bucket: BUCKET, key: KEY, versionId: 'v-1' }, 900, HEADERS));

    expect(url.hostname.startsWith(BUCKET) || url.pathname.startsWith(`/${BUCKET}/`)).toBe(true);
    expect(decodeURIComponent(url.pathname)).toContain(KEY);
    expect(url.searchParams.get('versionId')).toBe('v-1');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toBeTruthy();
  });
});
