/**
 * `proposals reviewers import <file>` and `proposals reviewers list`: the reviewer roster.
 * Exit codes: 0 done, 1 the roster has problems (nothing imported), 2 the file or the profile cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadProfile } from '../../functions/lib/adapters/profile-file';
import { importRoster, listReviewers } from '../../functions/lib/adapters/roster';
import type { Reviewer } from '../../functions/lib/model';
import { type Lang, type Profile, ProfileError } from '../../functions/lib/profile';
import { parseRoster } from '../../functions/lib/roster/parse';
import { RosterError, type RosterProblem } from '../../functions/lib/roster/validate';
import { jsonText, print, printable, printError, progressReporter } from '../output';
import { table } from '../table';

export interface ReviewersDeps {
  doc: DynamoDBDocumentClient;
  table: string;
  /** The deployment's profile, used when no --profile is given. */
  profile?: Profile;
  /** Where results go (default: standard output). */
  out?: (text: string) => void;
  /** Where problems go (default: standard error). */
  err?: (text: string) => void;
}

export interface ReviewersImportOptions {
  /** Profile name or path (default: the deployment's, else "kipp"): its categories give the expertise names. */
  profile?: string;
  json?: boolean;
  lang?: Lang;
}

export interface ReviewersListOptions {
  json?: boolean;
  lang?: Lang;
}

const TEXT = {
  id: {
    unreadable: (file: string, reason: string) => `Berkas ${file} tidak dapat dibaca (${reason}).`,
    problems: (n: number) => `Daftar penilai memiliki ${n} masalah; tidak ada yang diimpor:`,
    problem: (p: RosterProblem) => `  baris ${p.line}${p.field ? `, ${p.field}` : ''}: ${p.message}`,
    imported: (n: number, c: number, u: number, s: number) =>
      `${n} penilai: ${c} baru, ${u} diperbarui, ${s} tidak berubah.`,
    headers: ['ID', 'Nama', 'Instansi', 'Keahlian', 'Beban/Kapasitas', 'Aktif'],
    yes: 'ya',
    no: 'tidak',
    total: (n: number, active: number, load: number, capacity: number) =>
      `${n} penilai (${active} aktif), beban ${load} dari kapasitas ${capacity}.`,
    empty: 'Belum ada penilai. Impor daftar dengan `proposals reviewers import <berkas.csv>`.',
  },
  en: {
    unreadable: (file: string, reason: string) => `The file ${file} cannot be read (${reason}).`,
    problems: (n: number) => `The roster has ${n} problem(s); nothing was imported:`,
    problem: (p: RosterProblem) => `  line ${p.line}${p.field ? `, ${p.field}` : ''}: ${p.messageEn}`,
    imported: (n: number, c: number, u: number, s: number) =>
      `${n} reviewers: ${c} created, ${u} updated, ${s} unchanged.`,
    headers: ['ID', 'Name', 'Institution', 'Expertise', 'Load/Capacity', 'Active'],
    yes: 'yes',
    no: 'no',
    total: (n: number, active: number, load: number, capacity: number) =>
      `${n} reviewers (${active} active), load ${load} of capacity ${capacity}.`,
    empty: 'No reviewers yet. Import a roster with `proposals reviewers import <file.csv>`.',
  },
} as const;

function writers(deps: ReviewersDeps) {
  return {
    // Everything printed is cleaned (cli/output.ts): names and messages come from the imported file.
    out: (text: string) => (deps.out ?? print)(printable(text)),
    err: (text: string) => (deps.err ?? printError)(printable(text)),
  };
}

/** Imports a roster file (CSV or JSON) into the table; validates everything before writing anything. */
export async function reviewersImportCommand(
  file: string,
  opts: ReviewersImportOptions,
  deps: ReviewersDeps,
): Promise<number> {
  const { out, err } = writers(deps);
  let profile: Profile;
  try {
    profile = opts.profile || !deps.profile ? loadProfile(opts.profile) : deps.profile;
  } catch (error) {
    const lang = opts.lang ?? 'id';
    err(`${error instanceof ProfileError ? error.localized[lang] : String(error)}\n`);
    return 2;
  }
  const lang: Lang = opts.lang ?? profile.language;
  const t = TEXT[lang];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    err(`${t.unreadable(file, (error as NodeJS.ErrnoException).code ?? String(error))}\n`);
    return 2;
  }
  const { reviewers, errors } = parseRoster(text, basename(file), profile);
  const report = (problems: RosterProblem[]) => {
    if (opts.json) out(`${jsonText({ imported: false, problems })}\n`);
    else err(`${[t.problems(problems.length), ...problems.map(t.problem)].join('\n')}\n`);
    return 1;
  };
  if (errors.length > 0) return report(errors);
  try {
    // A large roster takes a while against AWS.
    const onProgress = progressReporter((done, total) => `  ${done}/${total} reviewers written`, opts.json);
    const result = await importRoster(deps.doc, deps.table, reviewers, { onProgress });
    if (opts.json) out(`${jsonText({ imported: true, ...result })}\n`);
    else out(`${t.imported(reviewers.length, result.created, result.updated, result.unchanged)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RosterError) return report(error.problems);
    throw error;
  }
}

/** A plain-text table: columns as wide as their content, within a cap per column. */
export function formatRosterTable(reviewers: readonly Reviewer[], lang: Lang): string {
  const t = TEXT[lang];
  const caps = [16, 30, 32, 40, 15, 6];
  const rows = reviewers.map((r) => [
    r.id,
    r.name,
    r.institution,
    r.expertise.join(', '),
    `${r.load}/${r.capacity}`,
    r.active ? t.yes : t.no,
  ]);
  return table([...t.headers], rows, caps);
}

/** Lists the roster: a table for people, or JSON. */
export async function reviewersListCommand(opts: ReviewersListOptions, deps: ReviewersDeps): Promise<number> {
  const { out } = writers(deps);
  const lang: Lang = opts.lang ?? 'id';
  const t = TEXT[lang];
  const reviewers = await listReviewers(deps.doc, deps.table);
  if (opts.json) {
    out(`${jsonText(reviewers)}\n`);
    return 0;
  }
  if (reviewers.length === 0) {
    out(`${t.empty}\n`);
    return 0;
  }
  const active = reviewers.filter((r) => r.active);
  const load = reviewers.reduce((sum, r) => sum + r.load, 0);
  const capacity = active.reduce((sum, r) => sum + r.capacity, 0);
  out(
    `${formatRosterTable(reviewers, lang)}\n\n${t.total(reviewers.length, active.length, load, capacity)}\n`,
  );
  return 0;
}
