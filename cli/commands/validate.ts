/**
 * `proposals validate <files...>`: checks proposal files offline against a competition profile.
 * Exit code: 0 all valid, 1 any invalid, 2 a file (or the profile) cannot be read at all.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadProfile } from '../../functions/lib/adapters/profile-file';
import { type Lang, type Profile, ProfileError } from '../../functions/lib/profile';
import { formatReport, type ValidationReport, validateDocument } from '../../functions/lib/validation';
import { jsonText, print, printError } from '../output';

export interface ValidateCommandOptions {
  profile?: string;
  json?: boolean;
  lang?: Lang;
}

interface JsonIssue {
  code: string;
  severity: 'error' | 'warning';
  section?: string;
  message: string;
  hint: string;
}

interface JsonResult {
  file: string;
  valid: boolean;
  format?: ValidationReport['format'];
  group?: string;
  category?: string;
  sections: ValidationReport['sections'];
  issues: JsonIssue[];
}

const TEXT = {
  id: {
    unreadable: (reason: string) => `berkas tidak dapat dibaca (${reason})`,
    unreadableHint: 'Periksa nama dan lokasi berkas serta izin aksesnya.',
    total: (n: number, ok: number, bad: number, unread: number) =>
      `${n} berkas: ${ok} lolos, ${bad} tidak lolos${unread ? `, ${unread} tidak dapat dibaca` : ''}`,
  },
  en: {
    unreadable: (reason: string) => `the file cannot be read (${reason})`,
    unreadableHint: 'Check the file name, its location and its permissions.',
    total: (n: number, ok: number, bad: number, unread: number) =>
      `${n} file${n === 1 ? '' : 's'}: ${ok} passed, ${bad} not passed${unread ? `, ${unread} unreadable` : ''}`,
  },
} as const;

/** Reads at most limit + 1 bytes (enough to know the file is too large) and the real size. */
async function readBounded(path: string, limit: number): Promise<{ bytes: Uint8Array; size: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, limit + 1);
    const bytes = new Uint8Array(length);
    let offset = 0;
    while (offset < length) {
      const { bytesRead } = await handle.read(bytes, offset, length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return { bytes: bytes.subarray(0, offset), size };
  } finally {
    await handle.close();
  }
}

function toJson(file: string, report: ValidationReport, lang: Lang): JsonResult {
  const result: JsonResult = {
    file,
    valid: report.valid,
    format: report.format,
    sections: report.sections,
    issues: report.issues.map((i) => {
      const issue: JsonIssue = {
        code: i.code,
        severity: i.severity,
        message: i.message[lang],
        hint: i.hint[lang],
      };
      if (i.section) issue.section = i.section;
      return issue;
    }),
  };
  if (report.group) result.group = report.group;
  if (report.category) result.category = report.category;
  return result;
}

export async function validateCommand(files: string[], opts: ValidateCommandOptions = {}): Promise<number> {
  const out = print;
  let profile: Profile;
  try {
    profile = loadProfile(opts.profile);
  } catch (error) {
    const lang = opts.lang ?? 'id';
    const message = error instanceof ProfileError ? error.localized[lang] : String(error);
    printError(`${message}\n`);
    return 2;
  }
  const lang: Lang = opts.lang ?? profile.language;
  const t = TEXT[lang];
  const results: JsonResult[] = [];
  let invalid = 0;
  let unreadable = 0;
  for (const file of files) {
    let read: { bytes: Uint8Array; size: number };
    try {
      read = await readBounded(file, profile.files.maxBytes);
    } catch (error) {
      unreadable++;
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      results.push({
        file,
        valid: false,
        sections: [],
        issues: [
          {
            code: 'FILE_UNREADABLE',
            severity: 'error',
            message: t.unreadable(reason),
            hint: t.unreadableHint,
          },
        ],
      });
      if (!opts.json) out(`== ${file} ==\n${t.unreadable(reason)}\n${t.unreadableHint}\n\n`);
      continue;
    }
    const report = await validateDocument(read.bytes, profile, {
      fileName: basename(file),
      declaredSize: read.size,
    });
    if (!report.valid) invalid++;
    results.push(toJson(file, report, lang));
    if (!opts.json) out(`== ${file} ==\n${formatReport(report, lang)}\n`);
  }
  if (opts.json) out(`${jsonText(results)}\n`);
  else out(`${t.total(files.length, files.length - invalid - unreadable, invalid, unreadable)}\n`);
  if (unreadable) return 2;
  return invalid ? 1 : 0;
}
