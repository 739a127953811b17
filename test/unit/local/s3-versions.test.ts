/**
 * The local S3 (s3rver) with object versions for a versioned bucket, as the real bucket has: every write of a key
 * gets a new version id (in the response and in the event), and reads by version id serve that version's body.
 */
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningS3, type S3ObjectEvent, startS3 } from '../../../local/emulators/s3';

const VERSIONED = 'proposals-uploads';
const PLAIN = 'plain-bucket';
let s3rver: RunningS3;
let s3: S3Client;
const events: S3ObjectEvent[] = [];

beforeAll(async () => {
  s3rver = await startS3([{ name: VERSIONED, versioned: true }, PLAIN], (event) => events.push(event));
  s3 = new S3Client({
    endpoint: s3rver.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
});

afterAll(async () => {
  s3?.destroy();
  await s3rver?.stop();
});

beforeEach(() => {
  events.length = 0;
});

const put = (Key: string, Body: string, Bucket = VERSIONED) =>
  s3.send(new PutObjectCommand({ Bucket, Key, Body }));
const read = async (Key: string, VersionId?: string) => {
  const out = await s3.send(new GetObjectCommand({ Bucket: VERSIONED, Key, VersionId }));
  return { body: await out.Body?.transformToString(), versionId: out.VersionId };
};

describe('object versions on the local S3', () => {
  it('gives each PutObject of a key a new version id, in the response and in its event', async () => {
    const key = 'incoming/pemkot-surabaya/proposal.md';
    const first = await put(key, 'the same bytes');
    const second = await put(key, 'the same bytes');
    expect(first.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(second.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(second.VersionId).not.toBe(first.VersionId);
    expect(second.ETag).toBe(first.ETag);
    expect(events.map((e) => [e.eventName, e.key, e.versionId])).toEqual([
      ['ObjectCreated:Put', key, first.VersionId],
      ['ObjectCreated:Put', key, second.VersionId],
    ]);
  });

  it('serves each version by its id (GetObject, HeadObject, ranges, presigned links); the latest without one', async () => {
    const key = 'incoming/pemkab-sleman/revised.md';
    const v1 = await put(key, 'first version');
    const v2 = await put(key, 'second, longer version');
    expect(await read(key, v1.VersionId)).toEqual({ body: 'first version', versionId: v1.VersionId });
    expect(await read(key, v2.VersionId)).toEqual({
      body: 'second, longer version',
      versionId: v2.VersionId,
    });
    expect(await read(key)).toEqual({ body: 'second, longer version', versionId: v2.VersionId });
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: VERSIONED, Key: key, VersionId: v1.VersionId }),
    );
    expect(head.ContentLength).toBe('first version'.length);
    const range = await s3.send(
      new GetObjectCommand({ Bucket: VERSIONED, Key: key, VersionId: v1.VersionId, Range: 'bytes=0-4' }),
    );
    expect(await range.Body?.transformToString()).toBe('first');
    const link = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: VERSIONED, Key: key, VersionId: v1.VersionId }),
      { expiresIn: 60 },
    );
    expect(await (await fetch(link)).text()).toBe('first version');
  });

  it('answers an unknown version id with NoSuchVersion', async () => {
    const key = 'incoming/pemkab-sleman/one.md';
    await put(key, 'x');
    await expect(read(key, 'no-such-version-id')).rejects.toMatchObject({
      name: 'NoSuchVersion',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('versions every way of writing an object: form POST, multipart upload, copy', async () => {
    const key = 'incoming/pemprov-jatim/form.md';
    const form = new FormData();
    form.append('key', key);
    form.append('file', new Blob(['posted from a form']), 'form.md');
    const posted = await fetch(`${s3rver.endpoint}/${VERSIONED}`, { method: 'POST', body: form });
    expect(posted.status).toBe(204);
    const postedVersion = posted.headers.get('x-amz-version-id');
    expect(postedVersion).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: VERSIONED, Key: key }));
    const part = await s3.send(
      new UploadPartCommand({ Bucket: VERSIONED, Key: key, UploadId, PartNumber: 1, Body: 'in one part' }),
    );
    const completed = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: VERSIONED,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    const copied = await s3.send(
      new CopyObjectCommand({
        Bucket: VERSIONED,
        Key: 'incoming/pemprov-jatim/copy.md',
        CopySource: `${VERSIONED}/${key}`,
      }),
    );
    const versions = [postedVersion, completed.VersionId, copied.VersionId];
    expect(new Set(versions).size).toBe(3);
    expect(events.map((e) => e.versionId)).toEqual(versions);
    expect(events.map((e) => e.eventName)).toEqual([
      'ObjectCreated:Post',
      'ObjectCreated:Post',
      'ObjectCreated:Copy',
    ]);
    expect((await read(key, postedVersion ?? '')).body).toBe('posted from a form');
    expect((await read(key, completed.VersionId)).body).toBe('in one part');
  });

  it('keeps the versions of a deleted key readable by id, as a delete marker would', async () => {
    const key = 'incoming/pemkab-garut/deleted.md';
    const v1 = await put(key, 'kept');
    await s3.send(new DeleteObjectCommand({ Bucket: VERSIONED, Key: key }));
    await expect(read(key)).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect((await read(key, v1.VersionId)).body).toBe('kept');
  });

  it('gives no version ids in a bucket without versioning, and lists only the declared buckets', async () => {
    const out = await put('incoming/a/b.md', 'plain', PLAIN);
    expect(out.VersionId).toBeUndefined();
    expect(events.map((e) => e.versionId)).toEqual([undefined]);
    const buckets = await s3.send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((b) => b.Name).sort()).toEqual([PLAIN, VERSIONED].sort());
  });
});
