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

export function parseForm(json: unknown): Block[] {
  const result = proposalFormSchema.safeParse(json);
  if (!result.success) {
    const first = result.error.issues[0];
    const path = first?.path.map(String).join('.') || '(root)';
    throw new DocumentRejected('FORM_INVALID', { detail: `${path}: ${first?.message ?? 'invalid'}` });
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
