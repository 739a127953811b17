/** A plain text table for people (a few lines; not worth a dependency). */
import { field } from './output';

/** Every cell is cleaned and put on one line (cli/output.ts), so data can neither move the cursor nor the rows. */
export function table(header: string[], rows: unknown[][]): string {
  const cells = [header.map(field), ...rows.map((row) => row.map(field))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(cells[0] ?? []), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join(
    '\n',
  );
}
