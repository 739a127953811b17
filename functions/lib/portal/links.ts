/**
 * Signed portal links: an agency's only credential.
 *
 * An invitation carries `?a=<agency code>&g=<generation>&e=<expiry, unix seconds>&s=<signature>`, the signature
 * being the base64url HMAC-SHA256 of `portal-v1:<agency>:<generation>:<expiry>` under the same secret as review
 * links (the prefix keeps the two kinds of message apart). The generation is the agency's link generation in the
 * registry: `agencies revoke CODE` raises it, and every link of an older generation is then refused as revoked.
 *
 * Forms that post to the portal carry a CSRF token derived from the link (`portal-csrf-v1:...`): a page served
 * for one link only acts for that link, and a form cannot be forged without the signing secret.
 */

import { ReviewLinkError } from '../review/errors';
import { checkSecret, macOf, signatureMatches } from '../review/signing';
import { AGENCY_CODE } from '../uploads';

const VERSION = 'portal-v1';
const CSRF_VERSION = 'portal-csrf-v1';
const GENERATION = /^[0-9]{1,9}$/;
const EXPIRY = /^[0-9]{1,12}$/;

/** What a verified link grants: one agency, until `expiresAt`, while its generation is current. */
export interface PortalCredential {
  agency: string;
  generation: number;
  expiresAt: Date;
}

export type PortalLinkFailure = 'malformed' | 'forged' | 'expired' | 'revoked';
export type PortalLinkCheck =
  | { ok: true; credential: PortalCredential }
  | { ok: false; reason: PortalLinkFailure };

const message = (agency: string, generation: number, expiry: string) =>
  `${VERSION}:${agency}:${generation}:${expiry}`;

/** The query string (without `?`) of an agency's portal link. */
export function signPortalLink(credential: PortalCredential, secret: string): string {
  if (!AGENCY_CODE.test(credential.agency)) throw new ReviewLinkError('The agency code is not valid');
  if (
    !Number.isInteger(credential.generation) ||
    credential.generation < 0 ||
    credential.generation > 999_999_999
  )
    throw new ReviewLinkError('The link generation must be a whole number');
  const ms = credential.expiresAt.getTime();
  if (!Number.isFinite(ms) || ms <= 0) throw new ReviewLinkError('The link expiry must be a valid date');
  checkSecret(secret);
  const expiry = String(Math.floor(ms / 1000));
  const signature = macOf(message(credential.agency, credential.generation, expiry), secret).toString(
    'base64url',
  );
  return new URLSearchParams({
    a: credential.agency,
    g: String(credential.generation),
    e: expiry,
    s: signature,
  }).toString();
}

/**
 * Checks a link's parameters: well-formed, signed by one of `secrets`, not expired. The signature is checked
 * first, so a forged link is reported as forged whatever its expiry. The generation is checked afterwards
 * against the registry (`checkGeneration`), so an unsigned request never costs a read.
 */
export function verifyPortalLink(
  params: Record<string, string | undefined>,
  secrets: readonly string[],
  now: Date,
): PortalLinkCheck {
  if (secrets.length === 0) throw new ReviewLinkError('At least one link signing secret is needed');
  for (const s of secrets) checkSecret(s);
  const { a: agency, g, e: expiry, s: signature } = params;
  if (
    agency === undefined ||
    g === undefined ||
    expiry === undefined ||
    signature === undefined ||
    !AGENCY_CODE.test(agency) ||
    !GENERATION.test(g) ||
    !EXPIRY.test(expiry)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const generation = Number(g);
  const valid = signatureMatches(signature, message(agency, generation, expiry), secrets);
  if (valid === 'malformed') return { ok: false, reason: 'malformed' };
  if (!valid) return { ok: false, reason: 'forged' };
  const expiresAt = new Date(Number(expiry) * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, credential: { agency, generation, expiresAt } };
}

/**
 * A signed link against the registry: `current` is the agency's link generation there (undefined when the
 * agency is no longer registered). An older generation was revoked; a newer one cannot have been signed.
 */
export function checkGeneration(credential: PortalCredential, current: number | undefined): PortalLinkCheck {
  if (current === undefined || credential.generation > current) return { ok: false, reason: 'revoked' };
  if (credential.generation < current) return { ok: false, reason: 'revoked' };
  return { ok: true, credential };
}

/** The CSRF token of the forms served for one link (bound to its agency, generation and expiry). */
export function csrfToken(credential: PortalCredential, secret: string): string {
  const expiry = Math.floor(credential.expiresAt.getTime() / 1000);
  return macOf(`${CSRF_VERSION}:${credential.agency}:${credential.generation}:${expiry}`, secret).toString(
    'base64url',
  );
}

/** Whether a posted CSRF token belongs to this link (any current signing secret). */
export function csrfMatches(
  token: string | undefined,
  credential: PortalCredential,
  secrets: readonly string[],
) {
  if (!token) return false;
  const expiry = Math.floor(credential.expiresAt.getTime() / 1000);
  return (
    signatureMatches(
      token,
      `${CSRF_VERSION}:${credential.agency}:${credential.generation}:${expiry}`,
      secrets,
    ) === true
  );
}

/**
 * When invitation links stop working: the end of the submission deadline day plus `marginDays`, so agencies can
 * still follow their proposals through review after they can no longer upload.
 */
export function portalLinkExpiry(closesAt: Date, marginDays: number): Date {
  return new Date(closesAt.getTime() + Math.max(0, marginDays) * 86_400_000);
}
