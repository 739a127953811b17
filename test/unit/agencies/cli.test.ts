import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { agenciesImportCommand, agenciesListCommand } from '../../../cli/commands/agencies';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const TABLE = 'proposals-test';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ddb = mockClient(DynamoDBDocumentClient);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    deps: { doc, table: TABLE, out: (t: string) => out.push(t), err: (t: string) => err.push(t) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const depok = {
  PK: 'AGENCY#dinkes-kota-depok',
  SK: 'PROFILE',
  GSI2PK: 'AGENCIES',
  GSI2SK: 'dinkes-kota-depok',
  code: 'dinkes-kota-depok',
  name: 'Dinas Kesehatan Kota Depok',
  parent: 'Pemerintah Kota Depok',
  province: 'Jawa Barat',
  regency: 'Kota Depok',
  kind: 'city',
  contacts: ['dinkes.depok@example.go.id'],
  language: 'id',
};

beforeEach(() => {
  ddb.reset();
});

describe('proposals agencies import', () => {
  it('imports the example registry, writing each agency under its code and the AGENCIES listing', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddb.on(PutCommand).resolves({});
    const io = capture();
    const code = await agenciesImportCommand(path('../../../examples/agencies.csv'), {}, io.deps);
    expect(code).toBe(0);
    expect(io.out()).toBe('14 instansi: 14 baru, 0 diperbarui, 0 tidak berubah.\n');
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts).toHaveLength(14);
    const surabaya = puts.find((p) => p.Item?.code === 'pemkot-surabaya');
    expect(surabaya?.Item).toMatchObject({
      PK: 'AGENCY#pemkot-surabaya',
      SK: 'PROFILE',
      GSI2PK: 'AGENCIES',
      GSI2SK: 'pemkot-surabaya',
      parent: 'Pemerintah Kota Surabaya',
      province: 'Jawa Timur',
      regency: 'Kota Surabaya',
      kind: 'city',
    });
    expect(surabaya?.ConditionExpression).toBe('attribute_not_exists(PK)');
  });

  it('updates a changed agency in place and counts the rest unchanged', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ ...depok, regency: 'Kota Bogor' }] } });
    ddb.on(UpdateCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const io = capture();
    expect(
      await agenciesImportCommand(path('../../fixtures/agencies/valid.csv'), { lang: 'en' }, io.deps),
    ).toBe(0);
    expect(io.out()).toBe('2 agencies: 1 created, 1 updated, 0 unchanged.\n');
    const update = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.Key).toEqual({ PK: 'AGENCY#dinkes-kota-depok', SK: 'PROFILE' });
    expect(update.ExpressionAttributeValues?.[':regency']).toBe('Kota Depok');
  });

  it('lists every problem with its line and imports nothing when the registry is wrong', async () => {
    const io = capture();
    const code = await agenciesImportCommand(
      path('../../fixtures/agencies/errors.csv'),
      { lang: 'en' },
      io.deps,
    );
    expect(code).toBe(1);
    expect(io.err()).toContain('The agency registry has 9 problem(s); nothing was imported:');
    expect(io.err()).toContain('  line 4, code: code "ok-agency" is already used on line 2');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers in JSON when asked', async () => {
    const io = capture();
    const code = await agenciesImportCommand(
      path('../../fixtures/agencies/errors.csv'),
      { json: true },
      io.deps,
    );
    expect(code).toBe(1);
    const parsed = JSON.parse(io.out());
    expect(parsed.imported).toBe(false);
    expect(parsed.problems[1]).toEqual({
      line: 4,
      field: 'code',
      message: 'kode "ok-agency" sudah dipakai di baris 2',
      messageEn: 'code "ok-agency" is already used on line 2',
    });
  });

  it('says so when the file cannot be read', async () => {
    const io = capture();
    expect(await agenciesImportCommand(path('./missing.csv'), {}, io.deps)).toBe(2);
    expect(io.err()).toMatch(/tidak dapat dibaca \(ENOENT\)/);
  });

  it('shows progress on standard error for a large registry, keeping standard output for the result', async () => {
    const header = 'code,name,parent,province,regency,kind,contacts\n';
    const rows = Array.from(
      { length: 150 },
      (_, i) =>
        `pemkab-${i},Pemkab ${i},Pemerintah Kabupaten ${i},Jawa Tengah,Kabupaten ${i},regency,a${i}@example.go.id`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'agencies-'));
    try {
      writeFileSync(join(dir, 'big.csv'), header + rows.join('\n'));
      ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
      ddb.on(PutCommand).resolves({});
      const io = capture();
      const isTTY = process.stderr.isTTY;
      process.stderr.isTTY = false;
      try {
        expect(await agenciesImportCommand(join(dir, 'big.csv'), { lang: 'en' }, io.deps)).toBe(0);
      } finally {
        process.stderr.isTTY = isTTY;
      }
      expect(io.out()).toBe('150 agencies: 150 created, 0 updated, 0 unchanged.\n');
      expect(io.err()).toContain('  150/150 agencies written\n');
      expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('proposals agencies list', () => {
  it('prints a table of code, name, parent, province, regency, kind and contacts', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        depok,
        { ...depok, code: 'kemenkes', name: 'Kementerian Kesehatan', kind: 'ministry', regency: undefined },
      ],
    });
    const io = capture();
    expect(await agenciesListCommand({}, io.deps)).toBe(0);
    const lines = io.out().split('\n');
    expect(lines[0]).toMatch(/^Kode\s+Nama\s+Induk\s+Provinsi\s+Kab\/Kota\s+Jenis\s+Kontak$/);
    expect(lines[2]).toMatch(
      /^dinkes-kota-depok\s+Dinas Kesehatan Kota Depok\s+Pemerintah Kota Depok\s+Jawa Barat\s+Kota Depok\s+city\s+dinkes\.depok@example\.go\.id$/,
    );
    expect(lines[3]).toMatch(/^kemenkes\s+Kementerian Kesehatan\s+.*\s-\s+ministry\s/);
    expect(io.out()).toContain('2 instansi.');
    const query = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query.IndexName).toBe('GSI2');
    expect(query.ExpressionAttributeValues).toEqual({ ':pk': 'AGENCIES' });
  });

  it('prints the registry as JSON, without storage keys', async () => {
    ddb.on(QueryCommand).resolves({ Items: [depok] });
    const io = capture();
    await agenciesListCommand({ json: true }, io.deps);
    const [first] = JSON.parse(io.out());
    expect(first.code).toBe('dinkes-kota-depok');
    expect(first.PK).toBeUndefined();
    expect(first.GSI2PK).toBeUndefined();
  });

  it('says how to start when the registry is empty', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const io = capture();
    await agenciesListCommand({ lang: 'en' }, io.deps);
    expect(io.out()).toBe(
      'No agencies yet. Import a registry with `proposals agencies import <file.csv>`.\n',
    );
  });
});
