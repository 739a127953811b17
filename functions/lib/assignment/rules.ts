/**
 * Reviewer assignment rules (pure: no SDK, no I/O).
 *
 * - Conflicts are never violated: the submitter's own email, the same institution (compared with
 *   `normalizeName`, against both the proposal's institution and its agency), an institution the reviewer
 *   declared as a conflict, the same government (the proposal's parent government is the reviewer's
 *   government or institution, or one the reviewer declared as a conflict), and (when the profile says so)
 *   the same region.
 * - Coverage first: every seat is filled while a conflict-free reviewer has a free seat. Expertise is a
 *   preference, never a reason to leave a seat empty: with `requireExpertiseMatch`, the first seat goes to the
 *   best free expert when there is one; without one, the seats are filled anyway and the gap is reported.
 * - Among the eligible: expertise match first, then the lowest load/capacity, then a deterministic but
 *   spread tie-break (a hash of proposal id + reviewer id), so equal reviewers are not always taken in
 *   file order. The round's pace (the share of the active roster's capacity in use) keeps loads together:
 *   an expert more than `LOAD_BAND` ahead of the pace loses the expertise preference for the extra seats, and
 *   a reviewer more than `LOAD_BAND` behind it is preferred, so load/capacity stays within a narrow band.
 */
import type { Text } from '../i18n';
import { normalizeName, type Reviewer } from '../model';
import { type AssignmentProfile, categoryLabel } from './profile';

/** What assignment needs to know of a proposal. `category` is a profile category id. */
export interface ProposalForAssignment {
  id: string;
  institution: string;
  agency: string;
  category: string;
  contactEmail?: string;
  /** The agency's parent government, from the agency registry (e.g. "Pemerintah Kota Depok"). */
  parentGovernment?: string;
  /** The agency's province and regency/city, from the agency registry (the same-region rule reads them). */
  province?: string;
  regency?: string;
}

/**
 * What assignment needs of a stored proposal, or undefined before validation has read its institution and
 * category. The parent government and region come from the agency registry (absent for an unregistered agency).
 */
export function assignmentSubject(proposal: {
  id: string;
  institution?: string;
  agency: string;
  category?: string;
  contactEmail?: string;
  parentGovernment?: string;
  province?: string;
  regency?: string;
}): ProposalForAssignment | undefined {
  if (!proposal.institution || !proposal.category) return undefined;
  return {
    id: proposal.id,
    institution: proposal.institution,
    agency: proposal.agency,
    category: proposal.category,
    contactEmail: proposal.contactEmail,
    parentGovernment: proposal.parentGovernment,
    province: proposal.province,
    regency: proposal.regency,
  };
}

export const EXCLUSION_REASONS = [
  'own-email',
  'same-institution',
  'declared-conflict',
  'same-government',
  'same-region',
  'inactive',
  'full',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface RankedReviewer {
  reviewerId: string;
  expertiseMatch: boolean;
  /** load / capacity before this assignment, in [0, 1). */
  loadRatio: number;
  /**
   * Preference, higher first: the free share of capacity (1 - loadRatio), plus 2 for an expertise match
   * within the load band, plus 1 for a reviewer behind the round's pace by more than the band.
   */
  score: number;
}

/** How far (in load/capacity) a reviewer may run ahead of or behind the round's pace before ranking corrects it. */
export const LOAD_BAND = 0.05;

/** The round's pace: the share of the active roster's capacity in use (0 for an empty roster). */
export function rosterPace(roster: readonly Reviewer[]): number {
  let load = 0;
  let capacity = 0;
  for (const r of roster) {
    if (!r.active || !(r.capacity > 0)) continue;
    load += Math.min(Math.max(r.load, 0), r.capacity);
    capacity += r.capacity;
  }
  return capacity > 0 ? load / capacity : 0;
}

/** The ranking score of one eligible reviewer (see `RankedReviewer.score`). */
export function preference(
  expertiseMatch: boolean,
  loadRatio: number,
  pace: number,
  band = LOAD_BAND,
): number {
  const ahead = loadRatio > pace + band;
  const behind = loadRatio < pace - band;
  return (expertiseMatch && !ahead ? 2 : 0) + (behind ? 1 : 0) + (1 - loadRatio);
}

export interface Exclusion {
  reviewerId: string;
  reason: ExclusionReason;
  /** Whether the reviewer would have matched the proposal's category (helps explain a gap). */
  expertiseMatch: boolean;
}

export interface Ranking {
  ranked: RankedReviewer[];
  excluded: Exclusion[];
}

export type RulesProfile = Pick<AssignmentProfile, 'review'>;

function sameText(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const na = normalizeName(a);
  return na.length > 0 && na === normalizeName(b);
}

/**
 * The region conflict (only when the profile enables it): a proposal from a regency/city conflicts with
 * reviewers of the same regency (in the same province when both say); a provincial proposal (no regency)
 * conflicts with reviewers of the same province.
 */
function sameRegion(proposal: ProposalForAssignment, reviewer: Reviewer): boolean {
  if (proposal.regency) {
    if (!sameText(proposal.regency, reviewer.regency)) return false;
    return !proposal.province || !reviewer.province || sameText(proposal.province, reviewer.province);
  }
  return sameText(proposal.province, reviewer.province);
}

/**
 * The jurisdiction conflict (always on): a reviewer employed by a regional government or ministry, or by any
 * of its offices, conflicts with every proposal from its offices. The proposal's parent government (from the
 * agency registry) is the reviewer's government, or the reviewer's institution (employed by the government
 * itself), or a conflict the reviewer declared (a whole government). No parent government, no conflict.
 */
function sameGovernment(proposal: ProposalForAssignment, reviewer: Reviewer): boolean {
  const parent = proposal.parentGovernment;
  if (!parent) return false;
  return (
    sameText(parent, reviewer.government) ||
    sameText(parent, reviewer.institution) ||
    reviewer.conflicts.some((declared) => sameText(parent, declared))
  );
}

/** The conflict of interest between a proposal and a reviewer, if any. */
export function conflictOf(
  proposal: ProposalForAssignment,
  reviewer: Reviewer,
  profile: RulesProfile,
): ExclusionReason | undefined {
  if (
    proposal.contactEmail &&
    proposal.contactEmail.trim().toLowerCase() === reviewer.email.trim().toLowerCase()
  ) {
    return 'own-email';
  }
  if (
    sameText(reviewer.institution, proposal.institution) ||
    sameText(reviewer.institution, proposal.agency)
  ) {
    return 'same-institution';
  }
  for (const declared of reviewer.conflicts) {
    if (sameText(declared, proposal.institution) || sameText(declared, proposal.agency))
      return 'declared-conflict';
  }
  if (sameGovernment(proposal, reviewer)) return 'same-government';
  if (profile.review.sameRegionConflict && sameRegion(proposal, reviewer)) return 'same-region';
  return undefined;
}

/** Why a reviewer cannot take this proposal now (conflicts first: they hold whatever the capacity), if any. */
export function exclusionOf(
  proposal: ProposalForAssignment,
  reviewer: Reviewer,
  profile: RulesProfile,
): ExclusionReason | undefined {
  const conflict = conflictOf(proposal, reviewer, profile);
  if (conflict) return conflict;
  if (!reviewer.active) return 'inactive';
  if (!(reviewer.capacity > 0) || reviewer.load >= reviewer.capacity) return 'full';
  return undefined;
}

/** Deterministic value in [0, 1) from a proposal and a reviewer (FNV-1a, 32 bits, with a final mix): the spread tie-break. */
export function tieBreak(proposalId: string, reviewerId: string): number {
  let hash = 0x811c9dc5;
  const input = `${proposalId}\u0000${reviewerId}`;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // Final avalanche (MurmurHash3 fmix32): FNV alone leaves ids that differ in their last character close.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

export interface RankOptions {
  /** Reviewers left out entirely (e.g. already holding a task for this proposal). */
  skip?: Iterable<string>;
  /** The round's pace (default: `rosterPace(roster)`). */
  pace?: number;
  /** The load band (default `LOAD_BAND`; `Infinity` ranks by expertise, then load, as before the band). */
  band?: number;
}

/** Ranks the roster for one proposal: the eligible in order of preference, and the excluded with a reason. */
export function rankReviewers(
  proposal: ProposalForAssignment,
  roster: readonly Reviewer[],
  profile: RulesProfile,
  options: RankOptions = {},
): Ranking {
  const skip = new Set(options.skip ?? []);
  const pace = options.pace ?? rosterPace(roster);
  const band = options.band ?? LOAD_BAND;
  const ranked: Array<RankedReviewer & { tie: number }> = [];
  const excluded: Exclusion[] = [];
  for (const reviewer of roster) {
    if (skip.has(reviewer.id)) continue;
    const expertiseMatch = reviewer.expertise.includes(proposal.category);
    const reason = exclusionOf(proposal, reviewer, profile);
    if (reason) {
      excluded.push({ reviewerId: reviewer.id, reason, expertiseMatch });
      continue;
    }
    const loadRatio = reviewer.load / reviewer.capacity;
    ranked.push({
      reviewerId: reviewer.id,
      expertiseMatch,
      loadRatio,
      score: preference(expertiseMatch, loadRatio, pace, band),
      tie: tieBreak(proposal.id, reviewer.id),
    });
  }
  ranked.sort(
    (a, b) =>
      b.score - a.score ||
      a.tie - b.tie ||
      (a.reviewerId < b.reviewerId ? -1 : a.reviewerId > b.reviewerId ? 1 : 0),
  );
  return { ranked: ranked.map(({ tie: _tie, ...rest }) => rest), excluded };
}

/**
 * Index in `queue` of the next reviewer to take, or -1 when no seat remains or nobody is left.
 * Coverage first: a seat is never left empty while someone eligible remains. When an expertise match is
 * required and none is held yet, the next pick is the best matching reviewer (whatever their load); without
 * one, the next in rank order takes the seat and the missing expertise is reported, not waited for.
 */
export function nextCandidate(
  queue: readonly RankedReviewer[],
  remaining: number,
  requireExpertiseMatch: boolean,
  matched: boolean,
): number {
  if (remaining <= 0 || queue.length === 0) return -1;
  if (requireExpertiseMatch && !matched) {
    const match = queue.findIndex((c) => c.expertiseMatch);
    if (match >= 0) return match;
  }
  return 0;
}

export interface Selection {
  chosen: RankedReviewer[];
  /** The rest of the ranking, in order: candidates for reassignment. */
  alternates: RankedReviewer[];
  /** Seats left empty. */
  missing: number;
  /** True when an expertise match is required and none was free (nor held already): seats filled anyway. */
  expertiseMissing: boolean;
}

/**
 * Chooses `n` reviewers from a ranking (every seat while anyone is eligible), with at least one expertise
 * match when required and one is free.
 * `alreadyMatched` says whether a reviewer already holding a task for the proposal matches.
 */
export function pickReviewers(
  ranked: readonly RankedReviewer[],
  n: number,
  requireExpertiseMatch: boolean,
  alreadyMatched = false,
): Selection {
  const queue = [...ranked];
  const chosen: RankedReviewer[] = [];
  let matched = alreadyMatched;
  for (;;) {
    const index = nextCandidate(queue, n - chosen.length, requireExpertiseMatch, matched);
    if (index < 0) break;
    const [candidate] = queue.splice(index, 1);
    if (!candidate) break;
    chosen.push(candidate);
    matched ||= candidate.expertiseMatch;
  }
  const missing = Math.max(0, n - chosen.length);
  return { chosen, alternates: queue, missing, expertiseMissing: requireExpertiseMatch && !matched };
}

const REASON_LABELS: Record<ExclusionReason, Text> = {
  'own-email': { id: 'email pengusul sendiri', en: "submitter's own email" },
  'same-institution': { id: 'instansi yang sama', en: 'same institution' },
  'declared-conflict': { id: 'konflik yang dinyatakan', en: 'declared conflict' },
  'same-government': { id: 'pemerintah yang sama', en: 'same government' },
  'same-region': { id: 'wilayah yang sama', en: 'same region' },
  inactive: { id: 'tidak aktif', en: 'inactive' },
  full: { id: 'kapasitas penuh', en: 'at capacity' },
};

/** Counts of exclusions by reason, in a fixed order, e.g. "2 instansi yang sama, 5 kapasitas penuh". */
function reasonCounts(excluded: readonly Exclusion[]): Text | undefined {
  const counts = new Map<ExclusionReason, number>();
  for (const e of excluded) counts.set(e.reason, (counts.get(e.reason) ?? 0) + 1);
  const parts = EXCLUSION_REASONS.filter((r) => counts.has(r)).map((r) => ({
    id: `${counts.get(r)} ${REASON_LABELS[r].id}`,
    en: `${counts.get(r)} ${REASON_LABELS[r].en}`,
  }));
  if (parts.length === 0) return undefined;
  return { id: parts.map((p) => p.id).join(', '), en: parts.map((p) => p.en).join(', ') };
}

export interface GapFacts {
  /** Reviewers the proposal needs in all. */
  needed: number;
  /** Seats still empty. */
  missing: number;
  /** True when the missing seat is the required expert. */
  expertiseMissing: boolean;
}

/**
 * A sentence, in Bahasa Indonesia and English, naming why a proposal could not get all its reviewers,
 * with the counts of excluded reviewers by reason so that ops know what to change.
 */
export function describeGap(
  proposal: ProposalForAssignment,
  ranking: Ranking,
  profile: Pick<AssignmentProfile, 'categories'>,
  facts: GapFacts,
): Text {
  const category = categoryLabel(profile, proposal.category);
  const institution = proposal.institution || proposal.agency;
  if (facts.expertiseMissing) {
    const experts = ranking.excluded.filter((e) => e.expertiseMatch);
    const counts = reasonCounts(experts);
    const detail: Text =
      experts.length === 0
        ? {
            id: 'tidak ada penilai dengan keahlian ini di daftar',
            en: 'the roster has no reviewer with this expertise',
          }
        : {
            id: `${experts.length} penilai berkeahlian ini dikecualikan: ${counts?.id}`,
            en: `${experts.length} reviewers with this expertise excluded: ${counts?.en}`,
          };
    return {
      id: `Tidak ada penilai dengan keahlian kategori ${category} yang tersedia tanpa konflik dengan instansi ${institution} (${detail.id}).`,
      en: `No reviewer with expertise in category ${category} is available without a conflict with institution ${institution} (${detail.en}).`,
    };
  }
  const available = ranking.ranked.length;
  const counts = reasonCounts(ranking.excluded);
  const tail: Text = counts
    ? { id: `; dikecualikan: ${counts.id}`, en: `; excluded: ${counts.en}` }
    : { id: '', en: '' };
  return {
    id: `Kurang ${facts.missing} dari ${facts.needed} penilai untuk kategori ${category}: hanya ${available} penilai lain tersedia tanpa konflik dengan instansi ${institution}${tail.id}.`,
    en: `${facts.missing} of ${facts.needed} reviewers missing for category ${category}: only ${available} other reviewers available without a conflict with institution ${institution}${tail.en}.`,
  };
}

/** Why one reviewer was chosen, at the time of the choice. */
export interface ChoiceReason {
  reviewerId: string;
  expertiseMatch: boolean;
  /** Load and capacity before this assignment. */
  load: number;
  capacity: number;
  /** 'expert-seat': the first expert; 'expert': an expert within the load band; 'behind-pace': preferred for
   * being behind the round; 'least-loaded': the next by load (no expert free within the band). */
  why: 'expert-seat' | 'expert' | 'behind-pace' | 'least-loaded';
}

/** Why an eligible reviewer ranked below the chosen ones. */
export interface PassedOver {
  reviewerId: string;
  why: 'no-expertise' | 'ahead-of-pace' | 'higher-load' | 'tie-break';
  load: number;
  capacity: number;
}

export interface AssignmentExplanation {
  chosen: ChoiceReason[];
  /** The best few alternates not chosen, and why. */
  passedOver: PassedOver[];
  /** Reviewers checked for conflicts, and the exclusions by reason. */
  checked: number;
  excluded: Partial<Record<ExclusionReason, number>>;
  /** The round's pace when the proposal was assigned. */
  pace: number;
}

/**
 * Explains a selection: for each chosen reviewer why (expertise, load at the time), the conflicts checked, and
 * the best alternates passed over with the reason they ranked lower.
 */
export function explainSelection(
  ranking: Ranking,
  chosen: readonly RankedReviewer[],
  roster: readonly Reviewer[],
  pace: number,
  options: { band?: number; firstExpertSeat?: boolean; passedOver?: number } = {},
): AssignmentExplanation {
  const band = options.band ?? LOAD_BAND;
  const byId = new Map(roster.map((r) => [r.id, r]));
  const numbers = (id: string) => ({ load: byId.get(id)?.load ?? 0, capacity: byId.get(id)?.capacity ?? 0 });
  let expertSeatTaken = !options.firstExpertSeat;
  const reasons: ChoiceReason[] = chosen.map((c) => {
    let why: ChoiceReason['why'];
    if (c.expertiseMatch && !expertSeatTaken) {
      why = 'expert-seat';
      expertSeatTaken = true;
    } else if (c.expertiseMatch && c.loadRatio <= pace + band) why = 'expert';
    else if (c.loadRatio < pace - band) why = 'behind-pace';
    else why = 'least-loaded';
    return { reviewerId: c.reviewerId, expertiseMatch: c.expertiseMatch, ...numbers(c.reviewerId), why };
  });
  const taken = new Set(chosen.map((c) => c.reviewerId));
  const anyExpertChosen = chosen.some((c) => c.expertiseMatch);
  const minChosenLoad = Math.min(...chosen.map((c) => c.loadRatio));
  const passedOver: PassedOver[] = ranking.ranked
    .filter((c) => !taken.has(c.reviewerId))
    .slice(0, options.passedOver ?? 3)
    .map((c) => {
      let why: PassedOver['why'];
      if (c.expertiseMatch && c.loadRatio > pace + band) why = 'ahead-of-pace';
      else if (!c.expertiseMatch && anyExpertChosen) why = 'no-expertise';
      else if (c.loadRatio > minChosenLoad) why = 'higher-load';
      else why = 'tie-break';
      return { reviewerId: c.reviewerId, why, ...numbers(c.reviewerId) };
    });
  const excluded: Partial<Record<ExclusionReason, number>> = {};
  for (const e of ranking.excluded) excluded[e.reason] = (excluded[e.reason] ?? 0) + 1;
  return {
    chosen: reasons,
    passedOver,
    checked: ranking.ranked.length + ranking.excluded.length,
    excluded,
    pace: Math.round(pace * 1000) / 1000,
  };
}

const CHOICE_TEXT: Record<ChoiceReason['why'], Text> = {
  'expert-seat': { id: 'kursi ahli', en: 'expert seat' },
  expert: { id: 'ahli', en: 'expert' },
  'behind-pace': { id: 'tertinggal dari laju putaran', en: 'behind the round' },
  'least-loaded': { id: 'beban terendah, bukan ahli', en: 'least loaded, not an expert' },
};
const PASSED_TEXT: Record<PassedOver['why'], Text> = {
  'no-expertise': { id: 'bukan ahli', en: 'not an expert' },
  'ahead-of-pace': { id: 'di depan laju putaran', en: 'ahead of the round' },
  'higher-load': { id: 'beban lebih tinggi', en: 'higher load' },
  'tie-break': { id: 'undian', en: 'tie-break' },
};

/** One line, in both languages, for the history and the ops email. */
export function describeExplanation(explanation: AssignmentExplanation): Text {
  const line = (lang: 'id' | 'en') => {
    const chosen = explanation.chosen
      .map((c) => `${c.reviewerId} (${CHOICE_TEXT[c.why][lang]}, ${c.load}/${c.capacity})`)
      .join(', ');
    const excluded = EXCLUSION_REASONS.filter((r) => explanation.excluded[r])
      .map((r) => `${explanation.excluded[r]} ${REASON_LABELS[r][lang]}`)
      .join(', ');
    const passed = explanation.passedOver
      .map((p) => `${p.reviewerId} (${PASSED_TEXT[p.why][lang]}, ${p.load}/${p.capacity})`)
      .join(', ');
    return lang === 'id'
      ? `Dipilih: ${chosen || '-'}; konflik diperiksa pada ${explanation.checked} penilai${excluded ? ` (${excluded})` : ''}; laju putaran ${explanation.pace}${passed ? `; dilewati: ${passed}` : ''}.`
      : `Chosen: ${chosen || '-'}; conflicts checked on ${explanation.checked} reviewers${excluded ? ` (${excluded})` : ''}; round pace ${explanation.pace}${passed ? `; passed over: ${passed}` : ''}.`;
  };
  return { id: line('id'), en: line('en') };
}
