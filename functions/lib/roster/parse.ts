/**
 * Parses a reviewer roster: CSV with a header row (csv-parse) or a JSON array of objects.
 *
 * Columns (English or Indonesian headers, any case): id, name/nama, email, institution/instansi,
 * government/pemerintah (optional: the regional government or ministry the employer belongs to),
 * province/provinsi, regency/kabupaten/kota, expertise/keahlian (categories separated by ';', matched to the
 * profile's categories by id, name or alias), capacity/kapasitas (positive integer), language/bahasa
 * (id|en, default id), active/aktif (true/false/ya/tidak, default true), conflicts/konflik (institutions
 * separated by ';').
 *
 * The per-field checks are written out here rather than left to a schema library because each problem must
 * name its line and field in both languages and a cell like "Kesehatan; Health" needs the profile to be read;
 * the result is still checked against the reviewer schema at the storage boundary.
 */
import type { AssignmentCategory } from '../assignment/profile';
import type { Reviewer } from '../model';
import { normalizeName } from '../model';
import { readCsv, readJson } from '../registry/rows';
import * as z from '../zod';
import { findDuplicates, problem, type RosterProblem } from './validate';

export interface RosterProfile {
  categories: readonly AssignmentCategory[];
}

export interface ParsedRoster {
  /** Valid rows only, each with load 0. */
  reviewers: Reviewer[];
  errors: RosterProblem[];
}

type Field = keyof Omit<Reviewer, 'load'>;

const HEADER_ALIASES: Record<string, Field> = {
  id: 'id',
  kode: 'id',
  name: 'name',
  nama: 'name',
  email: 'email',
  'e-mail': 'email',
  surel: 'email',
  institution: 'institution',
  instansi: 'institution',
  institusi: 'institution',
  government: 'government',
  pemerintah: 'government',
  province: 'province',
  provinsi: 'province',
  regency: 'regency',
  city: 'regency',
  kabupaten: 'regency',
  kota: 'regency',
  'kabupaten/kota': 'regency',
  kabupaten_kota: 'regency',
  expertise: 'expertise',
  keahlian: 'expertise',
  kategori: 'expertise',
  categories: 'expertise',
  capacity: 'capacity',
  kapasitas: 'capacity',
  kuota: 'capacity',
  language: 'language',
  bahasa: 'language',
  active: 'active',
  aktif: 'active',
  conflicts: 'conflicts',
  konflik: 'conflicts',
};

const TRUE_WORDS = new Set(['true', 'ya', 'yes', 'y', '1', 'aktif']);
const FALSE_WORDS = new Set(['false', 'tidak', 'no', 'n', '0', 'nonaktif', 'tidak aktif']);
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const emailSchema = z.email();

/** Looks a category up by id, name or alias (compared with normalizeName). */
export function categoryMatcher(profile: RosterProfile): (value: string) => string | undefined {
  const index = new Map<string, string>();
  for (const category of profile.categories) {
    for (const label of [category.id, category.name, ...(category.aliases ?? [])]) {
      index.set(normalizeName(label), category.id);
    }
  }
  return (value) => index.get(normalizeName(value));
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

function list(value: unknown): string[] {
  const parts = Array.isArray(value) ? value.map(text) : text(value).split(';');
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** Turns one row (CSV cells or a JSON object, keys already mapped to fields) into a reviewer or problems. */
function readRow(
  row: Partial<Record<Field, unknown>>,
  line: number,
  findCategory: (value: string) => string | undefined,
): { reviewer?: Reviewer; problems: RosterProblem[] } {
  const problems: RosterProblem[] = [];
  const required = (field: Field): string => {
    const value = text(row[field]);
    if (!value) problems.push(problem(line, field, `${field} wajib diisi`, `${field} is required`));
    return value;
  };

  const id = required('id');
  if (id && !ID_PATTERN.test(id)) {
    problems.push(
      problem(
        line,
        'id',
        `id "${id}" hanya boleh berisi huruf, angka, titik, garis bawah dan tanda hubung (maks. 64)`,
        `id "${id}" may only contain letters, digits, dots, underscores and hyphens (max. 64)`,
      ),
    );
  }
  const name = required('name');
  const email = required('email').toLowerCase();
  if (email && !emailSchema.safeParse(email).success) {
    problems.push(
      problem(
        line,
        'email',
        `"${email}" bukan alamat email yang valid`,
        `"${email}" is not a valid email address`,
      ),
    );
  }
  const institution = required('institution');
  const government = text(row.government) || undefined;
  const province = text(row.province) || undefined;
  const regency = text(row.regency) || undefined;

  const expertise: string[] = [];
  const rawExpertise = list(row.expertise);
  if (rawExpertise.length === 0) {
    problems.push(
      problem(
        line,
        'expertise',
        'keahlian wajib diisi (kategori dipisah dengan ";")',
        'expertise is required (categories separated by ";")',
      ),
    );
  }
  for (const value of rawExpertise) {
    const category = findCategory(value);
    if (!category) {
      problems.push(
        problem(
          line,
          'expertise',
          `kategori "${value}" tidak dikenal dalam profil kompetisi`,
          `unknown category "${value}" in the competition profile`,
        ),
      );
    } else if (!expertise.includes(category)) expertise.push(category);
  }

  let capacity = Number.NaN;
  const rawCapacity = text(row.capacity);
  if (!rawCapacity) problems.push(problem(line, 'capacity', 'kapasitas wajib diisi', 'capacity is required'));
  else if (!/^\d+$/.test(rawCapacity) || Number(rawCapacity) <= 0) {
    problems.push(
      problem(
        line,
        'capacity',
        `kapasitas "${rawCapacity}" harus bilangan bulat positif`,
        `capacity "${rawCapacity}" must be a positive whole number`,
      ),
    );
  } else capacity = Number(rawCapacity);

  const rawLanguage = text(row.language).toLowerCase();
  const language = rawLanguage === '' ? 'id' : rawLanguage;
  if (language !== 'id' && language !== 'en') {
    problems.push(
      problem(
        line,
        'language',
        `bahasa "${rawLanguage}" harus id atau en`,
        `language "${rawLanguage}" must be id or en`,
      ),
    );
  }

  const rawActive = text(row.active).toLowerCase();
  let active = true;
  if (FALSE_WORDS.has(rawActive)) active = false;
  else if (rawActive && !TRUE_WORDS.has(rawActive)) {
    problems.push(
      problem(
        line,
        'active',
        `aktif "${rawActive}" harus ya/tidak atau true/false`,
        `active "${rawActive}" must be true/false or ya/tidak`,
      ),
    );
  }

  const conflicts = list(row.conflicts);
  if (problems.length > 0) return { problems };
  return {
    problems,
    reviewer: {
      id,
      name,
      email,
      institution,
      ...(government ? { government } : {}),
      ...(province ? { province } : {}),
      ...(regency ? { regency } : {}),
      expertise,
      capacity,
      load: 0,
      language: language as 'id' | 'en',
      active,
      conflicts,
    },
  };
}

/** Maps a header to a field; unknown headers are reported (a typo would otherwise drop a column silently). */
function mapHeader(header: string): Field | undefined {
  return HEADER_ALIASES[header.trim().toLowerCase()];
}

/**
 * Parses a roster file. CSV unless the name ends in .json (or the text is a JSON array).
 * `line` in errors is the file line for CSV (header = 1) and the 1-based entry number for JSON.
 */
export function parseRoster(input: string, fileName: string, profile: RosterProfile): ParsedRoster {
  const errors: RosterProblem[] = [];
  const isJson = /\.json$/i.test(fileName) || /^\s*\[/.test(input);
  const rows = isJson ? readJson(input, errors, { id: 'penilai', en: 'reviewers' }) : readCsv(input, errors);

  const unknownColumns = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row.cells)) if (!mapHeader(key)) unknownColumns.add(key);
  }
  for (const column of unknownColumns) {
    errors.push(
      problem(
        isJson ? (rows.find((r) => column in r.cells)?.line ?? 1) : 1,
        column,
        `kolom "${column}" tidak dikenal (kolom yang dikenal: ${[...new Set(Object.values(HEADER_ALIASES))].join(', ')})`,
        `unknown column "${column}" (known columns: ${[...new Set(Object.values(HEADER_ALIASES))].join(', ')})`,
      ),
    );
  }

  const findCategory = categoryMatcher(profile);
  const parsed: Array<{ line: number; reviewer: Reviewer }> = [];
  for (const row of rows) {
    const mapped: Partial<Record<Field, unknown>> = {};
    for (const [key, value] of Object.entries(row.cells)) {
      const field = mapHeader(key);
      if (field) mapped[field] = value;
    }
    const { reviewer, problems } = readRow(mapped, row.line, findCategory);
    errors.push(...problems);
    if (reviewer) parsed.push({ line: row.line, reviewer });
  }
  const duplicates = findDuplicates(parsed);
  const repeated = new Set(duplicates.map((d) => d.line));
  errors.push(...duplicates);
  errors.sort((a, b) => a.line - b.line);
  return { reviewers: parsed.filter((p) => !repeated.has(p.line)).map((p) => p.reviewer), errors };
}
