/**
 * `proposals agencies import <file>` and `proposals agencies list`: the registry of submitting agencies.
 * Exit codes: 0 done, 1 the registry has problems (nothing imported), 2 the file cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { importAgencies, listAgencies } from '../../functions/lib/adapters/agencies';
import { parseAgencies } from '../../functions/lib/agencies/parse';
import type { Agency } from '../../functions/lib/agencies/schema';
import { type AgencyProblem, AgencyRegistryError } from '../../functions/lib/agencies/validate';
import type { Lang } from '../../functions/lib/profile';
import { jsonText, print, printable, printError, progressReporter } from '../output';
import { table } from '../table';

export interface AgenciesDeps {
  doc: DynamoDBDocumentClient;
  table: string;
  /** Where results go (default: standard output). */
  out?: (text: string) => void;
  /** Where problems and progress go (default: standard error). */
  err?: (text: string) => void;
}

export interface AgenciesOptions {
  json?: boolean;
  lang?: Lang;
}

const TEXT = {
  id: {
    unreadable: (file: string, reason: string) => `Berkas ${file} tidak dapat dibaca (${reason}).`,
    problems: (n: number) => `Daftar instansi memiliki ${n} masalah; tidak ada yang diimpor:`,
    problem: (p: AgencyProblem) => `  baris ${p.line}${p.field ? `, ${p.field}` : ''}: ${p.message}`,
    imported: (n: number, c: number, u: number, s: number) =>
      `${n} instansi: ${c} baru, ${u} diperbarui, ${s} tidak berubah.`,
    progress: (done: number, total: number) => `  ${done}/${total} instansi ditulis`,
    headers: ['Kode', 'Nama', 'Induk', 'Provinsi', 'Kab/Kota', 'Jenis', 'Kontak'],
    total: (n: number) => `${n} instansi.`,
    empty: 'Belum ada instansi. Impor daftar dengan `proposals agencies import <berkas.csv>`.',
  },
  en: {
    unreadable: (file: string, reason: string) => `The file ${file} cannot be read (${reason}).`,
    problems: (n: number) => `The agency registry has ${n} problem(s); nothing was imported:`,
    problem: (p: AgencyProblem) => `  line ${p.line}${p.field ? `, ${p.field}` : ''}: ${p.messageEn}`,
    imported: (n: number, c: number, u: number, s: number) =>
      `${n} agencies: ${c} created, ${u} updated, ${s} unchanged.`,
    progress: (done: number, total: number) => `  ${done}/${total} agencies written`,
    headers: ['Code', 'Name', 'Parent', 'Province', 'Regency/City', 'Kind', 'Contacts'],
    total: (n: number) => `${n} agencies.`,
    empty: 'No agencies yet. Import a registry with `proposals agencies import <file.csv>`.',
  },
} as const;

function writers(deps: AgenciesDeps) {
  return {
    // Everything printed is cleaned (cli/output.ts): names and messages come from the imported file.
    out: (text: string) => (deps.out ?? print)(printable(text)),
    err: (text: string) => (deps.err ?? printError)(printable(text)),
  };
}

/** Imports a registry file (CSV or JSON) into the table; validates everything before writing anything. */
export async function agenciesImportCommand(
  file: string,
  opts: AgenciesOptions,
  deps: AgenciesDeps,
): Promise<number> {
  const { out, err } = writers(deps);
  const t = TEXT[opts.lang ?? 'id'];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    err(`${t.unreadable(file, (error as NodeJS.ErrnoException).code ?? String(error))}\n`);
    return 2;
  }
  const { agencies, errors } = parseAgencies(text, basename(file));
  const report = (problems: AgencyProblem[]) => {
    if (opts.json) out(`${jsonText({ imported: false, problems })}\n`);
    else err(`${[t.problems(problems.length), ...problems.map(t.problem)].join('\n')}\n`);
    return 1;
  };
  if (errors.length > 0) return report(errors);
  try {
    // A season's registry (thousands of agencies) takes a while against AWS.
    const onProgress = progressReporter(t.progress, opts.json, err);
    const result = await importAgencies(deps.doc, deps.table, agencies, { onProgress });
    if (opts.json) out(`${jsonText({ imported: true, ...result })}\n`);
    else out(`${t.imported(agencies.length, result.created, result.updated, result.unchanged)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof AgencyRegistryError) return report(error.problems);
    throw error;
  }
}

/** A plain-text table: columns as wide as their content, within a cap per column. */
export function formatAgencyTable(agencies: readonly Agency[], lang: Lang): string {
  const t = TEXT[lang];
  const caps = [24, 40, 36, 24, 24, 11, 40];
  const rows = agencies.map((a) => [
    a.code,
    a.name,
    a.parent,
    a.province,
    a.regency ?? '-',
    a.kind,
    a.contacts.join(', '),
  ]);
  return table([...t.headers], rows, caps);
}

/** Lists the registry, ordered by code: a table for people, or JSON. */
export async function agenciesListCommand(opts: AgenciesOptions, deps: AgenciesDeps): Promise<number> {
  const { out } = writers(deps);
  const lang: Lang = opts.lang ?? 'id';
  const t = TEXT[lang];
  const agencies = await listAgencies(deps.doc, deps.table);
  if (opts.json) {
    out(`${jsonText(agencies)}\n`);
    return 0;
  }
  if (agencies.length === 0) {
    out(`${t.empty}\n`);
    return 0;
  }
  out(`${formatAgencyTable(agencies, lang)}\n\n${t.total(agencies.length)}\n`);
  return 0;
}
