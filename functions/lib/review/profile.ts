/**
 * The parts of the competition profile (functions/lib/profile) that the reviewer-facing modules read.
 * Kept as a structural subset so that the full `Profile` is assignable to it and these modules can be
 * tested with small profiles.
 */
import { DEFAULT_TIME_ZONE, type Text, zonedTime } from '../i18n';

export interface ScoringCriterion {
  id: string;
  name: Text;
  weight: number;
}

export interface ReviewProfile {
  id: string;
  name: string;
  categories: ReadonlyArray<{ id: string; name: string }>;
  groups: ReadonlyArray<{ id: string; name: string; sections?: ReadonlyArray<{ id: string; name: string }> }>;
  /** The submission deadline, `YYYY-MM-DD` (end of that day in the profile's time zone). */
  submissionDeadline?: string;
  /** IANA time zone of the competition's dates; WIB (Asia/Jakarta) when omitted. */
  timeZone?: string;
  review: { disagreementThreshold: number; graceDays: number; minReviews: number };
  scoring: { scaleMin: number; scaleMax: number; criteria: ReadonlyArray<ScoringCriterion> };
}

/** Display name of a category id (the id itself when the profile does not know it). */
export function categoryName(profile: Pick<ReviewProfile, 'categories'>, id: string | undefined): string {
  if (!id) return '';
  return profile.categories.find((c) => c.id === id)?.name ?? id;
}

/** Display name of a group id (the id itself when the profile does not know it). */
export function groupName(profile: Pick<ReviewProfile, 'groups'>, id: string | undefined): string {
  if (!id) return '';
  return profile.groups.find((g) => g.id === id)?.name ?? id;
}

/** Display name of a section id, searched in every group (the id itself when unknown). */
export function sectionName(profile: Pick<ReviewProfile, 'groups'>, id: string | undefined): string {
  if (!id) return '';
  for (const group of profile.groups) {
    const section = group.sections?.find((s) => s.id === id);
    if (section) return section.name;
  }
  return id;
}

/** The time zone dates are shown in: the one asked for, else the profile's, else WIB. */
export function timeZoneOf(input: { timeZone?: string; profile?: Pick<ReviewProfile, 'timeZone'> }): string {
  return input.timeZone ?? input.profile?.timeZone ?? DEFAULT_TIME_ZONE;
}

/**
 * The end of the submission deadline day in the profile's time zone (WIB when it names none), or undefined when
 * the profile has no deadline.
 */
export function submissionDeadlineAt(
  profile: Pick<ReviewProfile, 'submissionDeadline' | 'timeZone'>,
): Date | undefined {
  const day = profile.submissionDeadline;
  if (!day) return undefined;
  return zonedTime(day, '23:59:59', profile.timeZone ?? DEFAULT_TIME_ZONE);
}
