import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { reviewersImportCommand, reviewersListCommand } from '../../../cli/commands/reviewers';

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

beforeEach(() => {
  ddb.reset();
});

describe('proposals reviewers import', () => {
  it('imports the example roster and says what it created', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddb.on(PutCommand).resolves({});
    const io = capture();
    const code = await reviewersImportCommand(path('../../../examples/reviewers.csv'), {}, io.deps);
    expect(code).toBe(0);
    expect(io.out()).toBe('41 penilai: 41 baru, 0 diperbarui, 0 tidak berubah.\n');
    expect(ddb.commandCalls(PutCommand)).toHaveLength(41);
  });

  it('lists every problem with its line and imports nothing when the roster is wrong', async () => {
    const io = capture();
    const code = await reviewersImportCommand(
      path('../../fixtures/rosters/errors.csv'),
      { lang: 'en' },
      io.deps,
    );
    expect(code).toBe(1);
    expect(io.err()).toContain('The roster has 8 problem(s); nothing was imported:');
    expect(io.err()).toContain(
      '  line 3, expertise: unknown category "Astronomi" in the competition profile',
    );
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers in JSON when asked', async () => {
    const io = capture();
    const code = await reviewersImportCommand(
      path('../../fixtures/rosters/errors.csv'),
      { json: true },
      io.deps,
    );
    expect(code).toBe(1);
    const parsed = JSON.parse(io.out());
    expect(parsed.imported).toBe(false);
    expect(parsed.problems[0]).toEqual({
      line: 3,
      field: 'expertise',
      message: 'kategori "Astronomi" tidak dikenal dalam profil kompetisi',
      messageEn: 'unknown category "Astronomi" in the competition profile',
    });
  });

  it('says so when the file cannot be read', async () => {
    const io = capture();
    expect(await reviewersImportCommand(path('./missing.csv'), {}, io.deps)).toBe(2);
    expect(io.err()).toMatch(/tidak dapat dibaca \(ENOENT\)/);
  });
});

describe('proposals reviewers list', () => {
  const reviewer = {
    PK: 'REVIEWER#ui-01',
    SK: 'PROFILE',
    id: 'ui-01',
    name: 'Dr. Lina Marlina',
    email: 'lina.marlina@example.ac.id',
    institution: 'Universitas Indonesia',
    expertise: ['kesehatan', 'pendidikan'],
    capacity: 10,
    load: 3,
    language: 'id',
    active: true,
    conflicts: [],
  };

  it('prints a table of id, name, institution, expertise, load/capacity and active', async () => {
    ddb
      .on(QueryCommand)
      .resolves({ Items: [reviewer, { ...reviewer, id: 'ugm-01', active: false, load: 0 }] });
    const io = capture();
    expect(await reviewersListCommand({}, io.deps)).toBe(0);
    const lines = io.out().split('\n');
    expect(lines[0]).toMatch(/^ID\s+Nama\s+Instansi\s+Keahlian\s+Beban\/Kapasitas\s+Aktif$/);
    expect(lines[2]).toMatch(
      /^ui-01\s+Dr\. Lina Marlina\s+Universitas Indonesia\s+kesehatan, pendidikan\s+3\/10\s+ya$/,
    );
    expect(lines[3]).toMatch(/tidak$/);
    expect(io.out()).toContain('2 penilai (1 aktif), beban 3 dari kapasitas 10.');
  });

  it('prints the roster as JSON, without storage keys', async () => {
    ddb.on(QueryCommand).resolves({ Items: [reviewer] });
    const io = capture();
    await reviewersListCommand({ json: true }, io.deps);
    const [first] = JSON.parse(io.out());
    expect(first.id).toBe('ui-01');
    expect(first.PK).toBeUndefined();
  });
});
