import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../functions/lib/adapters/profile-file';
import { parseRoster, type RosterProfile } from '../../../functions/lib/roster/parse';
import { validateRoster } from '../../../functions/lib/roster/validate';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const fixture = (name: string) => read(`../../fixtures/rosters/${name}`);
const profile: RosterProfile = JSON.parse(fixture('profile.json'));

describe('parsing a roster', () => {
  it('reads Indonesian headers, maps categories by name and alias, and applies defaults', () => {
    const { reviewers, errors } = parseRoster(fixture('valid.csv'), 'valid.csv', profile);
    expect(errors).toEqual([]);
    expect(reviewers).toEqual([
      {
        id: 'ui-01',
        name: 'Dr. Lina Marlina',
        email: 'lina.marlina@example.ac.id',
        institution: 'Universitas Indonesia',
        province: 'Jawa Barat',
        regency: 'Kota Depok',
        expertise: ['kesehatan', 'pendidikan'],
        capacity: 10,
        load: 0,
        language: 'id',
        active: true,
        conflicts: ['Pemerintah Kota Depok', 'Dinas Kesehatan Kota Depok'],
      },
      {
        id: 'ugm-01',
        name: 'Prof. Adi Nugroho',
        email: 'adi.nugroho@example.ac.id',
        institution: 'Universitas Gadjah Mada',
        province: 'DI Yogyakarta',
        expertise: ['tata-kelola'],
        capacity: 12,
        load: 0,
        language: 'en',
        active: false,
        conflicts: [],
      },
    ]);
  });

  it('reports each bad cell with its line and field, in Indonesian and English', () => {
    const { reviewers, errors } = parseRoster(fixture('errors.csv'), 'errors.csv', profile);
    expect(reviewers.map((r) => r.id)).toEqual(['ok-01']);
    const at = (line: number, field: string) => errors.filter((e) => e.line === line && e.field === field);
    expect(at(3, 'expertise')[0]?.messageEn).toBe('unknown category "Astronomi" in the competition profile');
    expect(at(3, 'expertise')[0]?.message).toBe('kategori "Astronomi" tidak dikenal dalam profil kompetisi');
    expect(at(4, 'capacity')[0]?.messageEn).toContain('"-3" must be a positive whole number');
    expect(at(5, 'id')[0]?.messageEn).toBe('id "ok-01" is already used on line 2');
    expect(at(6, 'email')[0]?.messageEn).toBe('email "siti.rahayu@example.ac.id" is already used on line 2');
    expect(at(7, 'name')[0]?.message).toBe('name wajib diisi');
    expect(at(7, 'email')[0]?.messageEn).toBe('"not-an-email" is not a valid email address');
    expect(at(7, 'language')[0]?.messageEn).toBe('language "jawa" must be id or en');
    expect(at(7, 'active')[0]?.messageEn).toBe('active "mungkin" must be true/false or ya/tidak');
    expect(errors).toHaveLength(8);
  });

  it('reads the government a reviewer works for (English or Indonesian header), optional and trimmed', () => {
    const header = 'id,name,email,institution,%s,expertise,capacity\n';
    const rows =
      'd-01,Drs. Agus,agus@depok.go.id,Bappeda Kota Depok,  Pemerintah Kota Depok ,kesehatan,5\n' +
      'u-01,Dr. Sari,sari@example.ac.id,Universitas Indonesia,,kesehatan,5\n';
    for (const column of ['government', 'Pemerintah']) {
      const { reviewers, errors } = parseRoster(header.replace('%s', column) + rows, 'r.csv', profile);
      expect(errors).toEqual([]);
      expect(reviewers[0]?.government).toBe('Pemerintah Kota Depok');
      expect(reviewers[1]).not.toHaveProperty('government');
    }
    const json = JSON.stringify([
      {
        id: 'd-02',
        name: 'Ir. Dewi',
        email: 'dewi@depok.go.id',
        institution: 'Dinas Kesehatan Kota Depok',
        pemerintah: 'Pemerintah Kota Depok',
        expertise: ['kesehatan'],
        capacity: 3,
      },
    ]);
    expect(parseRoster(json, 'r.json', profile).reviewers[0]?.government).toBe('Pemerintah Kota Depok');
    expect(
      validateRoster([{ ...parseRoster(json, 'r.json', profile).reviewers[0]!, government: ' ' }]),
    ).toEqual([expect.objectContaining({ line: 1, field: 'government' })]);
  });

  it('names a column it does not know instead of silently dropping it', () => {
    const { errors } = parseRoster(fixture('unknown-column.csv'), 'unknown-column.csv', profile);
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [1, 'expertize'],
      [2, 'expertise'],
    ]);
    expect(errors[0]?.messageEn).toContain('unknown column "expertize"');
  });

  it('reads a spreadsheet export that separates columns with semicolons', () => {
    const { reviewers, errors } = parseRoster(fixture('semicolon.csv'), 'semicolon.csv', profile);
    expect(errors).toEqual([]);
    expect(reviewers[0]?.expertise).toEqual(['tata-kelola', 'kesehatan']);
    expect(reviewers[0]?.capacity).toBe(15);
  });

  it('reads a JSON list and numbers its problems by entry', () => {
    const { reviewers, errors } = parseRoster(fixture('roster.json'), 'roster.json', profile);
    expect(reviewers.map((r) => [r.id, r.expertise, r.conflicts])).toEqual([
      ['brin-01', ['kesehatan', 'tata-kelola'], ['Kementerian Kesehatan']],
    ]);
    expect(errors.map((e) => [e.line, e.field])).toEqual([[2, 'capacity']]);
  });

  it('refuses JSON that is not a list, and CSV that cannot be read', () => {
    expect(parseRoster('{"id":"x"}', 'r.json', profile).errors[0]?.messageEn).toBe(
      'the JSON must be a list (array) of reviewers',
    );
    const broken = parseRoster('id,name\n"x,y\n', 'r.csv', profile);
    expect(broken.reviewers).toEqual([]);
    expect(broken.errors[0]?.messageEn).toMatch(/^the CSV cannot be read/);
  });

  it('reads the example roster against the KIPP profile without a problem, covering every category', () => {
    const kipp = loadProfile('kipp');
    const { reviewers, errors } = parseRoster(read('../../../examples/reviewers.csv'), 'reviewers.csv', kipp);
    expect(errors).toEqual([]);
    expect(reviewers.length).toBeGreaterThanOrEqual(35);
    const covered = new Set(reviewers.flatMap((r) => r.expertise));
    expect([...covered].sort()).toEqual(kipp.categories.map((c) => c.id).sort());
    expect(reviewers.some((r) => r.conflicts.length > 0)).toBe(true);
    expect(reviewers.some((r) => !r.active)).toBe(true);
  });
});

describe('validating reviewers given in code', () => {
  it('finds malformed reviewers and duplicates before anything is written', () => {
    const { reviewers } = parseRoster(fixture('valid.csv'), 'valid.csv', profile);
    const [first] = reviewers;
    const problems = validateRoster([
      first!,
      { ...first!, email: 'other@example.ac.id' },
      { ...first!, id: 'z', capacity: 0 },
    ]);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'capacity'],
      [2, 'id'],
      [3, 'email'],
    ]);
  });
});
