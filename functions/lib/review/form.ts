/**
 * The reviewer's decision as posted by the review page (urlencoded) or by a client (JSON).
 *
 * Field names, shared by the form in page.ts and by JSON bodies:
 * - `action`: `accept` | `decline` | `submit`
 * - `reason`: why the reviewer declines (required for `decline`)
 * - `scores.<criterionId>`: one integer per scoring criterion of the profile (urlencoded); in JSON,
 *   `scores: { <criterionId>: n }`
 * - `comment`: optional remarks with the scores
 * Error `field`s use the same names (`scores.kebaruan`, `reason`, ...), so the form can show each error
 * next to its input.
 */
import type { Text } from '../i18n';
import * as z from '../zod';
import type { ReviewProfile } from './profile';

export const FORM_LIMITS = {
  /** Largest accepted body (bytes, UTF-8); a full score form with a long comment stays far below it. */
  maxBodyBytes: 16 * 1024,
  maxCommentChars: 4000,
  minReasonChars: 10,
  maxReasonChars: 1000,
} as const;

export type Decision =
  | { action: 'accept' }
  | { action: 'decline'; reason: string }
  | { action: 'submit'; scores: Record<string, number>; comment: string };

export interface FieldError {
  field: string;
  message: Text;
}

export type DecisionResult = { ok: true; decision: Decision } | { ok: false; errors: FieldError[] };

type ScoringProfile = Pick<ReviewProfile, 'scoring'>;

const ACTIONS = ['accept', 'decline', 'submit'] as const;

/** Free text as stored: NFC, `\n` line ends, no control characters but tab and newline, trimmed. */
export function cleanText(value: string): string {
  return (
    value
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
      .trim()
  );
}

/**
 * Form values arrive as strings: a decimal numeral becomes a number (the integer check then rejects
 * fractions), an empty field counts as missing, anything else stays a string and fails the number check.
 */
function toNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return /^[+-]?\d{1,6}(\.\d{1,6})?$/.test(trimmed) ? Number(trimmed) : value;
}

const schemas = new WeakMap<object, z.ZodMiniType>();

function schemaFor(profile: ScoringProfile): z.ZodMiniType {
  const cached = schemas.get(profile.scoring);
  if (cached) return cached;
  const { scaleMin, scaleMax, criteria } = profile.scoring;
  const score = z.pipe(z.transform(toNumber), z.int().check(z.gte(scaleMin), z.lte(scaleMax)));
  const scores = z.strictObject(Object.fromEntries(criteria.map((c) => [c.id, score])));
  const schema = z.discriminatedUnion('action', [
    z.strictObject({ action: z.literal('accept') }),
    z.strictObject({
      action: z.literal('decline'),
      reason: z.pipe(
        z.pipe(z.string(), z.transform(cleanText)),
        z.string().check(z.minLength(FORM_LIMITS.minReasonChars), z.maxLength(FORM_LIMITS.maxReasonChars)),
      ),
    }),
    z.strictObject({
      action: z.literal('submit'),
      scores,
      comment: z._default(
        z.pipe(
          z.pipe(z.string(), z.transform(cleanText)),
          z.string().check(z.maxLength(FORM_LIMITS.maxCommentChars)),
        ),
        '',
      ),
    }),
  ]);
  schemas.set(profile.scoring, schema);
  return schema;
}

const M = {
  contentType: {
    id: 'Format kiriman tidak didukung; kirim formulir (application/x-www-form-urlencoded) atau JSON dalam UTF-8.',
    en: 'Unsupported request format; send a form (application/x-www-form-urlencoded) or JSON in UTF-8.',
  },
  empty: { id: 'Kiriman kosong.', en: 'The request is empty.' },
  tooLarge: {
    id: 'Kiriman terlalu besar (maksimal {max} KB). Persingkat catatan Anda.',
    en: 'The request is too large (at most {max} KB). Please shorten your comment.',
  },
  json: { id: 'Kiriman bukan JSON yang valid.', en: 'The request is not valid JSON.' },
  jsonObject: { id: 'Kiriman JSON harus berupa objek.', en: 'The JSON request must be an object.' },
  duplicate: {
    id: 'Isian "{key}" dikirim lebih dari sekali.',
    en: 'The field "{key}" was sent more than once.',
  },
  action: {
    id: 'Pilih salah satu tindakan: terima, tolak, atau kirim nilai.',
    en: 'Choose an action: accept, decline or submit scores.',
  },
  scoreMissing: { id: 'Nilai untuk kriteria {name} belum diisi.', en: 'Give a score for {name}.' },
  scoreRange: {
    id: 'Nilai untuk kriteria {name} harus bilangan bulat dari {min} sampai {max}.',
    en: 'The score for {name} must be a whole number from {min} to {max}.',
  },
  unknownCriterion: { id: 'Kriteria "{key}" tidak dikenal.', en: 'Unknown criterion "{key}".' },
  unknownField: { id: 'Isian "{key}" tidak dikenal.', en: 'Unknown field "{key}".' },
  reasonShort: {
    id: 'Mohon tuliskan alasan penolakan (minimal {min} karakter).',
    en: 'Please give a reason for declining (at least {min} characters).',
  },
  reasonLong: {
    id: 'Alasan penolakan terlalu panjang (maksimal {max} karakter).',
    en: 'The reason for declining is too long (at most {max} characters).',
  },
  commentLong: {
    id: 'Catatan terlalu panjang (maksimal {max} karakter).',
    en: 'The comment is too long (at most {max} characters).',
  },
  commentType: { id: 'Catatan harus berupa teks.', en: 'The comment must be text.' },
  scoresType: { id: 'Nilai harus dikirim per kriteria.', en: 'Scores must be given per criterion.' },
  invalid: { id: 'Isian tidak valid.', en: 'Invalid value.' },
} satisfies Record<string, Text>;

function msg(text: Text, values: Record<string, string | number> = {}): Text {
  const fill = (s: string) =>
    s.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
  return { id: fill(text.id), en: fill(text.en) };
}

/** Keys typed by a client are echoed in messages; keep them short. */
function shortKey(key: string): string {
  return key.length > 40 ? `${key.slice(0, 40)}...` : key;
}

function fail(field: string, message: Text): DecisionResult {
  return { ok: false, errors: [{ field, message }] };
}

function mediaType(contentType: string | undefined): 'form' | 'json' | undefined {
  if (!contentType) return undefined;
  const [type, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') return undefined;
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'application/json') return 'json';
  return undefined;
}

/** Turns `a=1&scores.x=2` into `{ a: '1', scores: { x: '2' } }`, refusing repeated fields. */
function formToObject(body: string): { value: Record<string, unknown> } | { error: FieldError } {
  const top: Array<[string, unknown]> = [];
  const scores: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const [key, value] of new URLSearchParams(body)) {
    if (seen.has(key)) return { error: { field: key, message: msg(M.duplicate, { key: shortKey(key) }) } };
    seen.add(key);
    if (key.startsWith('scores.')) scores.push([key.slice('scores.'.length), value]);
    else top.push([key, value]);
  }
  // Object.fromEntries defines own properties, so a key such as "__proto__" is kept and reported as unknown.
  const value = Object.fromEntries(top);
  if (scores.length > 0 || value.action === 'submit') value.scores = Object.fromEntries(scores);
  return { value };
}

function criterionName(profile: ScoringProfile, id: string): Text {
  return profile.scoring.criteria.find((c) => c.id === id)?.name ?? { id, en: id };
}

function translate(
  issue: z.core.$ZodIssue,
  input: Record<string, unknown>,
  profile: ScoringProfile,
): FieldError[] {
  const path = issue.path.map(String);
  const field = path.join('.');
  const { scaleMin: min, scaleMax: max } = profile.scoring;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: [...path, key].join('.'),
      message: msg(path[0] === 'scores' ? M.unknownCriterion : M.unknownField, { key: shortKey(key) }),
    }));
  }
  if (path[0] === 'action' || (path.length === 0 && issue.code === 'invalid_union')) {
    return [{ field: 'action', message: M.action }];
  }
  if (path[0] === 'scores' && path.length === 2) {
    const id = path[1] ?? '';
    const name = criterionName(profile, id);
    const scores = input.scores as Record<string, unknown> | undefined;
    const missing =
      scores?.[id] === undefined || (typeof scores[id] === 'string' && scores[id].trim() === '');
    const text = missing ? M.scoreMissing : M.scoreRange;
    return [
      {
        field,
        message: {
          id: msg(text, { name: name.id, min, max }).id,
          en: msg(text, { name: name.en, min, max }).en,
        },
      },
    ];
  }
  if (path[0] === 'scores') return [{ field: 'scores', message: M.scoresType }];
  if (path[0] === 'reason') {
    return [
      {
        field,
        message:
          issue.code === 'too_big'
            ? msg(M.reasonLong, { max: FORM_LIMITS.maxReasonChars })
            : msg(M.reasonShort, { min: FORM_LIMITS.minReasonChars }),
      },
    ];
  }
  if (path[0] === 'comment') {
    return [
      {
        field,
        message:
          issue.code === 'too_big' ? msg(M.commentLong, { max: FORM_LIMITS.maxCommentChars }) : M.commentType,
      },
    ];
  }
  return [{ field: field || 'body', message: M.invalid }];
}

/**
 * Validates a posted decision against the profile's scoring rules.
 * Refuses other content types, bodies over FORM_LIMITS.maxBodyBytes, repeated form fields, unknown fields
 * and criteria, missing criteria, scores that are not integers within the scale, a decline without a reason,
 * and over-long texts. Errors come in both languages.
 */
export function parseDecision(
  body: string | undefined,
  contentType: string | undefined,
  profile: ScoringProfile,
): DecisionResult {
  const kind = mediaType(contentType);
  if (!kind) return fail('content-type', M.contentType);
  if (body === undefined || body.trim() === '') return fail('body', M.empty);
  if (Buffer.byteLength(body, 'utf8') > FORM_LIMITS.maxBodyBytes) {
    return fail('body', msg(M.tooLarge, { max: FORM_LIMITS.maxBodyBytes / 1024 }));
  }

  let input: Record<string, unknown>;
  if (kind === 'form') {
    const parsed = formToObject(body);
    if ('error' in parsed) return { ok: false, errors: [parsed.error] };
    input = parsed.value;
  } else {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return fail('body', M.json);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('body', M.jsonObject);
    input = json as Record<string, unknown>;
    // A submit without any scores reports each missing criterion, like an empty form would.
    if (input.action === 'submit' && input.scores === undefined) input = { ...input, scores: {} };
  }

  if (typeof input.action !== 'string' || !(ACTIONS as readonly string[]).includes(input.action)) {
    return fail('action', M.action);
  }
  const result = schemaFor(profile).safeParse(input);
  if (!result.success) {
    const errors = result.error.issues.flatMap((issue) => translate(issue, input, profile));
    // One message per field is enough for a person to act on.
    const unique = errors.filter((e, i) => errors.findIndex((o) => o.field === e.field) === i);
    return { ok: false, errors: unique };
  }
  const decision = result.data as Decision;
  if (decision.action === 'submit') {
    // Keep the profile's criterion order, whatever order the client sent.
    const ordered: Record<string, number> = {};
    for (const c of profile.scoring.criteria) ordered[c.id] = decision.scores[c.id] as number;
    return { ok: true, decision: { ...decision, scores: ordered } };
  }
  return { ok: true, decision };
}

/** What the reviewer typed, to put back into a form shown again with errors. */
export interface DecisionFormValues {
  reason?: string;
  comment?: string;
  /** Score per criterion id, as typed. */
  scores: Record<string, string>;
}

/**
 * Reads back the typed values of a refused decision (urlencoded or JSON), keyed as the page renderers
 * expect them (`scores` by criterion id, without the `scores.` prefix). Oversized or unreadable bodies
 * give no values.
 */
export function decisionFormValues(
  body: string | undefined,
  contentType: string | undefined,
): DecisionFormValues {
  const kind = mediaType(contentType);
  const empty: DecisionFormValues = { scores: {} };
  if (!kind || !body || Buffer.byteLength(body, 'utf8') > FORM_LIMITS.maxBodyBytes) return empty;
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  if (kind === 'form') {
    const form = new URLSearchParams(body);
    const scores: Record<string, string> = {};
    for (const [key, value] of form) {
      if (key.startsWith('scores.')) scores[key.slice('scores.'.length)] = value;
    }
    return { reason: form.get('reason') ?? undefined, comment: form.get('comment') ?? undefined, scores };
  }
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return empty;
    const { reason, comment, scores } = json as Record<string, unknown>;
    const typed: Record<string, string> = {};
    if (typeof scores === 'object' && scores !== null && !Array.isArray(scores)) {
      for (const [key, value] of Object.entries(scores)) {
        const t = text(value);
        if (t !== undefined) typed[key] = t;
      }
    }
    return { reason: text(reason), comment: text(comment), scores: typed };
  } catch {
    return empty;
  }
}
