/**
 * Competition profile: everything a competition decides (groups, sections, word limits, identity fields,
 * categories, eligibility, review and scoring rules) as schema-validated data.
 * A new competition is a new profile, not new code.
 */
import kipp from '../../../profiles/kipp.json' with { type: 'json' };
import { DEFAULT_TIME_ZONE, zonedTime } from '../i18n';
import * as z from '../zod';

export type Lang = 'id' | 'en';
export interface LocalizedText {
  id: string;
  en: string;
}

export const FILE_FORMATS = ['docx', 'pdf', 'markdown', 'text', 'json'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const IDENTITY_FIELD_IDS = [
  'title',
  'institution',
  'group',
  'category',
  'startDate',
  'innovator',
  'email',
  'phone',
  'video',
] as const;
export type IdentityFieldId = (typeof IDENTITY_FIELD_IDS)[number];

/** Messages of the schema, by key, in both languages. */
const MESSAGES: Record<string, LocalizedText> = {
  positive_int: { en: 'expected a positive integer', id: 'harus bilangan bulat positif' },
  non_negative_int: { en: 'expected a whole number of 0 or more', id: 'harus bilangan bulat 0 atau lebih' },
  integer: { en: 'expected an integer', id: 'harus bilangan bulat' },
  number: { en: 'expected a number', id: 'harus angka' },
  non_negative: { en: 'expected a number of 0 or more', id: 'harus angka 0 atau lebih' },
  boolean: { en: 'expected true or false', id: 'harus true atau false' },
  text: { en: 'expected a non-empty text', id: 'harus teks yang tidak kosong' },
  slug: {
    en: 'expected an id of lowercase letters, digits and dashes (e.g. "ide-inovatif")',
    id: 'harus id berupa huruf kecil, angka dan tanda hubung (mis. "ide-inovatif")',
  },
  text_list: { en: 'expected a list of texts', id: 'harus daftar teks' },
  non_empty_list: { en: 'expected a non-empty list', id: 'harus daftar yang tidak kosong' },
  date: { en: 'expected a date as YYYY-MM-DD', id: 'harus tanggal berformat YYYY-MM-DD' },
  language: { en: 'expected "id" or "en"', id: 'harus "id" atau "en"' },
  time_zone: {
    en: 'expected an IANA time zone such as "Asia/Jakarta"',
    id: 'harus zona waktu IANA seperti "Asia/Jakarta"',
  },
  format: {
    en: `unknown format; expected one of ${FILE_FORMATS.join(', ')}`,
    id: `format tidak dikenal; pilihan: ${FILE_FORMATS.join(', ')}`,
  },
  identity_id: {
    en: `unknown identity field; expected one of ${IDENTITY_FIELD_IDS.join(', ')}`,
    id: `kolom identitas tidak dikenal; pilihan: ${IDENTITY_FIELD_IDS.join(', ')}`,
  },
  duplicate_titles: {
    en: 'expected "error", "warning" or "allow"',
    id: 'harus "error", "warning" atau "allow"',
  },
  object: { en: 'expected an object', id: 'harus objek' },
  weights_sum: { en: 'the weights must sum to more than 0', id: 'jumlah bobot harus lebih dari 0' },
  scale: { en: 'scaleMax must be greater than scaleMin', id: 'scaleMax harus lebih besar dari scaleMin' },
  min_reviews: {
    en: 'minReviews cannot exceed reviewersPerProposal',
    id: 'minReviews tidak boleh melebihi reviewersPerProposal',
  },
  duplicate_id: { en: 'duplicate id', id: 'id ganda' },
  localized: { en: 'expected { "id": text, "en": text }', id: 'harus { "id": teks, "en": teks }' },
  quota_field: {
    en: 'expected "category", "group", "agencyKind" or "region3T"',
    id: 'harus "category", "group", "agencyKind" atau "region3T"',
  },
  share: { en: 'expected a share from 0 to 1', id: 'harus bagian dari 0 sampai 1' },
};

const m = (key: keyof typeof MESSAGES & string) => ({ error: key });

/** Portal settings of a profile that leaves them out. */
export const PORTAL_DEFAULTS = {
  linkMarginDays: 120,
  formMinutes: 15,
  draftsPerHour: 30,
  submissionsPerHour: 10,
};

/**
 * The profile's schema, built on first use: a deployed function runs with the profile synth validated and
 * embedded (profile-config.ts), so its cold start neither builds nor runs the schema.
 */
function buildProfileSchema() {
  const text = z.string(m('text')).check(z.trim(), z.minLength(1, m('text')));
  const slug = z.string(m('slug')).check(z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, m('slug')));
  const textList = z.array(text, m('text_list'));
  const positiveInt = z.int(m('positive_int')).check(z.positive(m('positive_int')));
  const nonNegativeInt = z.int(m('non_negative_int')).check(z.gte(0, m('non_negative_int')));
  const bool = z.boolean(m('boolean'));
  const isoDate = z.string(m('date')).check(
    z.refine((value) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
      const d = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
    }, m('date')),
  );
  const localized = z.strictObject({ id: text, en: text }, m('localized'));
  const timeZone = z.string(m('time_zone')).check(
    z.refine((value) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: value });
        return true;
      } catch {
        return false;
      }
    }, m('time_zone')),
  );

  /** Adds a "duplicate id" issue at each repeated id of a list. */
  function uniqueIds<T extends { id: string }>(
    items: T[],
    ctx: z.core.$RefinementCtx,
    path: (string | number)[],
  ) {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item.id)) {
        ctx.addIssue({ code: 'custom', path: [...path, index, 'id'], message: 'duplicate_id' });
      }
      seen.add(item.id);
    });
  }

  const sectionSchema = z.strictObject(
    {
      id: slug,
      name: text,
      aliases: z._default(textList, []),
      maxWords: positiveInt,
      required: z._default(bool, true),
    },
    m('object'),
  );

  const groupSchema = z
    .strictObject(
      {
        id: slug,
        name: text,
        aliases: z._default(textList, []),
        minAgeYears: z.number(m('non_negative')).check(z.gte(0, m('non_negative'))),
        quotaPerInstitution: positiveInt,
        sections: z.array(sectionSchema, m('non_empty_list')).check(z.minLength(1, m('non_empty_list'))),
      },
      m('object'),
    )
    .check(z.superRefine((group, ctx) => uniqueIds(group.sections, ctx, ['sections'])));

  const profileSchema = z
    .strictObject(
      {
        id: slug,
        name: text,
        language: z.enum(['id', 'en'], m('language')),
        submissionDeadline: isoDate,
        /** IANA time zone the competition's dates are stated in (deadlines, dates in emails and pages). */
        timeZone: z._default(timeZone, DEFAULT_TIME_ZONE),
        files: z.strictObject(
          {
            maxBytes: positiveInt,
            formats: z
              .array(z.enum(FILE_FORMATS, m('format')), m('non_empty_list'))
              .check(z.minLength(1, m('non_empty_list'))),
          },
          m('object'),
        ),
        identityFields: z
          .array(
            z.strictObject(
              {
                id: z.enum(IDENTITY_FIELD_IDS, m('identity_id')),
                labels: z.array(text, m('non_empty_list')).check(z.minLength(1, m('non_empty_list'))),
                required: z._default(bool, true),
              },
              m('object'),
            ),
            m('non_empty_list'),
          )
          .check(z.minLength(1, m('non_empty_list'))),
        categories: z
          .array(
            z.strictObject({ id: slug, name: text, aliases: z._default(textList, []) }, m('object')),
            m('non_empty_list'),
          )
          .check(z.minLength(1, m('non_empty_list'))),
        groups: z.array(groupSchema, m('non_empty_list')).check(z.minLength(1, m('non_empty_list'))),
        eligibility: z.strictObject(
          { duplicateTitles: z.enum(['error', 'warning', 'allow'], m('duplicate_titles')) },
          m('object'),
        ),
        /** The submitters' portal: how long its links and forms work, and how many uploads an agency makes an hour. */
        portal: z._default(
          z.strictObject(
            {
              /** Invitation links keep working this many days after submissions close (to follow the review). */
              linkMarginDays: nonNegativeInt,
              /** How long an upload form works once the page is served. */
              formMinutes: positiveInt,
              /** Upload forms an agency gets per hour, drafts to check and submissions. */
              draftsPerHour: positiveInt,
              submissionsPerHour: positiveInt,
            },
            m('object'),
          ),
          PORTAL_DEFAULTS,
        ),
        review: z.strictObject(
          {
            reviewersPerProposal: positiveInt,
            minReviews: positiveInt,
            windowDays: positiveInt,
            graceDays: nonNegativeInt,
            /** The most days ops may add to a task's due date in all (`proposals extend`). */
            maxExtensionDays: z._default(positiveInt, 60),
            reminderOffsetsDays: z.array(z.int(m('integer')), m('text_list')),
            maxReassignments: nonNegativeInt,
            requireExpertiseMatch: bool,
            sameRegionConflict: bool,
            disagreementThreshold: z.number(m('non_negative')).check(z.gte(0, m('non_negative'))),
          },
          m('object'),
        ),
        /** Finalists under quotas (`proposals finalists`): how many, the quotas, and the 3T regions. */
        finalists: z.optional(
          z.strictObject(
            {
              top: positiveInt,
              quotas: z.array(
                z.strictObject(
                  {
                    id: slug,
                    /** category, group, agencyKind, or region3T (the proposal's regency is in `regions3T`). */
                    field: z.enum(['category', 'group', 'agencyKind', 'region3T'], m('quota_field')),
                    /** One value; absent: the bounds apply to each value. */
                    value: z.optional(text),
                    min: z.optional(nonNegativeInt),
                    max: z.optional(nonNegativeInt),
                    minShare: z.optional(
                      z.number(m('share')).check(z.gte(0, m('share')), z.lte(1, m('share'))),
                    ),
                    maxShare: z.optional(
                      z.number(m('share')).check(z.gte(0, m('share')), z.lte(1, m('share'))),
                    ),
                  },
                  m('object'),
                ),
                m('non_empty_list'),
              ),
              regions3T: textList,
            },
            m('object'),
          ),
        ),
        scoring: z.strictObject(
          {
            scaleMin: z.number(m('number')),
            scaleMax: z.number(m('number')),
            criteria: z
              .array(
                z.strictObject(
                  {
                    id: slug,
                    name: localized,
                    weight: z.number(m('non_negative')).check(z.gte(0, m('non_negative'))),
                  },
                  m('object'),
                ),
                m('non_empty_list'),
              )
              .check(z.minLength(1, m('non_empty_list'))),
          },
          m('object'),
        ),
      },
      m('object'),
    )
    .check(
      z.superRefine((profile, ctx) => {
        uniqueIds(profile.identityFields, ctx, ['identityFields']);
        uniqueIds(profile.categories, ctx, ['categories']);
        uniqueIds(profile.groups, ctx, ['groups']);
        uniqueIds(profile.scoring.criteria, ctx, ['scoring', 'criteria']);
        const total = profile.scoring.criteria.reduce((sum, c) => sum + c.weight, 0);
        if (!(total > 0))
          ctx.addIssue({ code: 'custom', path: ['scoring', 'criteria'], message: 'weights_sum' });
        if (!(profile.scoring.scaleMax > profile.scoring.scaleMin)) {
          ctx.addIssue({ code: 'custom', path: ['scoring', 'scaleMax'], message: 'scale' });
        }
        if (profile.review.minReviews > profile.review.reviewersPerProposal) {
          ctx.addIssue({ code: 'custom', path: ['review', 'minReviews'], message: 'min_reviews' });
        }
      }),
    );
  return profileSchema;
}

let schema: ReturnType<typeof buildProfileSchema> | undefined;

export type Profile = z.infer<ReturnType<typeof buildProfileSchema>>;
export type ProfileGroup = Profile['groups'][number];
export type ProfileSection = ProfileGroup['sections'][number];
export type ProfileCategory = Profile['categories'][number];

export interface ProfileProblem {
  /** Field path such as `groups[1].sections[0].maxWords` (empty for the whole document). */
  path: string;
  message: LocalizedText;
}

/** A profile that cannot be used; the message names each offending field. */
export class ProfileError extends Error {
  override name = 'ProfileError' as const;
  constructor(
    readonly source: string,
    readonly problems: ProfileProblem[],
    readonly localized: LocalizedText,
  ) {
    super(localized.en);
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): LocalizedText {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return { en: `unknown field ${keys}`, id: `kolom tidak dikenal ${keys}` };
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return { en: 'is required', id: 'wajib diisi' };
  }
  const known = MESSAGES[issue.message];
  if (known) return known;
  return { en: issue.message, id: issue.message };
}

export function profileError(source: string, problems: ProfileProblem[]): ProfileError {
  const join = (lang: Lang) =>
    problems.map((p) => (p.path ? `${p.path}: ${p.message[lang]}` : p.message[lang])).join('; ');
  return new ProfileError(source, problems, {
    en: `Profile ${source} is invalid: ${join('en')}`,
    id: `Profil ${source} tidak valid: ${join('id')}`,
  });
}

/** Validates a parsed JSON value as a profile; throws ProfileError naming each offending field. */
export function parseProfile(json: unknown, source: string): Profile {
  // With the input in each issue, a wrong type ("14" for 14, 7.5 for a whole number) is not told apart from a
  // missing field by describeIssue.
  schema ??= buildProfileSchema();
  const result = schema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: describeIssue(issue),
  }));
  throw profileError(source, problems);
}

/**
 * Top-level template metadata key under which the deployed Logic stack carries its profile (infra writes it, the
 * `proposals` CLI and the local runtime read it).
 */
export const PROFILE_METADATA_KEY = 'ProposalsProfile';

/** Profiles shipped with the code (static imports, so they survive bundling). */
const BUNDLED: Record<string, unknown> = { kipp };

export function bundledProfileNames(): string[] {
  return Object.keys(BUNDLED);
}

/** True when `nameOrPath` names a bundled profile (a bare name such as "kipp") rather than a file. */
export function isProfileName(nameOrPath: string): boolean {
  return /^[a-z0-9-]+$/.test(nameOrPath);
}

/** A bundled profile by name, validated. */
export function bundledProfile(name: string): Profile {
  const bundled = BUNDLED[name];
  if (bundled === undefined) {
    const names = bundledProfileNames().join(', ');
    throw profileError(name, [
      {
        path: '',
        message: {
          en: `no bundled profile named "${name}" (available: ${names}); pass a path to a JSON file instead`,
          id: `tidak ada profil bawaan bernama "${name}" (tersedia: ${names}); gunakan path ke berkas JSON`,
        },
      },
    ]);
  }
  return parseProfile(bundled, `${name} (bundled)`);
}

/** A profile from the text of a JSON file (`source` names the file in errors), validated. */
export function parseProfileText(raw: string, source: string): Profile {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    const reason = (error as Error).message;
    throw profileError(source, [
      { path: '', message: { en: `not valid JSON (${reason})`, id: `bukan JSON yang valid (${reason})` } },
    ]);
  }
  return parseProfile(json, source);
}

/**
 * The longest a review task can stay open after its assignment: the review window, plus the most ops may extend
 * it by, plus the grace period after which the sweep times it out.
 */
export function longestReviewDays(
  review: Pick<Profile['review'], 'windowDays' | 'maxExtensionDays' | 'graceDays'>,
): number {
  return review.windowDays + review.maxExtensionDays + review.graceDays;
}

/**
 * When submissions close: the end of the submission deadline day in the competition's time zone, unless the
 * deployment states another instant (`override`, an ISO date-time, e.g. the local runtime's open season).
 */
export function submissionsClose(
  profile: Pick<Profile, 'submissionDeadline' | 'timeZone'>,
  override?: string,
): Date {
  if (override) {
    const at = new Date(override);
    if (!Number.isNaN(at.getTime())) return at;
  }
  const end = zonedTime(profile.submissionDeadline, '23:59:59', profile.timeZone);
  if (!end) throw new RangeError(`The submission deadline ${profile.submissionDeadline} is not a date`);
  return new Date(end.getTime() + 999);
}

/** Why a file stored at `storedAt` is too late, in words for the submitter and ops; undefined when on time. */
export function lateUploadReason(
  storedAt: Date,
  closesAt: Date,
  profile: Pick<Profile, 'timeZone'>,
): string | undefined {
  if (storedAt.getTime() < closesAt.getTime()) return undefined;
  const when = (at: Date) =>
    `${at.toLocaleString('en-GB', { timeZone: profile.timeZone, dateStyle: 'medium', timeStyle: 'short' })} (${profile.timeZone})`;
  return `Received after the deadline: stored ${when(storedAt)}, submissions closed ${when(closesAt)}. The file is kept but not reviewed; contact the organisers if you believe this is wrong.`;
}
