/**
 * Text from documents, registries and rosters made safe to show (pure, linear time: no pattern here backtracks).
 *
 * - `cleanText` removes what a terminal or a mail client would act on instead of showing: ANSI/VT escape
 *   sequences (CSI, OSC such as OSC 8 hyperlinks and window titles, DCS/SOS/PM/APC strings, two-character
 *   escapes), C0 and C1 control characters, DEL, and the invisible direction overrides and zero-width characters
 *   that make text display as something else. Line breaks are kept (normalized to \n) only when asked for.
 * - `oneLine` is `cleanText` with every line break and run of white space made one space: a value that is one
 *   line (a title, a name) can never start a paragraph of its own.
 * - `unlinked` breaks what a mail client would turn into a link: `scheme://` becomes `scheme[:]//` and a dot
 *   before a letter inside a word becomes `[.]` (evil.example → evil[.]example, so no domain, URL or email address
 *   is recognized). Numbers such as 2.0 are left alone.
 */

// biome-ignore-start lint/suspicious/noControlCharactersInRegex: recognizing control characters is the point
/** CSI: ESC [ (or the C1 CSI) parameters, intermediates and one final byte. */
const CSI = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?/g;
/** OSC, DCS, SOS, PM, APC strings: up to BEL or ST (ESC \ or the C1 ST), or to the end of the line. */
const STRING_SEQUENCE =
  /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c\n]*(?:\u0007|\u001b\\|\u009c)?/g;
/** Any other escape: ESC and the one character it introduces. */
const ESCAPE = /\u001b[\s\S]?/g;
/** C0 controls except tab and line feed, DEL, C1 controls. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Direction overrides and isolates, zero-width space, word joiner, BOM: text that displays as something else. */
const INVISIBLE = /[\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
/** Every way of breaking a line: CR LF, CR, LF, VT, FF, NEL, line and paragraph separators. */
const LINE_BREAK = /\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029]/g;
// biome-ignore-end lint/suspicious/noControlCharactersInRegex: recognizing control characters is the point

export interface CleanOptions {
  /** Keep line breaks (as \n); otherwise each becomes a space. Default false. */
  newlines?: boolean;
}

/** The text without escape sequences, controls or invisible overrides; tabs become spaces. */
export function cleanText(value: string, options: CleanOptions = {}): string {
  const breaks = options.newlines ? '\n' : ' ';
  return value
    .replace(STRING_SEQUENCE, '')
    .replace(LINE_BREAK, breaks)
    .replace(CSI, '')
    .replace(ESCAPE, '')
    .replace(/\t/g, ' ')
    .replace(CONTROLS, '')
    .replace(INVISIBLE, '');
}

/** The text on one line: cleaned, every line break and run of white space one space, trimmed. */
export function oneLine(value: string): string {
  return cleanText(value).replace(/\s+/g, ' ').trim();
}

/** The text with URLs, domains and email addresses broken so no mail client makes a link of them. */
export function unlinked(value: string): string {
  return value.replace(/:\/\//g, '[:]//').replace(/(?<=[\p{L}\p{N}_-])\.(?=\p{L})/gu, '[.]');
}
