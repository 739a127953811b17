/**
 * Signed review links.
 *
 * A reviewer's email carries `?r=<reviewId>&e=<expiry, unix seconds>&s=<signature>` where the signature is
 * the base64url HMAC-SHA256 of `v1:<reviewId>:<expiry>` under a server secret. The review id is random
 * (not guessable, not derived from the proposal or reviewer) and the Step Functions task token never
 * appears in a link: it stays in DynamoDB and is looked up by review id.
 *
 * Key rotation: sign with the current secret; verify with a list `[current, previous, ...]` so that links
 * already sent keep working until they expire.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ReviewLinkError } from './errors';

const VERSION = 'v1';
/** Review ids are url-safe base64 (what newReviewId makes), long enough to be unguessable. */
const REVIEW_ID = /^[A-Za-z0-9_-]{22,128}$/;
const EXPIRY = /^[0-9]{1,12}$/;
/** 32 bytes of HMAC-SHA256 in unpadded base64url. */
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
const MIN_SECRET_LENGTH = 32;

export type LinkFailure = 'malformed' | 'forged' | 'expired';
export type LinkVerification =
  | { ok: true; reviewId: string; expiresAt: Date }
  | { ok: false; reason: LinkFailure };

/** A new random review id: 144 bits from the system CSPRNG, 24 url-safe characters. */
export function newReviewId(): string {
  return randomBytes(18).toString('base64url');
}

export function checkSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new ReviewLinkError(
      `The link signing secret must be at least ${MIN_SECRET_LENGTH} characters long`,
    );
  }
}

function mac(reviewId: string, expiry: string, secret: string): Buffer {
  return macOf(`${VERSION}:${reviewId}:${expiry}`, secret);
}

/** HMAC-SHA256 of a message (each kind of signed message starts with its own prefix, e.g. `v1:`, `portal-v1:`). */
export function macOf(message: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(message).digest();
}

/**
 * Whether `signature` (unpadded base64url of a 32-byte MAC, canonical spelling only) is the MAC of `message`
 * under one of `secrets`. Every secret is tried (no early exit) and compared in constant time, so the time
 * taken tells nothing. `malformed` when the signature is not a canonical 32-byte MAC at all.
 */
export function signatureMatches(
  signature: string,
  message: string,
  secrets: readonly string[],
): boolean | 'malformed' {
  if (!SIGNATURE.test(signature)) return 'malformed';
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== 32 || given.toString('base64url') !== signature) return 'malformed';
  let valid = false;
  for (const s of secrets) {
    if (timingSafeEqual(macOf(message, s), given)) valid = true;
  }
  return valid;
}

/** The query string (without `?`) of a signed link for a review, valid until `expiresAt` (to the second). */
export function signReviewLink(reviewId: string, expiresAt: Date, secret: string): string {
  if (!REVIEW_ID.test(reviewId))
    throw new ReviewLinkError('The review id must be 22-128 url-safe characters');
  const ms = expiresAt.getTime();
  if (!Number.isFinite(ms) || ms <= 0) throw new ReviewLinkError('The link expiry must be a valid date');
  checkSecret(secret);
  const expiry = String(Math.floor(ms / 1000));
  const signature = mac(reviewId, expiry, secret).toString('base64url');
  return new URLSearchParams({ r: reviewId, e: expiry, s: signature }).toString();
}

/** The full link: `baseUrl` (e.g. `https://api.example.org/review`) with the signed query string. */
export function buildReviewUrl(baseUrl: string, reviewId: string, expiresAt: Date, secret: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ReviewLinkError(`The review base URL is not a valid URL: ${baseUrl}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ReviewLinkError(`The review base URL must be http(s): ${baseUrl}`);
  }
  url.search = signReviewLink(reviewId, expiresAt, secret);
  url.hash = '';
  return url.toString();
}

/**
 * Checks a link's query parameters (e.g. API Gateway's `queryStringParameters`).
 * The signature is checked before the expiry, so a forged link is reported as forged whatever its expiry.
 * Comparison is constant-time over the decoded 32-byte MACs.
 */
export function verifyReviewLink(
  params: Record<string, string | undefined>,
  secret: string | readonly string[],
  now: Date,
): LinkVerification {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new ReviewLinkError('At least one link signing secret is needed');
  for (const s of secrets) checkSecret(s);

  const { r: reviewId, e: expiry, s: signature } = params;
  if (
    reviewId === undefined ||
    expiry === undefined ||
    signature === undefined ||
    !REVIEW_ID.test(reviewId) ||
    !EXPIRY.test(expiry)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  // Base64 leaves spare bits in the last character; only the canonical spelling is accepted, so one
  // signature has exactly one valid form.
  const valid = signatureMatches(signature, `${VERSION}:${reviewId}:${expiry}`, secrets);
  if (valid === 'malformed') return { ok: false, reason: 'malformed' };
  if (!valid) return { ok: false, reason: 'forged' };

  const expiresAt = new Date(Number(expiry) * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, reviewId, expiresAt };
}

/**
 * When a link for a task due at `dueAt` should stop working: the end of the grace period plus one day, so a
 * reviewer who opens the link on the last evening can still finish, plus the longest extension ops may grant,
 * so that a task extended with `proposals extend` keeps the link already emailed (an extension sends none).
 * Once the task closes, the page says so whatever the link's expiry.
 */
export function reviewLinkExpiry(
  dueAt: Date,
  review: { graceDays: number; maxExtensionDays?: number },
): Date {
  const days = Math.max(0, review.graceDays) + Math.max(0, review.maxExtensionDays ?? 0) + 1;
  return new Date(dueAt.getTime() + days * 86_400_000);
}
