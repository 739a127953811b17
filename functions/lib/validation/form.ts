/** The structured JSON form: { identity: { <field id or label>: text }, sections: { <name or id>: text } }. */
import * as z from '../zod';
import { DocumentRejected } from './errors';
import type { Block } from './types';

const value = z.pipe(z.union([z.string(), z.number()]), z.transform(String));
export const proposalFormSchema = z.object({
  identity: z._default(z.record(z.string(), value), {}),
  sections: z.record(z.string(), z.string()),
});
export type ProposalForm = z.infer<typeof proposalFormSchema>;

/** More entries than a proposal has (a handful of identity fields, a dozen sections) are refused, not reported one by one. */
export const MAX_FORM_IDENTITY_FIELDS = 50;
export const MAX_FORM_SECTIONS = 100;

/**
 * Reads the JSON form into blocks. Identity values are cleaned and capped by the analysis like those of every
 * other format (control characters and line breaks removed, see clean.ts); names are shortened in messages.
 */
export function parseForm(json: unknown): Block[] {
  const result = proposalFormSchema.safeParse(json);
  if (!result.success) {
    const first = result.error.issues[0];
    const path = first?.path
      .map(String)
      .join('.')
      .replace(/[^\p{L}\p{N} ._-]/gu, '')
      .slice(0, 60);
    throw new DocumentRejected('FORM_INVALID', {
      detail: `${path || '(root)'}: ${first?.message ?? 'invalid'}`,
    });
  }
  const counts = [
    ['identity', Object.keys(result.data.identity).length, MAX_FORM_IDENTITY_FIELDS],
    ['sections', Object.keys(result.data.sections).length, MAX_FORM_SECTIONS],
  ] as const;
  for (const [name, count, max] of counts) {
    if (count > max)
      throw new DocumentRejected('FORM_INVALID', { detail: `${name}: ${count} entries; at most ${max}` });
  }
  const blocks: Block[] = [];
  for (const [label, text] of Object.entries(result.data.identity))
    blocks.push({ kind: 'row', cells: [label, text] });
  for (const [name, text] of Object.entries(result.data.sections)) {
    blocks.push({ kind: 'heading', text: name, level: 1 });
    for (const line of text.split(/\r?\n/))
      if (line.trim()) blocks.push({ kind: 'paragraph', text: line.trim() });
  }
  return blocks;
}
