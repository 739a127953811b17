/**
 * The review links of an email the system sent, as `npm start` prints them: only a link the system built (the
 * review API's base URL with the signed query `r`, `e`, `s` and nothing else) counts. A URL that came from the
 * document's text (a title, an institution) is never taken for a review link, whatever it says or points to.
 */

/** Query values of a signed link (functions/lib/review/signing.ts): url-safe id, unix seconds, base64url MAC. */
const SIGNED = {
  r: /^[A-Za-z0-9_-]{22,128}$/,
  e: /^[0-9]{1,12}$/,
  s: /^[A-Za-z0-9_-]{20,100}$/,
} as const;

/** The base URL without a trailing slash, as compared (scheme, host, port and path). */
function normalizedBase(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** Whether `candidate` is a link the system built on `reviewBaseUrl`. */
export function isSystemReviewLink(candidate: string, reviewBaseUrl: string): boolean {
  let url: URL;
  let base: URL;
  try {
    url = new URL(candidate);
    base = new URL(reviewBaseUrl);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  if (normalizedBase(url) !== normalizedBase(base)) return false;
  const keys = [...url.searchParams.keys()];
  if (keys.length !== 3 || new Set(keys).size !== 3) return false;
  return (Object.keys(SIGNED) as Array<keyof typeof SIGNED>).every((key) =>
    SIGNED[key].test(url.searchParams.get(key) ?? ''),
  );
}

/** The system's review links in an email's text part, in order, each once. */
export function systemReviewLinks(text: string, reviewBaseUrl: string): string[] {
  const found = text.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
  return [...new Set(found.filter((link) => isSystemReviewLink(link, reviewBaseUrl)))];
}
