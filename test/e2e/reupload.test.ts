/**
 * Re-uploads on the local runtime behave as on AWS, where the bucket is versioned: every PutObject of a key is a
 * new object version with its own version id, and the proposal id is derived from bucket/key/versionId. So the
 * same file uploaded twice under the same key is two proposals (the second then meets the duplicate-title
 * rule), a redelivered S3 event of one version is still one proposal, and each proposal keeps reading the bytes
 * of its own version after the key was overwritten.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Driver, EXAMPLES_DIR } from '../../local/driver';
import { type LocalRuntime, s3Notification, startLocalRuntime } from '../../local/runtime';
import { reviewIdOf } from './support/links';

let runtime: LocalRuntime;
let driver: Driver;

beforeAll(async () => {
  runtime = await startLocalRuntime();
  driver = new Driver(runtime);
  await driver.importRoster();
});

afterAll(async () => {
  await runtime?.stop();
});

const example = (file: string) => readFileSync(join(EXAMPLES_DIR, 'proposals', file));
const executionsNamed = (id: string) => [...runtime.sfn.executions.values()].filter((e) => e.name === id);
const executionsOfKey = (key: string) =>
  [...runtime.sfn.executions.values()].filter((e) => (JSON.parse(e.input) as { key?: string }).key === key);
const proposal = async (id: string) => {
  const found = await driver.store.get(id);
  if (!found) throw new Error(`Proposal ${id} is not registered`);
  return found;
};

describe('a re-upload under the same key, as on a versioned bucket', () => {
  const body = example('01-dinkes-surabaya-umum.md');
  let first: { id: string; key: string };
  let second: { id: string; key: string };

  it('makes the same file uploaded twice two proposals, each with its own version id', async () => {
    first = await driver.upload('pemkot-surabaya', 'sehati.md', body);
    await runtime.settle();
    second = await driver.upload('pemkot-surabaya', 'sehati.md', body);
    await runtime.settle();

    expect(second.key).toBe(first.key);
    expect(second.id).not.toBe(first.id);
    const [a, b] = [await proposal(first.id), await proposal(second.id)];
    expect(a.versionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(b.versionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(b.versionId).not.toBe(a.versionId);
    expect(b.etag).toBe(a.etag);
    expect(executionsNamed(first.id)).toHaveLength(1);
    expect(executionsNamed(second.id)).toHaveLength(1);
    expect(JSON.parse(executionsNamed(second.id)[0]?.input ?? '{}')).toMatchObject({
      key: first.key,
      versionId: b.versionId,
    });
    // The first went to its reviewers; the second, the same proposal again, meets the duplicate-title rule.
    expect(a.status).toBe('IN_REVIEW');
    expect(b.status).toBe('REJECTED');
    expect(b.reason).toMatch(/sudah dipakai proposal lain/);
  });

  it('keeps a redelivered event of one version one proposal with one execution', async () => {
    const a = await proposal(first.id);
    const redelivered = JSON.stringify(
      s3Notification({
        eventName: 'ObjectCreated:Put',
        bucket: runtime.names.bucket,
        key: first.key,
        size: body.length,
        eTag: a.etag,
        versionId: a.versionId,
      }),
    );
    runtime.queue.send(redelivered);
    runtime.queue.send(redelivered);
    await runtime.settle();
    expect(executionsNamed(first.id)).toHaveLength(1);
    expect(executionsOfKey(first.key)).toHaveLength(2);
    const view = await driver.store.view(first.id);
    expect(view?.status).toBe('IN_REVIEW');
    expect(view?.history.filter((h) => h.status === 'RECEIVED')).toHaveLength(1);
  });

  it('lets each proposal read the bytes of its own version after the key was overwritten', async () => {
    const original = example('04-dlh-banyuwangi-umum.json');
    const v1 = await driver.upload('pemkab-banyuwangi', 'bank-sampah.json', original);
    await runtime.settle();
    const v2 = await driver.upload('pemkab-banyuwangi', 'bank-sampah.json', '{"not": "a proposal"}');
    await runtime.settle();

    // Validation read each version: the first is in review, the replacement is rejected for its own content.
    expect((await proposal(v1.id)).status).toBe('IN_REVIEW');
    expect((await proposal(v2.id)).status).toBe('REJECTED');

    // The review page of the first proposal links the file by version: the original bytes, not the latest.
    const view = await driver.store.view(v1.id);
    const reviewIds = new Set(view?.reviews.map((r) => r.reviewId));
    const link = (await driver.reviewLinks()).find((l) => reviewIds.has(reviewIdOf(l.link)));
    expect(link).toBeDefined();
    const page = await (await driver.get(link?.link ?? '')).text();
    const href = /href="([^"]*X-Amz-Signature[^"]*)"/.exec(page)?.[1]?.replace(/&amp;/g, '&');
    expect(href).toBeDefined();
    expect(new URL(href ?? '').searchParams.get('versionId')).toBe((await proposal(v1.id)).versionId);
    const download = await fetch(href ?? '');
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(original)).toBe(true);
  });
});
