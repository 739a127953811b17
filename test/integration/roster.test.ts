import { readFileSync } from 'node:fs';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../functions/lib/adapters/profile-file';
import { importRoster, listReviewers, RosterReader } from '../../functions/lib/adapters/roster';
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

describe('the roster as Assign reads it (a reader a sandbox keeps)', () => {
  /** The requests the table client sends while `work` runs: command and input. */
  async function requestsOf(work: () => Promise<unknown>) {
    const sent: Array<{ command: string; input: Record<string, unknown> }> = [];
    const name = 'count-roster-requests';
    db.doc.middlewareStack.add(
      (next, context) => (args) => {
        sent.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      await work();
    } finally {
      db.doc.middlewareStack.remove(name);
    }
    return sent;
  }
  const revisionOf = async (id: string) =>
    (
      await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: { PK: `REVIEWER#${id}`, SK: 'PROFILE' },
          ConsistentRead: true,
        }),
      )
    ).Item?.revision;

  it('gives the item a new revision only when an import changes it', async () => {
    await importRoster(db.doc, db.tableName, example);
    const first = await revisionOf('ui-01');
    expect(first).toEqual(expect.any(String));
    await importRoster(db.doc, db.tableName, example);
    expect(await revisionOf('ui-01')).toBe(first);
    await importRoster(
      db.doc,
      db.tableName,
      example.map((r) => (r.id === 'ui-01' ? { ...r, capacity: r.capacity + 1 } : r)),
    );
    const second = await revisionOf('ui-01');
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);
  });

  it('lists what a full listing lists; once warm it reads only loads and revisions', async () => {
    await importRoster(db.doc, db.tableName, example);
    const reader = new RosterReader(db.doc, db.tableName);
    expect(await reader.list()).toEqual(await listReviewers(db.doc, db.tableName));
    // Assignment moves a load: not an import, no new revision.
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: { PK: 'REVIEWER#unair-01', SK: 'PROFILE' },
        UpdateExpression: 'SET #load = :load',
        ExpressionAttributeNames: { '#load': 'load' },
        ExpressionAttributeValues: { ':load': 3 },
      }),
    );
    let listed: unknown;
    const sent = await requestsOf(async () => {
      listed = await reader.list();
    });
    const full = await listReviewers(db.doc, db.tableName);
    expect(full.find((r) => r.id === 'unair-01')?.load).toBe(3);
    expect(listed).toEqual(full);
    expect(sent.map((r) => r.command)).toEqual(['QueryCommand']);
    expect(sent[0]?.input.ProjectionExpression).toBe('#id, #load, #revision');
  });

  it('sees an import’s changes and new reviewers at the next call, reading only those by id', async () => {
    await importRoster(db.doc, db.tableName, example);
    const reader = new RosterReader(db.doc, db.tableName);
    await reader.list();
    const newcomer = { ...example[0]!, id: 'zz-new-01', email: 'baru@example.org', load: 0 };
    await importRoster(db.doc, db.tableName, [
      ...example.map((r) => (r.id === 'ui-01' ? { ...r, active: false, expertise: ['Pendidikan'] } : r)),
      newcomer,
    ]);
    let listed: Awaited<ReturnType<RosterReader['list']>> = [];
    const sent = await requestsOf(async () => {
      listed = await reader.list();
    });
    expect(listed).toEqual(await listReviewers(db.doc, db.tableName));
    expect(listed.find((r) => r.id === 'ui-01')).toMatchObject({ active: false, expertise: ['Pendidikan'] });
    expect(listed.map((r) => r.id)).toContain('zz-new-01');
    expect(sent.map((r) => r.command)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    const asked = JSON.stringify(sent[1]?.input);
    expect(asked.match(/REVIEWER#[^"]+/g)?.sort()).toEqual(['REVIEWER#ui-01', 'REVIEWER#zz-new-01']);
  });

  it('refuses a warm listing with a malformed load, naming the reviewer', async () => {
    await importRoster(db.doc, db.tableName, example);
    const reader = new RosterReader(db.doc, db.tableName);
    await reader.list();
    const setLoad = (load: number) =>
      db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: { PK: 'REVIEWER#ui-01', SK: 'PROFILE' },
          UpdateExpression: 'SET #load = :load',
          ExpressionAttributeNames: { '#load': 'load' },
          ExpressionAttributeValues: { ':load': load },
        }),
      );
    await setLoad(-1);
    try {
      await expect(reader.list()).rejects.toThrow(/Malformed reviewer item REVIEWER#ui-01: .*at load/s);
    } finally {
      await setLoad(0);
    }
  });

  it('lists in full again when more than 50 reviewers changed, and drops reviewers no longer listed', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      ...example[0]!,
      id: `bulk-${String(i).padStart(2, '0')}`,
      email: `bulk${i}@example.org`,
    }));
    await importRoster(db.doc, db.tableName, many);
    const reader = new RosterReader(db.doc, db.tableName);
    expect(await reader.list()).toHaveLength(60);
    await importRoster(
      db.doc,
      db.tableName,
      many.map((r) => ({ ...r, capacity: r.capacity + 1 })),
    );
    await db.doc.send(
      new DeleteCommand({ TableName: db.tableName, Key: { PK: 'REVIEWER#bulk-00', SK: 'PROFILE' } }),
    );
    let listed: Awaited<ReturnType<RosterReader['list']>> = [];
    const sent = await requestsOf(async () => {
      listed = await reader.list();
    });
    expect(listed).toEqual(await listReviewers(db.doc, db.tableName));
    expect(listed).toHaveLength(59);
    expect(listed.every((r) => r.capacity === many[0]!.capacity + 1)).toBe(true);
    expect(sent.map((r) => [r.command, r.input.ProjectionExpression])).toEqual([
      ['QueryCommand', '#id, #load, #revision'],
      ['QueryCommand', undefined],
    ]);
  });
});
