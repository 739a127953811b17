/**
 * Cleaning of the single-line values a document gives (identity fields, names quoted in messages): they end up in
 * emails, pages, CSV files and terminals, so nothing in them may start a new line or steer a display.
 */
import type { IdentityFieldId } from '../profile';

/** Line breaks and tabs (C0 controls, NEL, line and paragraph separators): each becomes a space. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Invisible characters that reorder or hide text (bidirectional overrides and isolates, marks, BOM): removed. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** One line of visible text: controls and line breaks become spaces, invisible marks go, runs of spaces shrink. */
export function singleLine(value: string): string {
  return value.replace(BREAKS, ' ').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

/**
 * Longest value accepted for each identity field, in characters after cleaning. Real values stay far below:
 * a title is a phrase, an institution an agency's name; an email address is at most 254 characters (RFC 5321).
 */
export const IDENTITY_MAX_LENGTH: Record<IdentityFieldId, number> = {
  title: 300,
  institution: 200,
  group: 100,
  category: 150,
  startDate: 60,
  innovator: 200,
  email: 254,
  phone: 60,
  video: 500,
};

/** Longest name (heading, field label) quoted back in a message. */
export const QUOTED_NAME_MAX_LENGTH = 100;

/** A name quoted in a message: one clean line, shortened with an ellipsis. */
export function quotedName(value: string): string {
  const line = singleLine(value);
  return line.length > QUOTED_NAME_MAX_LENGTH ? `${line.slice(0, QUOTED_NAME_MAX_LENGTH - 1)}…` : line;
}
