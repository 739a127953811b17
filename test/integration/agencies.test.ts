import { readFileSync } from 'node:fs';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  getAgency,
  importAgencies,
  listAgencies,
  registryInUse,
} from '../../functions/lib/adapters/agencies';
import { parseAgencies } from '../../functions/lib/agencies/parse';
import { AgencyRegistryError } from '../../functions/lib/agencies/validate';
import { startTestTable, type TestTable } from '../../local/emulators/table';

const example = parseAgencies(
  readFileSync(new URL('../../examples/agencies.csv', import.meta.url), 'utf8'),
  'agencies.csv',
).agencies;

let db: TestTable;

beforeAll(async () => {
  db = await startTestTable();
});

afterAll(async () => {
  await db?.close();
});

afterEach(async () => {
  for (const agency of await listAgencies(db.doc, db.tableName)) {
    await db.doc.send(
      new DeleteCommand({ TableName: db.tableName, Key: { PK: `AGENCY#${agency.code}`, SK: 'PROFILE' } }),
    );
  }
});

describe('whether an agency registry is kept', () => {
  it('is not while the registry is empty, and is once one agency is imported', async () => {
    expect(await registryInUse(db.doc, db.tableName)).toBe(false);
    await importAgencies(db.doc, db.tableName, example.slice(0, 1));
    expect(await registryInUse(db.doc, db.tableName)).toBe(true);
  });

  it('keeps optional aliases through an import, and removes them when the file drops them', async () => {
    const [first] = example;
    if (!first) throw new Error('No example agency');
    await importAgencies(db.doc, db.tableName, [{ ...first, aliases: ['Pemkot Contoh'] }]);
    expect((await getAgency(db.doc, db.tableName, first.code))?.aliases).toEqual(['Pemkot Contoh']);
    await importAgencies(db.doc, db.tableName, [first]);
    expect(await getAgency(db.doc, db.tableName, first.code)).not.toHaveProperty('aliases');
  });
});

describe('importing the agency registry into DynamoDB Local', () => {
  it('creates every agency once and lists them ordered by code', async () => {
    const progress: Array<[number, number]> = [];
    const shuffled = [...example].reverse();
    const result = await importAgencies(db.doc, db.tableName, shuffled, {
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result).toEqual({ created: example.length, updated: 0, unchanged: 0 });
    expect(progress.at(-1)).toEqual([example.length, example.length]);
    const listed = await listAgencies(db.doc, db.tableName);
    expect(listed.map((a) => a.code)).toEqual(example.map((a) => a.code).sort());
    expect(await getAgency(db.doc, db.tableName, 'pemkot-surabaya')).toEqual(
      example.find((a) => a.code === 'pemkot-surabaya'),
    );
    expect(await getAgency(db.doc, db.tableName, 'pemkot-atlantis')).toBeUndefined();
  });

  it('changes nothing when the same file is imported again', async () => {
    expect((await importAgencies(db.doc, db.tableName, example)).created).toBe(example.length);
    const before = await listAgencies(db.doc, db.tableName);
    expect(await importAgencies(db.doc, db.tableName, example)).toEqual({
      created: 0,
      updated: 0,
      unchanged: example.length,
    });
    expect(await listAgencies(db.doc, db.tableName)).toEqual(before);
  });

  it('updates a changed agency and keeps nothing stale, leaving fields of later features alone', async () => {
    await importAgencies(db.doc, db.tableName, example);
    const key = { PK: 'AGENCY#pemkot-surabaya', SK: 'PROFILE' };
    // A field the import does not own (a later feature's), which an update must not erase.
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: key,
        UpdateExpression: 'SET #other = :v',
        ExpressionAttributeNames: { '#other': 'linkGeneration' },
        ExpressionAttributeValues: { ':v': 2 },
      }),
    );
    const changed = example.map((a) =>
      a.code === 'pemkot-surabaya'
        ? { ...a, regency: undefined, kind: 'province' as const, contacts: ['baru.surabaya@example.go.id'] }
        : a,
    );
    expect(await importAgencies(db.doc, db.tableName, changed)).toEqual({
      created: 0,
      updated: 1,
      unchanged: example.length - 1,
    });
    const item = (
      await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }))
    ).Item!;
    expect(item.regency).toBeUndefined();
    expect(item.kind).toBe('province');
    expect(item.contacts).toEqual(['baru.surabaya@example.go.id']);
    expect(item.linkGeneration).toBe(2);
    expect(item.GSI2PK).toBe('AGENCIES');
    expect(await getAgency(db.doc, db.tableName, 'pemkot-surabaya')).toEqual(
      changed.find((a) => a.code === 'pemkot-surabaya'),
    );
  });

  it('imports nothing at all when one agency is invalid', async () => {
    const broken = [...example, { ...example[0]!, contacts: ['not-an-email'] }];
    const error = await importAgencies(db.doc, db.tableName, broken).catch((e) => e);
    expect(error).toBeInstanceOf(AgencyRegistryError);
    expect(error.problems.map((p: { line: number; field: string }) => [p.line, p.field])).toEqual([
      [broken.length, 'contacts'],
      [broken.length, 'code'],
    ]);
    expect(await listAgencies(db.doc, db.tableName)).toEqual([]);
  });
});
