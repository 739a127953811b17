/** Roster problems (bilingual, naming line and field) and the checks shared by parsing and import. */
import type { Reviewer } from '../model';
import { type FileProblem, problem } from '../registry/rows';
import { reviewerSchema } from './schema';

/** A problem of the file, with its line and field, in both languages. */
export type RosterProblem = FileProblem;

/** A roster that cannot be imported; nothing was written. */
export class RosterError extends Error {
  override name = 'RosterError';
  constructor(readonly problems: RosterProblem[]) {
    super(
      `The roster has ${problems.length} problem(s); nothing was imported. ${problems
        .slice(0, 5)
        .map((p) => `line ${p.line}, ${p.field}: ${p.messageEn}`)
        .join('; ')}`,
    );
  }
}

export { problem };

/** Duplicate ids and emails (compared case-insensitively); each repeat names the line of the first. */
export function findDuplicates(
  entries: ReadonlyArray<{ line: number; reviewer: Reviewer }>,
): RosterProblem[] {
  const problems: RosterProblem[] = [];
  const ids = new Map<string, number>();
  const emails = new Map<string, number>();
  for (const { line, reviewer } of entries) {
    const id = reviewer.id.toLowerCase();
    const firstId = ids.get(id);
    if (firstId !== undefined) {
      problems.push(
        problem(
          line,
          'id',
          `id "${reviewer.id}" sudah dipakai di baris ${firstId}`,
          `id "${reviewer.id}" is already used on line ${firstId}`,
        ),
      );
    } else ids.set(id, line);
    const email = reviewer.email.trim().toLowerCase();
    const firstEmail = emails.get(email);
    if (firstEmail !== undefined) {
      problems.push(
        problem(
          line,
          'email',
          `email "${reviewer.email}" sudah dipakai di baris ${firstEmail}`,
          `email "${reviewer.email}" is already used on line ${firstEmail}`,
        ),
      );
    } else emails.set(email, line);
  }
  return problems;
}

/** Checks reviewers given in code (shape and duplicates) before anything is written. */
export function validateRoster(reviewers: readonly Reviewer[]): RosterProblem[] {
  const problems: RosterProblem[] = [];
  reviewers.forEach((reviewer, index) => {
    const parsed = reviewerSchema.safeParse(reviewer);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      problems.push(
        problem(index + 1, field, `nilai tidak valid (${issue.message})`, `invalid value (${issue.message})`),
      );
    }
  });
  return [
    ...problems,
    ...findDuplicates(reviewers.map((reviewer, index) => ({ line: index + 1, reviewer }))),
  ];
}
