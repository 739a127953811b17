import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProfile } from '../../../functions/lib/adapters/profile-file';
import { type Profile, ProfileError, parseProfile } from '../../../functions/lib/profile';

const KIPP_PATH = resolve(import.meta.dirname, '../../../profiles/kipp.json');
// biome-ignore lint/suspicious/noExplicitAny: the tests edit the raw JSON freely to break it
type Json = any;
const kippJson = () => JSON.parse(readFileSync(KIPP_PATH, 'utf8')) as Json;

function problemOf(json: unknown): ProfileError {
  try {
    parseProfile(json, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ProfileError);
    return error as ProfileError;
  }
  throw new Error('the profile was accepted');
}

describe('the KIPP profile', () => {
  const kipp: Profile = loadProfile();

  it('is the default and holds the three groups with their word limits', () => {
    expect(kipp.id).toBe('kipp');
    expect(kipp.submissionDeadline).toBe('2025-06-30');
    const limits = Object.fromEntries(
      kipp.groups.map((g) => [g.id, Object.fromEntries(g.sections.map((s) => [s.name, s.maxWords]))]),
    );
    expect(limits).toEqual({
      umum: {
        Ringkasan: 200,
        'Ide Inovatif': 600,
        Signifikansi: 600,
        'Kontribusi terhadap TPB/SDGs': 200,
        Adaptabilitas: 400,
        Keberlanjutan: 600,
        'Kolaborasi Pemangku Kepentingan': 200,
      },
      replikasi: { Ringkasan: 200, Inspirasi: 100, 'Proses Replikasi': 200, 'Faktor Pembeda': 100 },
      khusus: {
        Ringkasan: 200,
        'Pembaruan / Peningkatan': 200,
        Adaptabilitas: 200,
        'Penguatan Keberlanjutan': 300,
        Evaluasi: 300,
      },
    });
  });

  it('sets minimum ages and quotas per group', () => {
    expect(kipp.groups.map((g) => [g.id, g.minAgeYears, g.quotaPerInstitution])).toEqual([
      ['umum', 2, 10],
      ['replikasi', 1, 5],
      ['khusus', 2, 5],
    ]);
  });

  it('lists the 10 categories of 2021 with English aliases', () => {
    expect(kipp.categories).toHaveLength(10);
    expect(kipp.categories.every((c) => c.aliases.length > 0)).toBe(true);
    expect(kipp.categories.map((c) => c.name)).toContain('Pelayanan Publik Responsif Gender');
  });

  it('weights the five criteria to 100', () => {
    expect(kipp.scoring.criteria.map((c) => c.id)).toEqual([
      'kebaruan',
      'efektivitas',
      'kemanfaatan',
      'adaptabilitas',
      'keberlanjutan',
    ]);
    expect(kipp.scoring.criteria.reduce((sum, c) => sum + c.weight, 0)).toBe(100);
  });

  it('asks for every identity field', () => {
    expect(kipp.identityFields.map((f) => f.id)).toEqual([
      'title',
      'institution',
      'group',
      'category',
      'startDate',
      'innovator',
      'email',
      'phone',
      'video',
    ]);
  });
});

describe('profile validation', () => {
  it('names the field of a bad word limit', () => {
    const json = kippJson();
    json.groups[1].sections[0].maxWords = -5;
    const error = problemOf(json);
    expect(error.message).toContain('groups[1].sections[0].maxWords: expected a positive integer');
    expect(error.localized.id).toContain('groups[1].sections[0].maxWords: harus bilangan bulat positif');
    expect(error.name).toBe('ProfileError');
  });

  it('refuses weights that do not sum to more than 0', () => {
    const json = kippJson();
    for (const c of json.scoring.criteria) c.weight = 0;
    expect(problemOf(json).message).toContain('scoring.criteria: the weights must sum to more than 0');
  });

  it.each([
    ['groups', (j: Json) => (j.groups[2].id = 'umum'), 'groups[2].id: duplicate id'],
    [
      'sections',
      (j: Json) => (j.groups[0].sections[1].id = 'ringkasan'),
      'groups[0].sections[1].id: duplicate id',
    ],
    ['categories', (j: Json) => (j.categories[3].id = 'kesehatan'), 'categories[3].id: duplicate id'],
    [
      'criteria',
      (j: Json) => (j.scoring.criteria[4].id = 'kebaruan'),
      'scoring.criteria[4].id: duplicate id',
    ],
  ])('refuses duplicate %s ids', (_what, edit, expected) => {
    const json = kippJson();
    edit(json);
    expect(problemOf(json).message).toContain(expected);
  });

  it('refuses an unknown file format', () => {
    const json = kippJson();
    json.files.formats.push('doc');
    expect(problemOf(json).message).toContain('files.formats[5]: unknown format');
  });

  it('refuses unknown and missing fields, listing every problem', () => {
    const json = kippJson();
    delete json.review.minReviews;
    json.groups[0].sections[0].maxWord = 3;
    json.submissionDeadline = '30-06-2025';
    const error = problemOf(json);
    expect(error.message).toContain('review.minReviews: is required');
    expect(error.message).toContain('groups[0].sections[0]: unknown field "maxWord"');
    expect(error.message).toContain('submissionDeadline: expected a date as YYYY-MM-DD');
    expect(error.problems).toHaveLength(3);
  });

  it('refuses an impossible scale and review count', () => {
    const json = kippJson();
    json.scoring.scaleMax = 1;
    json.review.minReviews = 5;
    const error = problemOf(json);
    expect(error.message).toContain('scoring.scaleMax');
    expect(error.message).toContain('review.minReviews');
  });
});

describe('loading profiles', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'profile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a profile from a file path', () => {
    const json = kippJson();
    json.id = 'kipp-2026';
    json.submissionDeadline = '2026-06-30';
    const path = join(dir, 'kipp-2026.json');
    writeFileSync(path, JSON.stringify(json));
    expect(loadProfile(path).submissionDeadline).toBe('2026-06-30');
  });

  it('explains an unknown bundled name, a missing file and broken JSON', () => {
    expect(() => loadProfile('sinovik')).toThrowError(
      /no bundled profile named "sinovik" \(available: kipp\)/,
    );
    expect(() => loadProfile(join(dir, 'none.json'))).toThrowError(/cannot read the file \(ENOENT\)/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "id": ');
    expect(() => loadProfile(broken)).toThrowError(/not valid JSON/);
  });
});
