/**
 * The parts of the competition profile (functions/lib/profile) that assignment and the roster read.
 * A structural subset, so that the full `Profile` is assignable to it and tests can use small profiles.
 */

export interface AssignmentCategory {
  id: string;
  name: string;
  aliases?: readonly string[];
}

export interface AssignmentProfile {
  categories: readonly AssignmentCategory[];
  review: {
    reviewersPerProposal: number;
    /**
     * The first seat goes to a free expert of the category when there is one. Coverage comes first: with no
     * expert free, the seats are filled anyway and the missing expertise is reported, not waited for.
     */
    requireExpertiseMatch: boolean;
    sameRegionConflict: boolean;
    windowDays: number;
  };
}

/** Display name of a category id (the id itself when the profile does not know it). */
export function categoryLabel(profile: Pick<AssignmentProfile, 'categories'>, id: string): string {
  return profile.categories.find((c) => c.id === id)?.name ?? id;
}
