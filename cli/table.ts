/** A plain text table for people (a few lines; not worth a dependency). */
import { field } from './output';

/** Cuts a cell to a width, marking the cut. */
function fitCell(value: string, width: number): string {
  return value.length <= width ? value.padEnd(width) : `${value.slice(0, width - 1)}…`;
}

/**
 * Every cell is cleaned and put on one line (cli/output.ts), so data can neither move the cursor nor the rows.
 * Columns are as wide as their content, within `caps[i]` characters where a cap is given (longer cells are cut).
 */
export function table(header: string[], rows: unknown[][], caps: readonly number[] = []): string {
  const cells = [header.map(field), ...rows.map((row) => row.map(field))];
  const widths = header.map((_, i) =>
    Math.min(caps[i] ?? Number.POSITIVE_INFINITY, Math.max(...cells.map((row) => (row[i] ?? '').length))),
  );
  const line = (row: string[]) =>
    row
      .map((value, i) => fitCell(value, widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(cells[0] ?? []), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join(
    '\n',
  );
}
