import type { ProposalView } from '../functions/lib/adapters/proposals';

/** A proposal's journey for people: one line per history entry. */
export function formatJourney(view: ProposalView): string {
  const lines = [`${view.key}  ->  ${view.status}  (${view.id})`];
  for (const entry of view.history) {
    lines.push(`    ${entry.at.slice(11, 19)}  ${entry.status.padEnd(15)} ${entry.note}`);
  }
  return lines.join('\n');
}
