import { type FileProblem, problem } from '../registry/rows';
/** Agency registry problems (bilingual, naming line and field) and the checks shared by parsing and import. */
import { type Agency, agencySchema } from './schema';

/** A problem of the file, with its line and field, in both languages. */
export type AgencyProblem = FileProblem;

/** A registry that cannot be imported; nothing was written. */
export class AgencyRegistryError extends Error {
  override name = 'AgencyRegistryError';
  constructor(readonly problems: AgencyProblem[]) {
    super(
      `The agency registry has ${problems.length} problem(s); nothing was imported. ${problems
        .slice(0, 5)
        .map((p) => `line ${p.line}, ${p.field}: ${p.messageEn}`)
        .join('; ')}`,
    );
  }
}

export { problem };

/** Duplicate codes; each repeat names the line of the first. */
export function findDuplicateCodes(
  entries: ReadonlyArray<{ line: number; agency: Agency }>,
): AgencyProblem[] {
  const problems: AgencyProblem[] = [];
  const codes = new Map<string, number>();
  for (const { line, agency } of entries) {
    const code = agency.code.toLowerCase();
    const first = codes.get(code);
    if (first !== undefined) {
      problems.push(
        problem(
          line,
          'code',
          `kode "${agency.code}" sudah dipakai di baris ${first}`,
          `code "${agency.code}" is already used on line ${first}`,
        ),
      );
    } else codes.set(code, line);
  }
  return problems;
}

/** Checks agencies given in code (shape and duplicate codes) before anything is written. */
export function validateAgencies(agencies: readonly Agency[]): AgencyProblem[] {
  const problems: AgencyProblem[] = [];
  agencies.forEach((agency, index) => {
    const parsed = agencySchema.safeParse(agency);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      problems.push(
        problem(index + 1, field, `nilai tidak valid (${issue.message})`, `invalid value (${issue.message})`),
      );
    }
  });
  return [...problems, ...findDuplicateCodes(agencies.map((agency, index) => ({ line: index + 1, agency })))];
}
