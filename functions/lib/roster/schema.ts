/** The reviewer record at the storage boundary (zod), shared by roster import and assignment. */
import { z } from 'zod';
import type { Reviewer } from '../model';

export const reviewerSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  name: z.string().trim().min(1),
  email: z.email(),
  institution: z.string().trim().min(1),
  government: z.string().trim().min(1).optional(),
  province: z.string().trim().min(1).optional(),
  regency: z.string().trim().min(1).optional(),
  expertise: z.array(z.string().min(1)).min(1),
  capacity: z.number().int().positive(),
  load: z.number().int().min(0),
  language: z.enum(['id', 'en']),
  active: z.boolean(),
  conflicts: z.array(z.string().min(1)),
}) satisfies z.ZodType<Reviewer>;

/** Fields a roster file sets; `load` belongs to assignment and is never written by an import. */
export const ROSTER_FIELDS = [
  'name',
  'email',
  'institution',
  'government',
  'province',
  'regency',
  'expertise',
  'capacity',
  'language',
  'active',
  'conflicts',
] as const satisfies ReadonlyArray<keyof Reviewer>;

/** A stored reviewer item does not have the reviewer's shape. */
export class MalformedReviewerError extends Error {
  override name = 'MalformedReviewer';
}

/** A reviewer from a stored item (key attributes dropped). */
export function reviewerFromItem(item: Record<string, unknown>): Reviewer {
  const parsed = reviewerSchema.safeParse(item);
  if (!parsed.success) {
    throw new MalformedReviewerError(
      `Malformed reviewer item ${String(item.PK)}: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}
