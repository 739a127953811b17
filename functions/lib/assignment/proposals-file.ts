/**
 * The proposals file of `proposals plan` (pure): one JSON object a line, `id, institution, agency, category`
 * (profile category id, name or alias), optional `group, province, regency, parent, contactEmail`. Every field
 * is hostile: strings only, bounded, no control characters; unknown fields are refused; every problem is
 * reported with its line before anything is planned.
 */

import * as z from '../zod';
import { categoryId } from './plan';
import type { AssignmentProfile } from './profile';
import type { ProposalForAssignment } from './rules';

/** A planned proposal: what assignment reads, plus its group (kept for reports). */
export interface PlanProposal extends ProposalForAssignment {
  group?: string;
}

export interface ProposalLineProblem {
  line: number;
  field?: string;
  message: string;
}

/** The most lines one file may hold, and the longest line. */
export const MAX_PROPOSAL_LINES = 100_000;
export const MAX_LINE_CHARS = 4_000;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const text = (max: number) =>
  z.string('must be text').check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(max, `at most ${max} characters`),
    z.refine((v) => !CONTROL.test(v), 'must not contain control characters'),
  );

const lineSchema = z.strictObject(
  {
    id: text(200).check(z.regex(/^[\p{L}\p{N}._:/-]+$/u, 'letters, digits and . _ : / - only')),
    institution: text(300),
    agency: text(300),
    category: text(200),
    group: z.optional(text(100)),
    province: z.optional(text(200)),
    regency: z.optional(text(200)),
    parent: z.optional(text(300)),
    contactEmail: z.optional(text(320).check(z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'not an email address'))),
  },
  'must be a JSON object',
);

/** Reads the file; categories are matched to the profile's by id, name or alias. */
export function parseProposalLines(
  input: string,
  profile: Pick<AssignmentProfile, 'categories'>,
): { proposals: PlanProposal[]; problems: ProposalLineProblem[] } {
  const proposals: PlanProposal[] = [];
  const problems: ProposalLineProblem[] = [];
  const lines = input.replace(/^\uFEFF/, '').split(/\r?\n/);
  const seen = new Map<string, number>();
  let count = 0;
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    if (raw.trim() === '') continue;
    if (++count > MAX_PROPOSAL_LINES) {
      problems.push({ line, message: `more than ${MAX_PROPOSAL_LINES} proposals` });
      break;
    }
    if (raw.length > MAX_LINE_CHARS) {
      problems.push({ line, message: `line longer than ${MAX_LINE_CHARS} characters` });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push({ line, message: 'not a JSON object' });
      continue;
    }
    const parsed = lineSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({
          line,
          ...(issue.path.length > 0 ? { field: issue.path.join('.') } : {}),
          message: issue.message,
        });
      }
      continue;
    }
    const p = parsed.data;
    const category = categoryId(profile, p.category);
    if (!category) {
      problems.push({ line, field: 'category', message: `unknown category "${p.category}"` });
      continue;
    }
    const first = seen.get(p.id);
    if (first !== undefined) {
      problems.push({ line, field: 'id', message: `duplicate id "${p.id}" (first on line ${first})` });
      continue;
    }
    seen.set(p.id, line);
    proposals.push({
      id: p.id,
      institution: p.institution,
      agency: p.agency,
      category,
      ...(p.group ? { group: p.group } : {}),
      ...(p.province ? { province: p.province } : {}),
      ...(p.regency ? { regency: p.regency } : {}),
      ...(p.parent ? { parentGovernment: p.parent } : {}),
      ...(p.contactEmail ? { contactEmail: p.contactEmail } : {}),
    });
  }
  if (count === 0 && problems.length === 0) problems.push({ line: 1, message: 'the file holds no proposal' });
  return { proposals, problems };
}
