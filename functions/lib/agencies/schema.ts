/** The agency record at the storage boundary (zod): a submitter of the competition, keyed by its code. */
import { AGENCY_CODE } from '../uploads';
import * as z from '../zod';

/** Kinds of participant the competition distinguishes (and the finalists are balanced on). */
export const AGENCY_KINDS = ['ministry', 'institution', 'province', 'regency', 'city', 'enterprise'] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

/** Bounds on a cell (a registry comes from spreadsheets nobody checked). */
export const AGENCY_LIMITS = {
  name: 200,
  parent: 200,
  province: 100,
  regency: 100,
  email: 254,
  contacts: 10,
  aliases: 20,
} as const;

export interface Agency {
  /** Lowercase slug, the `<agency>` folder of upload keys (incoming/<code>/<file>). */
  code: string;
  name: string;
  /** The government (or parent body) the agency belongs to, e.g. "Pemerintah Kota Depok". */
  parent: string;
  province: string;
  /** Regency or city; required for regencies and cities, optional otherwise. */
  regency?: string;
  kind: AgencyKind;
  /** Contact emails (lowercase), one or more. */
  contacts: string[];
  language: 'id' | 'en';
  /**
   * Other names the agency's proposals may give as their Instansi (e.g. "Pemkot Surabaya"); the name, the parent
   * and, for a regional government, its offices named after the region are recognized without them.
   */
  aliases?: string[];
}

const cell = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const agencySchema = z.object({
  code: z.string().check(z.regex(AGENCY_CODE)),
  name: cell(AGENCY_LIMITS.name),
  parent: cell(AGENCY_LIMITS.parent),
  province: cell(AGENCY_LIMITS.province),
  regency: z.optional(cell(AGENCY_LIMITS.regency)),
  kind: z.enum(AGENCY_KINDS),
  contacts: z
    .array(z.email().check(z.maxLength(AGENCY_LIMITS.email)))
    .check(z.minLength(1), z.maxLength(AGENCY_LIMITS.contacts)),
  language: z.enum(['id', 'en']),
  aliases: z.optional(
    z.array(cell(AGENCY_LIMITS.name)).check(z.minLength(1), z.maxLength(AGENCY_LIMITS.aliases)),
  ),
}) satisfies z.ZodMiniType<Agency>;

/** Fields a registry file sets (an import owns all of them; later fields of the item are left alone). */
export const AGENCY_FIELDS = [
  'name',
  'parent',
  'province',
  'regency',
  'kind',
  'contacts',
  'language',
  'aliases',
] as const satisfies ReadonlyArray<keyof Agency>;

/** A stored agency item does not have the agency's shape. */
export class MalformedAgencyError extends Error {
  override name = 'MalformedAgency';
}

/** An agency from a stored item (key attributes and fields of later features dropped). */
export function agencyFromItem(item: Record<string, unknown>): Agency {
  const parsed = agencySchema.safeParse(item);
  if (!parsed.success) {
    throw new MalformedAgencyError(
      `Malformed agency item ${String(item.PK)}: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}
