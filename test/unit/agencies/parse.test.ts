import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAgencies } from '../../../functions/lib/agencies/parse';
import type { Agency } from '../../../functions/lib/agencies/schema';
import { validateAgencies } from '../../../functions/lib/agencies/validate';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const fixture = (name: string) => read(`../../fixtures/agencies/${name}`);
const HEADER = 'code,name,parent,province,regency,kind,contacts,language';
const row = (cells: Partial<Record<string, string>>) =>
  [
    cells.code ?? 'pemkot-depok',
    cells.name ?? 'Pemerintah Kota Depok',
    cells.parent ?? 'Pemerintah Kota Depok',
    cells.province ?? 'Jawa Barat',
    cells.regency ?? 'Kota Depok',
    cells.kind ?? 'city',
    cells.contacts ?? 'inovasi.depok@example.go.id',
    cells.language ?? 'id',
  ]
    .map((c) => `"${c.replace(/"/g, '""')}"`)
    .join(',');
const one = (cells: Partial<Record<string, string>>) => parseAgencies(`${HEADER}\n${row(cells)}\n`, 'a.csv');

describe('parsing an agency registry', () => {
  it('reads Indonesian headers, Indonesian kinds, trims cells, lowercases and dedupes contacts, defaults the language', () => {
    const { agencies, errors } = parseAgencies(fixture('valid.csv'), 'valid.csv');
    expect(errors).toEqual([]);
    expect(agencies).toEqual([
      {
        code: 'dinkes-kota-depok',
        name: 'Dinas Kesehatan Kota Depok',
        parent: 'Pemerintah Kota Depok',
        province: 'Jawa Barat',
        regency: 'Kota Depok',
        kind: 'city',
        contacts: ['dinkes.depok@example.go.id', 'inovasi.depok@example.go.id'],
        language: 'id',
      },
      {
        code: 'kemenkes',
        name: 'Kementerian Kesehatan',
        parent: 'Kementerian Kesehatan',
        province: 'DKI Jakarta',
        kind: 'ministry',
        contacts: ['inovasi.kemenkes@example.go.id'],
        language: 'en',
      },
    ]);
  });

  it('reports each bad cell with its line and field, in Indonesian and English, and keeps only good rows', () => {
    const { agencies, errors } = parseAgencies(fixture('errors.csv'), 'errors.csv');
    expect(agencies.map((a) => a.code)).toEqual(['ok-agency']);
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'code'],
      [4, 'code'],
      [5, 'name'],
      [5, 'province'],
      [5, 'regency'],
      [5, 'contacts'],
      [5, 'language'],
      [6, 'kind'],
      [6, 'contacts'],
    ]);
    const at = (line: number, field: string) => errors.find((e) => e.line === line && e.field === field);
    expect(at(3, 'code')?.messageEn).toBe(
      'code "Pemkot Bogor" must be 2-63 lowercase letters, digits or dashes (e.g. pemkot-bogor)',
    );
    expect(at(3, 'code')?.message).toBe(
      'kode "Pemkot Bogor" harus 2-63 huruf kecil, angka atau tanda hubung (mis. pemkot-bogor)',
    );
    expect(at(4, 'code')?.messageEn).toBe('code "ok-agency" is already used on line 2');
    expect(at(4, 'code')?.message).toBe('kode "ok-agency" sudah dipakai di baris 2');
    expect(at(5, 'name')?.message).toBe('name wajib diisi');
    expect(at(5, 'regency')?.messageEn).toBe('regency/city is required for kind regency');
    expect(at(5, 'contacts')?.messageEn).toBe('"not-an-email" is not a valid email address');
    expect(at(5, 'language')?.messageEn).toBe('language "sunda" must be id or en');
    expect(at(6, 'kind')?.messageEn).toBe(
      'unknown kind "koperasi" (ministry, institution, province, regency, city, enterprise)',
    );
    expect(at(6, 'contacts')?.messageEn).toBe('contacts are required (emails separated by ";")');
  });

  it('reads a JSON list, contacts as an array, and numbers its problems by entry', () => {
    const { agencies, errors } = parseAgencies(fixture('agencies.json'), 'agencies.json');
    expect(agencies.map((a) => [a.code, a.kind, a.contacts.length, a.language])).toEqual([
      ['pemprov-ntt', 'province', 2, 'id'],
    ]);
    expect(errors.map((e) => [e.line, e.field, e.messageEn])).toEqual([
      [2, 'regency', 'regency/city is required for kind city'],
      [3, '', 'the entry must be an object'],
    ]);
  });

  it('refuses JSON that is not a list, and CSV that cannot be read', () => {
    expect(parseAgencies('{"code":"x"}', 'a.json').errors[0]?.messageEn).toBe(
      'the JSON must be a list (array) of agencies',
    );
    expect(parseAgencies('[1,', 'a.json').errors[0]?.messageEn).toMatch(/^not valid JSON/);
    const broken = parseAgencies('code,name\n"x,y\n', 'a.csv');
    expect(broken.agencies).toEqual([]);
    expect(broken.errors[0]?.messageEn).toMatch(/^the CSV cannot be read/);
  });

  it('names a column it does not know instead of silently dropping it', () => {
    const { errors } = parseAgencies(`${HEADER},provnce\n${row({})},x\n`, 'a.csv');
    expect(errors.map((e) => [e.line, e.field])).toEqual([[1, 'provnce']]);
    expect(errors[0]?.messageEn).toContain('unknown column "provnce"');
  });

  it('reads a spreadsheet export that separates columns with semicolons', () => {
    const input =
      'kode;nama;induk;provinsi;kabupaten/kota;jenis;kontak;bahasa\n' +
      'pemkot-depok;Pemerintah Kota Depok;Pemerintah Kota Depok;Jawa Barat;Kota Depok;kota;"a@example.go.id;b@example.go.id";id\n';
    const { agencies, errors } = parseAgencies(input, 'a.csv');
    expect(errors).toEqual([]);
    expect(agencies[0]?.contacts).toEqual(['a@example.go.id', 'b@example.go.id']);
  });

  it('reads the example registry, which covers every agency the example proposals are uploaded under', () => {
    const { agencies, errors } = parseAgencies(read('../../../examples/agencies.csv'), 'agencies.csv');
    expect(errors).toEqual([]);
    const expected: Array<{ agency: string }> = JSON.parse(read('../../../examples/proposals/expected.json'));
    const codes = agencies.map((a) => a.code);
    for (const { agency } of expected) expect(codes).toContain(agency);
    expect(new Set(agencies.map((a) => a.kind))).toEqual(
      new Set(['ministry', 'institution', 'province', 'regency', 'city', 'enterprise']),
    );
  });
});

describe('hostile cells', () => {
  it('refuses control characters and direction overrides in any cell', () => {
    const { agencies, errors } = parseAgencies(
      `${HEADER}\n${row({ name: 'Dinas\u0007 Kesehatan' })}\n${row({ code: 'pemkot-b', parent: 'Pemerintah \u202eKota' })}\n${row({ code: 'pemkot-c', contacts: 'a@example.go.id\u0000' })}\n`,
      'a.csv',
    );
    expect(agencies).toEqual([]);
    expect(errors.map((e) => [e.line, e.field, e.messageEn])).toEqual([
      [2, 'name', 'name contains control characters'],
      [3, 'parent', 'parent contains control characters'],
      [4, 'contacts', 'contacts contains control characters'],
    ]);
  });

  it('bounds the length of every cell and the number of contacts', () => {
    const many = Array.from({ length: 11 }, (_, i) => `c${i}@example.go.id`).join(';');
    const { errors } = parseAgencies(
      `${HEADER}\n${row({ name: 'x'.repeat(201) })}\n${row({ code: 'p-2', contacts: many })}\n${row({ code: `p${'a'.repeat(63)}` })}\n`,
      'a.csv',
    );
    expect(errors.map((e) => [e.line, e.field, e.messageEn])).toEqual([
      [2, 'name', 'name is too long (201 characters, max. 200)'],
      [3, 'contacts', 'too many contacts (11, max. 10)'],
      [4, 'code', 'code is too long (64 characters, max. 63)'],
    ]);
  });

  it('refuses a cell that would run as a spreadsheet formula', () => {
    const { errors } = one({ name: '=HYPERLINK("http://x.example","klik")' });
    expect(errors.map((e) => [e.line, e.field])).toEqual([[2, 'name']]);
    expect(errors[0]?.messageEn).toMatch(/may not start with =, \+, - or @$/);
  });

  it('refuses codes that could escape the upload folder', () => {
    for (const code of ['../etc', 'a/b', '-x', 'x']) {
      expect(one({ code }).errors.map((e) => e.field)).toEqual(['code']);
    }
  });

  it('ignores JSON values that are not text instead of storing them', () => {
    const { errors } = parseAgencies(
      JSON.stringify([
        {
          code: 'pemkot-depok',
          name: { $ne: 1 },
          parent: 'P',
          province: 'J',
          regency: 'K',
          kind: 'city',
          contacts: ['a@example.go.id'],
        },
      ]),
      'a.json',
    );
    expect(errors.map((e) => [e.line, e.field])).toEqual([[1, 'name']]);
  });
});

describe('validating agencies given in code', () => {
  it('finds malformed agencies and duplicate codes before anything is written', () => {
    const [first] = parseAgencies(fixture('valid.csv'), 'valid.csv').agencies as [Agency];
    const problems = validateAgencies([
      first,
      { ...first, name: 'Other' },
      { ...first, code: 'Bad Code', contacts: [] },
    ]);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'code'],
      [3, 'contacts'],
      [2, 'code'],
    ]);
  });
});

describe('aliases of an agency', () => {
  const withAliases = (aliases: string) =>
    parseAgencies(`${HEADER},nama lain\n${row({})},"${aliases.replace(/"/g, '""')}"\n`, 'a.csv');

  it('reads optional aliases separated by ";", trimmed and deduplicated, and leaves them out when empty', () => {
    const { agencies, errors } = withAliases(' Pemkot Depok ; Kota Depok;Pemkot Depok ');
    expect(errors).toEqual([]);
    expect(agencies[0]?.aliases).toEqual(['Pemkot Depok', 'Kota Depok']);
    expect(validateAgencies(agencies)).toEqual([]);

    expect(one({}).agencies[0]).not.toHaveProperty('aliases');
  });

  it('refuses an alias that starts like a formula or holds control characters, naming the field', () => {
    expect(withAliases('=HYPERLINK("x")').errors.map((e) => e.field)).toEqual(['aliases']);
    expect(withAliases('Pemkot\u001b[2JDepok').errors.map((e) => e.field)).toEqual(['aliases']);
    expect(
      withAliases(Array.from({ length: 21 }, (_, i) => `Nama ${i}`).join(';')).errors[0]?.messageEn,
    ).toBe('too many aliases (21, max. 20)');
  });
});
