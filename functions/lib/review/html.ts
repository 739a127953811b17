/**
 * Auto-escaping HTML templates for emails and pages.
 *
 * `html\`<p>${value}</p>\`` escapes every interpolated value unless it is itself the result of `html`
 * (or `raw`), so text a user typed (titles, names, comments, reasons) can never become markup. Arrays are
 * joined, and null/undefined/false render as nothing. Hand-written because it is a dozen lines and keeps the
 * pages free of a template engine dependency in every Lambda bundle.
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for use in element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Marks trusted markup (only for constants written in this code, never for user input). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Text with its line breaks kept (escaped, then `<br>` between lines). */
export function multiline(text: string): SafeHtml {
  return new SafeHtml(
    text
      .split(/\r\n|\r|\n/)
      .map((line) => escapeHtml(line))
      .join('<br>'),
  );
}

/** Only http(s) and mailto links are rendered as links; anything else (javascript:, data:) becomes '#'. */
export function safeHref(url: string): string {
  try {
    const parsed = new URL(url, 'https://invalid.example/');
    if (['https:', 'http:', 'mailto:'].includes(parsed.protocol)) return url;
  } catch {
    // not a URL
  }
  return '#';
}
