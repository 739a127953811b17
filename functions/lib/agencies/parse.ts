/**
 * Parses an agency registry: CSV with a header row (csv-parse) or a JSON array of objects.
 *
 * Columns (English or Indonesian headers, any case): code/kode, name/nama, parent/induk (the government the
 * agency belongs to, e.g. "Pemerintah Kota Depok"), province/provinsi, regency/kabupaten/kota (required for
 * regencies and cities), kind/jenis (ministry, institution, province, regency, city, enterprise, or their
 * Indonesian names), contacts/email/kontak (emails separated by ';'), language/bahasa (id|en, default id),
 * aliases/alias/nama lain (optional: other names the agency's proposals give as their Instansi, separated by ';').
 *
 * Cells are hostile: each is trimmed, bounded in length, refused when it holds control or direction-override
 * characters or starts like a spreadsheet formula. Every problem names its line and field in both languages;
 * the result is still checked against the agency schema at the storage boundary.
 */

import { readCsv, readJson } from '../registry/rows';
import { AGENCY_CODE } from '../uploads';
import * as z from '../zod';
import { AGENCY_KINDS, AGENCY_LIMITS, type Agency, type AgencyKind } from './schema';
import { type AgencyProblem, findDuplicateCodes, problem } from './validate';

export interface ParsedAgencies {
  /** Valid rows only. */
  agencies: Agency[];
  errors: AgencyProblem[];
}

type Field = keyof Agency;

const HEADER_ALIASES: Record<string, Field> = {
  code: 'code',
  kode: 'code',
  agency: 'code',
  name: 'name',
  nama: 'name',
  parent: 'parent',
  'parent government': 'parent',
  parent_government: 'parent',
  government: 'parent',
  induk: 'parent',
  pemerintah: 'parent',
  'pemerintah daerah': 'parent',
  province: 'province',
  provinsi: 'province',
  regency: 'regency',
  city: 'regency',
  'regency/city': 'regency',
  kabupaten: 'regency',
  kota: 'regency',
  'kabupaten/kota': 'regency',
  kabupaten_kota: 'regency',
  kind: 'kind',
  type: 'kind',
  jenis: 'kind',
  contacts: 'contacts',
  contact: 'contacts',
  email: 'contacts',
  emails: 'contacts',
  kontak: 'contacts',
  surel: 'contacts',
  language: 'language',
  bahasa: 'language',
  aliases: 'aliases',
  alias: 'aliases',
  'also known as': 'aliases',
  'nama lain': 'aliases',
};

const KIND_WORDS: Record<string, AgencyKind> = {
  ...Object.fromEntries(AGENCY_KINDS.map((k) => [k, k])),
  kementerian: 'ministry',
  lembaga: 'institution',
  provinsi: 'province',
  kabupaten: 'regency',
  kota: 'city',
  bumn: 'enterprise',
  bumd: 'enterprise',
  'badan usaha': 'enterprise',
};

const emailSchema = z.email();
// C0 and C1 controls, and the bidirectional overrides that make a name display as something else.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const FORMULA = /^[=+@-]/;

function raw(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** Reads a row's cells into an agency, or the problems that keep it out. */
function readRow(
  row: Partial<Record<Field, unknown>>,
  line: number,
): { agency?: Agency; problems: AgencyProblem[] } {
  const problems: AgencyProblem[] = [];
  const add = (field: Field, message: string, messageEn: string) =>
    problems.push(problem(line, field, message, messageEn));

  /** A checked text: '' when absent or refused (the problem is recorded). */
  const checked = (field: Field, value: string, max: number): string => {
    if (!value) return '';
    if (FORBIDDEN.test(value)) {
      add(
        field,
        `${field} berisi karakter kontrol yang tidak diizinkan`,
        `${field} contains control characters`,
      );
      return '';
    }
    if (value.length > max) {
      add(
        field,
        `${field} terlalu panjang (${value.length} karakter, maks. ${max})`,
        `${field} is too long (${value.length} characters, max. ${max})`,
      );
      return '';
    }
    return value;
  };
  const textCell = (field: Field, max: number, required: boolean): string => {
    const value = raw(row[field]);
    if (!value) {
      if (required) add(field, `${field} wajib diisi`, `${field} is required`);
      return '';
    }
    if (FORMULA.test(value) && !FORBIDDEN.test(value)) {
      add(
        field,
        `${field} "${value.slice(0, 40)}" tidak boleh diawali =, +, - atau @`,
        `${field} "${value.slice(0, 40)}" may not start with =, +, - or @`,
      );
      return '';
    }
    return checked(field, value, max);
  };

  const rawCode = raw(row.code);
  let code = '';
  if (!rawCode) add('code', 'code wajib diisi', 'code is required');
  else if (checked('code', rawCode, 63) && !AGENCY_CODE.test(rawCode)) {
    const hint = rawCode
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '');
    add(
      'code',
      `kode "${rawCode}" harus 2-63 huruf kecil, angka atau tanda hubung (mis. ${hint || 'pemkot-depok'})`,
      `code "${rawCode}" must be 2-63 lowercase letters, digits or dashes (e.g. ${hint || 'pemkot-depok'})`,
    );
  } else if (problems.length === 0) code = rawCode;

  const name = textCell('name', AGENCY_LIMITS.name, true);
  const parent = textCell('parent', AGENCY_LIMITS.parent, true);
  const province = textCell('province', AGENCY_LIMITS.province, true);

  const rawKind = raw(row.kind).toLowerCase();
  const kind = KIND_WORDS[rawKind];
  if (!rawKind) add('kind', 'kind wajib diisi', 'kind is required');
  else if (!kind) {
    const known = AGENCY_KINDS.join(', ');
    add(
      'kind',
      `jenis "${rawKind.slice(0, 40)}" tidak dikenal (${known})`,
      `unknown kind "${rawKind.slice(0, 40)}" (${known})`,
    );
  }
  const needsRegency = kind === 'regency' || kind === 'city';
  const regency = textCell('regency', AGENCY_LIMITS.regency, false);
  if (needsRegency && !regency && !raw(row.regency)) {
    add(
      'regency',
      `kabupaten/kota wajib diisi untuk jenis ${kind}`,
      `regency/city is required for kind ${kind}`,
    );
  }

  const contacts: string[] = [];
  const parts = (Array.isArray(row.contacts) ? row.contacts.map(raw) : raw(row.contacts).split(';'))
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) {
    add(
      'contacts',
      'kontak wajib diisi (email dipisah dengan ";")',
      'contacts are required (emails separated by ";")',
    );
  } else if (parts.length > AGENCY_LIMITS.contacts) {
    add(
      'contacts',
      `terlalu banyak kontak (${parts.length}, maks. ${AGENCY_LIMITS.contacts})`,
      `too many contacts (${parts.length}, max. ${AGENCY_LIMITS.contacts})`,
    );
  } else {
    for (const part of parts) {
      const email = checked('contacts', part, AGENCY_LIMITS.email).toLowerCase();
      if (!email) continue;
      if (!emailSchema.safeParse(email).success) {
        add(
          'contacts',
          `"${email.slice(0, 80)}" bukan alamat email yang valid`,
          `"${email.slice(0, 80)}" is not a valid email address`,
        );
      } else if (!contacts.includes(email)) contacts.push(email);
    }
  }

  const aliases: string[] = [];
  const aliasParts = (Array.isArray(row.aliases) ? row.aliases.map(raw) : raw(row.aliases).split(';'))
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (aliasParts.length > AGENCY_LIMITS.aliases) {
    add(
      'aliases',
      `terlalu banyak alias (${aliasParts.length}, maks. ${AGENCY_LIMITS.aliases})`,
      `too many aliases (${aliasParts.length}, max. ${AGENCY_LIMITS.aliases})`,
    );
  } else {
    for (const part of aliasParts) {
      if (FORMULA.test(part) && !FORBIDDEN.test(part)) {
        add(
          'aliases',
          `alias "${part.slice(0, 40)}" tidak boleh diawali =, +, - atau @`,
          `alias "${part.slice(0, 40)}" may not start with =, +, - or @`,
        );
        continue;
      }
      const alias = checked('aliases', part, AGENCY_LIMITS.name);
      if (alias && !aliases.includes(alias)) aliases.push(alias);
    }
  }

  const rawLanguage = raw(row.language).toLowerCase();
  const language = rawLanguage === '' ? 'id' : rawLanguage;
  if (language !== 'id' && language !== 'en') {
    add(
      'language',
      `bahasa "${rawLanguage.slice(0, 20)}" harus id atau en`,
      `language "${rawLanguage.slice(0, 20)}" must be id or en`,
    );
  }

  if (problems.length > 0 || !kind) return { problems };
  return {
    problems,
    agency: {
      code,
      name,
      parent,
      province,
      ...(regency ? { regency } : {}),
      kind,
      contacts,
      language: language as 'id' | 'en',
      ...(aliases.length > 0 ? { aliases } : {}),
    },
  };
}

function mapHeader(header: string): Field | undefined {
  return HEADER_ALIASES[header.trim().toLowerCase().replace(/\s+/g, ' ')];
}

/**
 * Parses an agency registry file. CSV unless the name ends in .json (or the text is a JSON array).
 * `line` in errors is the file line for CSV (header = 1) and the 1-based entry number for JSON.
 */
export function parseAgencies(input: string, fileName: string): ParsedAgencies {
  const errors: AgencyProblem[] = [];
  const isJson = /\.json$/i.test(fileName) || /^\s*\[/.test(input);
  const rows = isJson ? readJson(input, errors, { id: 'instansi', en: 'agencies' }) : readCsv(input, errors);

  const known = [...new Set(Object.values(HEADER_ALIASES))].join(', ');
  const unknownColumns = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row.cells)) if (!mapHeader(key)) unknownColumns.add(key);
  }
  for (const column of unknownColumns) {
    const shown = FORBIDDEN.test(column) ? JSON.stringify(column) : column.slice(0, 40);
    errors.push(
      problem(
        isJson ? (rows.find((r) => column in r.cells)?.line ?? 1) : 1,
        shown,
        `kolom "${shown}" tidak dikenal (kolom yang dikenal: ${known})`,
        `unknown column "${shown}" (known columns: ${known})`,
      ),
    );
  }

  const parsed: Array<{ line: number; agency: Agency }> = [];
  for (const row of rows) {
    const mapped: Partial<Record<Field, unknown>> = {};
    for (const [key, value] of Object.entries(row.cells)) {
      const field = mapHeader(key);
      if (field) mapped[field] = value;
    }
    const { agency, problems } = readRow(mapped, row.line);
    errors.push(...problems);
    if (agency) parsed.push({ line: row.line, agency });
  }
  const duplicates = findDuplicateCodes(parsed);
  const repeated = new Set(duplicates.map((d) => d.line));
  errors.push(...duplicates);
  errors.sort((a, b) => a.line - b.line);
  return { agencies: parsed.filter((p) => !repeated.has(p.line)).map((p) => p.agency), errors };
}
