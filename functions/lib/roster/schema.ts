/** The reviewer record at the storage boundary (zod), shared by roster import and assignment. */
import type { Reviewer } from '../model';
import * as z from '../zod';

/** A trimmed, non-empty string. */
const text = () => z.string().check(z.trim(), z.minLength(1));

export const reviewerSchema = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)),
  name: text(),
  email: z.email(),
  institution: text(),
  government: z.optional(text()),
  province: z.optional(text()),
  regency: z.optional(text()),
  expertise: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  capacity: z.int().check(z.positive()),
  load: z.int().check(z.minimum(0)),
  language: z.enum(['id', 'en']),
  active: z.boolean(),
  conflicts: z.array(z.string().check(z.minLength(1))),
}) satisfies z.ZodMiniType<Reviewer>;

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
