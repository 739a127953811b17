import { readFileSync } from 'node:fs';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../functions/lib/adapters/profile-file';
import { importRoster, listReviewers } from '../../functions/lib/adapters/roster';
import { parseRoster } from '../../functions/lib/roster/parse';
import { RosterError } from '../../functions/lib/roster/validate';
import { startTestTable, type TestTable } from '../../local/emulators/table';

const kipp = loadProfile('kipp');
const example = parseRoster(
  readFileSync(new URL('../../examples/reviewers.csv', import.meta.url), 'utf8'),
  'reviewers.csv',
  kipp,
).reviewers;

let db: TestTable;

beforeAll(async () => {
  db = await startTestTable();
});

afterAll(async () => {
  await db?.close();
});

afterEach(async () => {
  for (const reviewer of await listReviewers(db.doc, db.tableName)) {
    await db.doc.send(
      new DeleteCommand({ TableName: db.tableName, Key: { PK: `REVIEWER#${reviewer.id}`, SK: 'PROFILE' } }),
    );
  }
});

describe('importing the roster into DynamoDB Local', () => {
  it('creates every reviewer once, with load 0, and lists them by id', async () => {
    const progress: Array<[number, number]> = [];
    const result = await importRoster(db.doc, db.tableName, example, {
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result).toEqual({ created: example.length, updated: 0, unchanged: 0 });
    expect(progress.at(-1)).toEqual([example.length, example.length]);
    const listed = await listReviewers(db.doc, db.tableName);
    expect(listed.map((r) => r.id)).toEqual(example.map((r) => r.id).sort());
    expect(listed.every((r) => r.load === 0)).toBe(true);
    expect(listed.find((r) => r.id === 'unair-01')?.conflicts).toEqual([
      'Dinas Kesehatan Kota Surabaya',
      'Pemerintah Kota Surabaya',
    ]);
  });

  it('changes nothing when the same file is imported again', async () => {
    await importRoster(db.doc, db.tableName, example);
    const before = await listReviewers(db.doc, db.tableName);
    expect(await importRoster(db.doc, db.tableName, example)).toEqual({
      created: 0,
      updated: 0,
      unchanged: example.length,
    });
    expect(await listReviewers(db.doc, db.tableName)).toEqual(before);
  });

  it('updates a changed row without losing the reviewer’s current load', async () => {
    await importRoster(db.doc, db.tableName, example);
    const key = { PK: 'REVIEWER#ui-01', SK: 'PROFILE' };
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: key,
        UpdateExpression: 'SET #load = :load',
        ExpressionAttributeNames: { '#load': 'load' },
        ExpressionAttributeValues: { ':load': 4 },
      }),
    );
    const changed = example.map((r) =>
      r.id === 'ui-01'
        ? { ...r, capacity: 20, conflicts: [...r.conflicts, 'Pemerintah Kota Bogor'], regency: undefined }
        : r,
    );
    expect(await importRoster(db.doc, db.tableName, changed)).toEqual({
      created: 0,
      updated: 1,
      unchanged: example.length - 1,
    });
    const item = (
      await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }))
    ).Item!;
    expect(item.load).toBe(4);
    expect(item.capacity).toBe(20);
    expect(item.conflicts).toContain('Pemerintah Kota Bogor');
    expect(item.regency).toBeUndefined();
    expect(item.GSI2PK).toBe('REVIEWERS');
  });

  it('keeps the government a reviewer works for, updates it and removes it when the file drops it', async () => {
    const official = {
      ...example[0]!,
      id: 'depok-01',
      email: 'agus@depok.go.id',
      institution: 'Bappeda Kota Depok',
      government: 'Pemerintah Kota Depok',
    };
    const key = { PK: 'REVIEWER#depok-01', SK: 'PROFILE' };
    const stored = async () =>
      (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }))).Item!;
    expect(await importRoster(db.doc, db.tableName, [official])).toMatchObject({ created: 1 });
    expect((await listReviewers(db.doc, db.tableName))[0]?.government).toBe('Pemerintah Kota Depok');
    expect(await importRoster(db.doc, db.tableName, [official])).toMatchObject({ unchanged: 1 });
    const moved = { ...official, government: 'Pemerintah Kota Bogor' };
    expect(await importRoster(db.doc, db.tableName, [moved])).toMatchObject({ updated: 1 });
    expect((await stored()).government).toBe('Pemerintah Kota Bogor');
    const { government: _dropped, ...withoutGovernment } = moved;
    expect(await importRoster(db.doc, db.tableName, [withoutGovernment])).toMatchObject({ updated: 1 });
    expect(await stored()).not.toHaveProperty('government');
    expect((await listReviewers(db.doc, db.tableName))[0]).not.toHaveProperty('government');
  });

  it('imports nothing at all when one reviewer is invalid', async () => {
    const broken = [...example, { ...example[0]!, id: 'copy', capacity: 0 }];
    const error = await importRoster(db.doc, db.tableName, broken).catch((e) => e);
    expect(error).toBeInstanceOf(RosterError);
    expect(error.problems.map((p: { line: number; field: string }) => [p.line, p.field])).toEqual([
      [broken.length, 'capacity'],
      [broken.length, 'email'],
    ]);
    expect(await listReviewers(db.doc, db.tableName)).toEqual([]);
  });
});
