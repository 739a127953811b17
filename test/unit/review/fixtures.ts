import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadProfile } from '../../../functions/lib/adapters/profile-file';
import type { Profile } from '../../../functions/lib/profile';
import type { ReviewProfile } from '../../../functions/lib/review/profile';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/review/${name}`, import.meta.url));

/** The bundled KIPP profile (scale 1-10, five criteria). */
export const kipp: Profile = loadProfile('kipp');
/** A second competition: scale 0-4, two weighted criteria, a markup-laden name, threshold 10. */
export const small: Profile = loadProfile(fixture('small-profile.json'));

// The full profile type must stay assignable to the subset the review modules read.
const _assignable: ReviewProfile = kipp;
void _assignable;

export interface Hostile {
  title: string;
  institution: string;
  reviewerName: string;
  summary: string;
  comment: string;
  reason: string;
  gap: string;
  issueMessage: string;
}
export const hostile: Hostile = JSON.parse(readFileSync(fixture('hostile.json'), 'utf8'));

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const OLD_SECRET = 'previous-secret-9876543210-zyxwvutsrqp';

/** No markup from the hostile fixture survives as markup, and no textarea can be closed early. */
export function expectEscaped(markup: string): void {
  expect(markup).not.toMatch(/<script|<img|<iframe|<svg|<em>|<b>/i);
  const opens = markup.match(/<textarea/g)?.length ?? 0;
  const closes = markup.match(/<\/textarea>/g)?.length ?? 0;
  expect(closes).toBe(opens);
}

/** Every external reference an HTML document would load (there must be none). */
export function externalAssets(markup: string): string[] {
  const tags = [...markup.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0]);
  const styles = [...markup.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1] ?? '');
  return [
    ...tags.filter((t) =>
      /^<(img|script|link|iframe|object|embed|video|audio|source)\b|\ssrc=|url\(/i.test(t),
    ),
    ...styles.filter((css) => /url\(|@import/i.test(css)),
  ];
}
