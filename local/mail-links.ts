/**
 * The review links of an email the system sent, as `npm start` prints them: only a link the system built (the
 * review API's base URL with the signed query `r`, `e`, `s` and nothing else) counts. A URL that came from the
 * document's text (a title, an institution) is never taken for a review link, whatever it says or points to.
 */

type Shape = Record<string, RegExp>;

/** Query values of a signed link (functions/lib/review/signing.ts): url-safe id, unix seconds, base64url MAC. */
const SIGNED: Shape = {
  r: /^[A-Za-z0-9_-]{22,128}$/,
  e: /^[0-9]{1,12}$/,
  s: /^[A-Za-z0-9_-]{20,100}$/,
};

/** Query values of an agency's portal link (functions/lib/portal/links.ts): agency, generation, expiry, MAC. */
const PORTAL: Shape = {
  a: /^[a-z0-9][a-z0-9-]{1,62}$/,
  g: /^[0-9]{1,9}$/,
  e: /^[0-9]{1,12}$/,
  s: /^[A-Za-z0-9_-]{20,100}$/,
};

/** The base URL without a trailing slash, as compared (scheme, host, port and path). */
function normalizedBase(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** Whether `candidate` is a link the system built on `reviewBaseUrl`. */
export function isSystemReviewLink(candidate: string, reviewBaseUrl: string): boolean {
  return isSignedLink(candidate, reviewBaseUrl, SIGNED);
}

/** Whether `candidate` is a signed link of the shape `shape` on `baseUrl`, with nothing else in it. */
function isSignedLink(candidate: string, baseUrl: string, shape: Shape): boolean {
  let url: URL;
  let base: URL;
  try {
    url = new URL(candidate);
    base = new URL(baseUrl);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  if (normalizedBase(url) !== normalizedBase(base)) return false;
  const keys = [...url.searchParams.keys()];
  const expected = Object.keys(shape);
  if (keys.length !== expected.length || new Set(keys).size !== expected.length) return false;
  return expected.every((key) => shape[key]?.test(url.searchParams.get(key) ?? '') === true);
}

/** The system's review links in an email's text part, in order, each once. */
export function systemReviewLinks(text: string, reviewBaseUrl: string): string[] {
  const found = text.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
  return [...new Set(found.filter((link) => isSystemReviewLink(link, reviewBaseUrl)))];
}

/** The system's portal invitation links in an email's text part (the portal's URL, signed for an agency). */
export function systemPortalLinks(text: string, portalUrl: string): string[] {
  const found = text.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
  return [...new Set(found.filter((link) => isSignedLink(link, portalUrl, PORTAL)))];
}
