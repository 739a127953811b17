/**
 * Languages and formatting shared by every user-facing message.
 * Bahasa Indonesia is the default; English is always available next to it.
 */

export const LANGUAGES = ['id', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'id';

/** A message in both languages. Every user-facing text is one of these. */
export interface Text {
  id: string;
  en: string;
}

/** Indonesia's western zone (WIB): the competition's deadlines are stated in it. */
export const DEFAULT_TIME_ZONE = 'Asia/Jakarta';

const LOCALES: Record<Lang, string> = { id: 'id-ID', en: 'en-GB' };

export function isLang(value: unknown): value is Lang {
  return value === 'id' || value === 'en';
}

/** The text in the given language. */
export function tr(text: Text, lang: Lang = DEFAULT_LANG): string {
  return text[lang];
}

/**
 * The first usable language among candidates (e.g. a `lang` query parameter, the reviewer's stored
 * preference, an Accept-Language header); Indonesian when none is usable.
 * Accept-Language values are read by their primary subtag in order of appearance (quality values are not
 * weighed: the two supported languages rarely both appear).
 */
export function resolveLang(...candidates: Array<string | null | undefined>): Lang {
  for (const candidate of candidates) {
    if (!candidate) continue;
    for (const part of candidate.split(',')) {
      const primary = part.split(';')[0]?.trim().toLowerCase().split('-')[0];
      if (isLang(primary)) return primary;
    }
  }
  return DEFAULT_LANG;
}

/** Intl formatters are costly to build (about 0.3 ms each); one per language, zone and style is kept. */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** "Senin, 30 Juni 2025" / "Monday, 30 June 2025". */
export function formatDate(date: Date, lang: Lang = DEFAULT_LANG, timeZone = DEFAULT_TIME_ZONE): string {
  return cached(
    `date|${lang}|${timeZone}`,
    () =>
      new Intl.DateTimeFormat(LOCALES[lang], {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone,
      }),
  ).format(date);
}

/** "Senin, 30 Juni 2025 pukul 23.59 WIB" / "Monday, 30 June 2025 at 23:59 GMT+7". */
export function formatDateTime(date: Date, lang: Lang = DEFAULT_LANG, timeZone = DEFAULT_TIME_ZONE): string {
  return cached(
    `datetime|${lang}|${timeZone}`,
    () =>
      new Intl.DateTimeFormat(LOCALES[lang], {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZone,
        timeZoneName: 'short',
      }),
  ).format(date);
}

/** How far ahead of UTC the wall clock of `timeZone` is at `at`, in ms (+7 h for WIB). */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = cached(
    `parts|${timeZone}`,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }),
  ).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time of a day is reached in a time zone: `zonedTime('2025-06-30', '23:59:59',
 * 'Asia/Jakarta')` is 2025-06-30T16:59:59Z. Undefined for a malformed day or time.
 */
export function zonedTime(day: string, time: string, timeZone = DEFAULT_TIME_ZONE): Date | undefined {
  const wall = Date.parse(`${day}T${time}Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(wall)) return undefined;
  // The offset at the guess, then again at the corrected guess (a daylight-saving change in between).
  const first = wall - zoneOffsetMs(wall, timeZone);
  return new Date(wall - zoneOffsetMs(first, timeZone));
}

/** A number with the language's decimal separator: "78,50" / "78.50". */
export function formatNumber(value: number, lang: Lang = DEFAULT_LANG, fractionDigits = 2): string {
  return cached(
    `number|${lang}|${fractionDigits}`,
    () =>
      new Intl.NumberFormat(LOCALES[lang], {
        minimumFractionDigits: fractionDigits,
        maximumFractionDigits: fractionDigits,
      }),
  ).format(value);
}

/** Whole days from `from` to `to`, rounded up ("due in 3 days"); negative when `to` is past. */
export function daysBetween(from: Date, to: Date): number {
  return Math.ceil((to.getTime() - from.getTime()) / 86_400_000);
}
