import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NewProposal } from '../../../functions/lib/adapters/proposals';
import type { Agency } from '../../../functions/lib/agencies/schema';
import { proposalIdFor } from '../../../functions/lib/uploads';
import { mem } from './memory';
import {
  awsError,
  BUCKET,
  lambdaContext,
  restoreHandlerEnv,
  STATE_MACHINE_ARN,
  stubHandlerEnv,
} from './support';

vi.mock('../../../functions/lib/adapters/aws/dynamodb', () => import('./memory').then((m) => m.dynamoClient));
vi.mock('../../../functions/lib/adapters/proposals', () => import('./memory').then((m) => m.proposals));
vi.mock('../../../functions/lib/adapters/executions', () => import('./memory').then((m) => m.executions));
vi.mock('../../../functions/lib/adapters/agencies', () => import('./memory').then((m) => m.agencies));

let handler: typeof import('../../../functions/intake').handler;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/intake'));
});
afterAll(restoreHandlerEnv);

beforeEach(() => {
  mem.reset();
});

/** One S3 object-created record as S3 writes it (the key URL-encoded, `+` for a space). */
function s3Record(
  encodedKey: string,
  versionId = '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
  eventName = 'ObjectCreated:Put',
) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'ap-southeast-3',
    eventTime: '2025-06-29T23:58:01.000Z',
    eventName,
    s3: {
      s3SchemaVersion: '1.0',
      bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` },
      object: {
        key: encodedKey,
        size: 48_213,
        eTag: 'd41d8cd98f00b204e9800998ecf8427e',
        versionId,
        sequencer: '0065F1A2B3C4D5E6F7',
      },
    },
  };
}

let messageNo = 0;
function message(body: unknown): SQSRecord {
  messageNo += 1;
  return {
    messageId: `msg-${messageNo}`,
    receiptHandle: `handle-${messageNo}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1751241481000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1751241481001',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-southeast-3:123456789012:proposal-intake',
    awsRegion: 'ap-southeast-3',
  };
}

const upload = (encodedKey: string, versionId?: string) =>
  message({ Records: [s3Record(encodedKey, versionId)] });
const sqs = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
/** The executions started, in order, with their input. */
const starts = () => [...mem.executions.values()];

/** Agencies as examples/agencies.csv registers them. */
const SURABAYA: Agency = {
  code: 'pemkot-surabaya',
  name: 'Pemerintah Kota Surabaya',
  parent: 'Pemerintah Kota Surabaya',
  province: 'Jawa Timur',
  regency: 'Kota Surabaya',
  kind: 'city',
  contacts: ['inovasi.surabaya@example.go.id'],
  language: 'id',
};
const JATIM: Agency = {
  code: 'pemprov-jatim',
  name: 'Pemerintah Provinsi Jawa Timur',
  parent: 'Pemerintah Provinsi Jawa Timur',
  province: 'Jawa Timur',
  kind: 'province',
  contacts: ['inovasi.jatim@example.go.id'],
  language: 'id',
};

describe('intake of an uploaded proposal', () => {
  it('registers a new upload once and starts one execution named after the proposal', async () => {
    mem.seedAgency(SURABAYA);
    const key = 'incoming/pemkot-surabaya/01-dinkes-surabaya-umum.md';
    const result = await handler(sqs(upload(key, 'v-1')), lambdaContext('intake'));

    expect(result.batchItemFailures).toEqual([]);
    const id = proposalIdFor(BUCKET, key, 'v-1');

    expect(starts()).toHaveLength(1);
    const start = starts()[0]!;
    expect(start.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(start.name).toBe(id);
    expect(start.input).toEqual({
      proposalId: id,
      bucket: BUCKET,
      key,
      versionId: 'v-1',
      agency: 'pemkot-surabaya',
    });
    const stored = mem.proposal(id);
    expect(stored).toMatchObject({ status: 'RECEIVED', agency: 'pemkot-surabaya', key, versionId: 'v-1' });
    expect(mem.history(id)).toEqual([{ status: 'RECEIVED', note: 'Upload received' }]);

    // A repeated notification of the same upload registers nothing twice and starts nothing twice.
    const again = await handler(sqs(upload(key, 'v-1')), lambdaContext('intake'));
    expect(again.batchItemFailures).toEqual([]);
    expect(mem.executions.size).toBe(1);
    expect(mem.history(id)).toHaveLength(1);
  });

  it('records the name, parent government, province, regency and kind of a registered agency from the registry', async () => {
    mem.seedAgency(SURABAYA, JATIM);
    const city = 'incoming/pemkot-surabaya/01-dinkes-surabaya-umum.md';
    const province = 'incoming/pemprov-jatim/03-bapenda-jatim-khusus.pdf';
    await handler(sqs(upload(city, 'v-1'), upload(province, 'v-1')), lambdaContext('intake'));

    expect(mem.proposal(proposalIdFor(BUCKET, city, 'v-1'))).toMatchObject({
      status: 'RECEIVED',
      agency: 'pemkot-surabaya',
      agencyName: SURABAYA.name,
      parentGovernment: 'Pemerintah Kota Surabaya',
      province: 'Jawa Timur',
      regency: 'Kota Surabaya',
      agencyKind: 'city',
    });
    const provincial = mem.proposal(proposalIdFor(BUCKET, province, 'v-1'));
    expect(provincial).toMatchObject({
      parentGovernment: 'Pemerintah Provinsi Jawa Timur',
      province: 'Jawa Timur',
      agencyKind: 'province',
    });
    expect(provincial).not.toHaveProperty('regency');
    expect(starts()).toHaveLength(2);
  });

  it('lets an upload from an agency missing from the registry go on as before, saying so in its history', async () => {
    mem.seedAgency(JATIM);
    const key = 'incoming/pemkab-sleman/02-disdik-sleman-replikasi.docx';
    const result = await handler(sqs(upload(key, 'v-1')), lambdaContext('intake'));

    expect(result.batchItemFailures).toEqual([]);
    const id = proposalIdFor(BUCKET, key, 'v-1');
    const stored = mem.proposal(id);
    expect(stored).toMatchObject({ status: 'RECEIVED', agency: 'pemkab-sleman' });
    for (const field of ['agencyName', 'parentGovernment', 'province', 'regency', 'agencyKind']) {
      expect(stored).not.toHaveProperty(field);
    }
    expect(starts().map((s) => s.name)).toEqual([id]);
    expect(mem.history(id)).toEqual([
      {
        status: 'RECEIVED',
        note: expect.stringMatching(/^Upload received; agency pemkab-sleman is not in the agency registry/),
      },
    ]);
  });

  it('starts no second execution when the same notification arrives again', async () => {
    const record = upload('incoming/pemkab-sleman/02-disdik-sleman-replikasi.docx', 'v-7');
    await handler(sqs(record), lambdaContext('intake'));
    const again = await handler(sqs({ ...record, messageId: 'redelivered' }), lambdaContext('intake'));

    expect(again.batchItemFailures).toEqual([]);
    expect(starts()).toHaveLength(1);
    const id = proposalIdFor(BUCKET, 'incoming/pemkab-sleman/02-disdik-sleman-replikasi.docx', 'v-7');
    expect(mem.history(id)).toHaveLength(1);
  });

  it('gives a new version of the same file its own proposal and execution', async () => {
    const key = 'incoming/pemkab-sleman/proposal.docx';
    await handler(sqs(upload(key, 'v-1'), upload(key, 'v-2')), lambdaContext('intake'));

    expect(starts().map((s) => s.name)).toEqual([
      proposalIdFor(BUCKET, key, 'v-1'),
      proposalIdFor(BUCKET, key, 'v-2'),
    ]);
  });

  it('treats an execution that already exists as started (no failure)', async () => {
    const key = 'incoming/pemprov-jatim/03-bapenda-jatim-khusus.pdf';
    const id = proposalIdFor(BUCKET, key, 'v-1');
    const earlier = { stateMachineArn: STATE_MACHINE_ARN, name: id, input: { proposalId: id } };
    mem.executions.set(id, earlier);
    const result = await handler(sqs(upload(key, 'v-1')), lambdaContext('intake'));

    expect(result.batchItemFailures).toEqual([]);
    expect(starts()).toEqual([earlier]);
    expect(mem.proposal(id).status).toBe('RECEIVED');
  });

  it.each([
    ['outside incoming/', 'uploads/pemkot-surabaya/proposal.pdf', /not under incoming\//],
    ['directly in incoming/', 'incoming/proposal.pdf', /incoming\/<agency>\/<file>/],
    ['in a sub-folder', 'incoming/pemkot-surabaya/2025/proposal.pdf', /one agency folder/],
    ['with ..', 'incoming/pemkot-surabaya/../pemkot-bandung/proposal.pdf', /"\.\."/],
    ['with an encoded ..', 'incoming/pemkot-surabaya/%2E%2E/proposal.pdf', /"\.\."/],
    [
      'with an upper-case agency code',
      'incoming/Pemkot_Surabaya/proposal.pdf',
      /agency code "Pemkot_Surabaya"/,
    ],
  ])('records an upload %s as REJECTED with the reason and starts nothing', async (_, encodedKey, reason) => {
    const result = await handler(sqs(upload(encodedKey, 'v-1')), lambdaContext('intake'));

    expect(result.batchItemFailures).toEqual([]);
    expect(starts()).toEqual([]);
    const key = decodeURIComponent(encodedKey);
    const stored = mem.proposal(proposalIdFor(BUCKET, key, 'v-1'));
    expect(stored.status).toBe('REJECTED');
    expect(stored.reason).toMatch(reason);
    expect(stored.agency).toBe('unknown');
  });

  it.each([
    [
      '+ for spaces',
      'incoming/pemkot-bandung/Proposal+KIPP+2025.pdf',
      'incoming/pemkot-bandung/Proposal KIPP 2025.pdf',
    ],
    [
      '%20 for spaces',
      'incoming/pemkot-bandung/Proposal%20KIPP.pdf',
      'incoming/pemkot-bandung/Proposal KIPP.pdf',
    ],
    ['an encoded plus sign', 'incoming/pemkot-bandung/A%2BB.md', 'incoming/pemkot-bandung/A+B.md'],
    [
      'unicode',
      'incoming/pemkab-garut/Inovasi+%E2%80%93+Layanan+Ibu+%26+Anak+%28RSUD%29.docx',
      'incoming/pemkab-garut/Inovasi – Layanan Ibu & Anak (RSUD).docx',
    ],
  ])('decodes keys written with %s before using them', async (_, encodedKey, key) => {
    await handler(sqs(upload(encodedKey, 'v-1')), lambdaContext('intake'));

    const id = proposalIdFor(BUCKET, key, 'v-1');
    expect(mem.proposal(id)).toMatchObject({ key, status: 'RECEIVED' });
    expect(starts()[0]?.input).toMatchObject({ key });
  });

  it('ignores the test event S3 sends when the notification is configured', async () => {
    const result = await handler(
      sqs(
        message({
          Service: 'Amazon S3',
          Event: 's3:TestEvent',
          Time: '2025-06-01T00:00:00.000Z',
          Bucket: BUCKET,
        }),
      ),
      lambdaContext('intake'),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(mem.proposals.size).toBe(0);
    expect(starts()).toEqual([]);
  });

  it('ignores events other than object creation', async () => {
    const removed = message({
      Records: [s3Record('incoming/pemkot-surabaya/a.pdf', 'v-1', 'ObjectRemoved:Delete')],
    });
    const result = await handler(sqs(removed), lambdaContext('intake'));

    expect(result.batchItemFailures).toEqual([]);
    expect(mem.proposals.size).toBe(0);
    expect(starts()).toEqual([]);
  });

  it('reports only the malformed messages of a batch for retry and processes the others', async () => {
    const good = upload('incoming/pemkot-makassar/proposal.docx', 'v-1');
    const notJson = message('{"Records": [');
    const notS3 = message({ hello: 'world' });
    const alsoGood = upload('incoming/pemkab-kupang/proposal.pdf', 'v-1');
    const result = await handler(sqs(good, notJson, notS3, alsoGood), lambdaContext('intake'));

    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: notJson.messageId },
      { itemIdentifier: notS3.messageId },
    ]);
    expect(starts()).toHaveLength(2);
  });

  it('hands a throttled message back to the queue without losing the others', async () => {
    const throttledKey = 'incoming/pemkot-medan/proposal.pdf';
    mem.faults.push((operation, input) =>
      operation === 'proposals.register' && (input as NewProposal).key === throttledKey
        ? awsError('ProvisionedThroughputExceededException')
        : undefined,
    );
    const throttled = upload(throttledKey, 'v-1');
    const fine = upload('incoming/pemkot-surabaya/proposal.pdf', 'v-1');
    const result = await handler(sqs(throttled, fine), lambdaContext('intake'));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: throttled.messageId }]);
    expect(starts().map((s) => (s.input as { key: string }).key)).toEqual([
      'incoming/pemkot-surabaya/proposal.pdf',
    ]);
  });
});
