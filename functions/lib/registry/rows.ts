/**
 * Rows of a registry file (the reviewer roster, the agency registry): CSV with a header row (`,` or `;` between
 * columns, as spreadsheets in an Indonesian locale export) or a JSON list of objects, each with the line it came
 * from, so every problem can name its line and field in both languages.
 */
import { parse as parseCsv } from 'csv-parse/sync';

export interface FileProblem {
  /** Line of the file (CSV, header = 1) or 1-based position in the list (JSON, or entries given in code). */
  line: number;
  field: string;
  /** Bahasa Indonesia. */
  message: string;
  /** English. */
  messageEn: string;
}

export function problem(line: number, field: string, message: string, messageEn: string): FileProblem {
  return { line, field, message, messageEn };
}

export interface RawRow {
  line: number;
  cells: Record<string, unknown>;
}

export function readCsv(input: string, errors: FileProblem[]): RawRow[] {
  const firstLine = input.split(/\r?\n/, 1)[0] ?? '';
  // Spreadsheets set to Indonesian locale export with ';' between columns; lists inside a cell are then quoted.
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  try {
    const records = parseCsv(input, {
      columns: true,
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      delimiter,
    }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
    return records.map(({ record, info }) => ({ line: info.lines, cells: record }));
  } catch (error) {
    const line = Number((error as { lines?: number }).lines ?? 1);
    const reason = (error as Error).message;
    errors.push(problem(line, '', `CSV tidak dapat dibaca: ${reason}`, `the CSV cannot be read: ${reason}`));
    return [];
  }
}

/** A JSON list of objects; `what` names the entries in the message of a file that is not a list. */
export function readJson(input: string, errors: FileProblem[], what: { id: string; en: string }): RawRow[] {
  let data: unknown;
  try {
    data = JSON.parse(input);
  } catch (error) {
    const reason = (error as Error).message;
    errors.push(problem(1, '', `JSON tidak valid: ${reason}`, `not valid JSON: ${reason}`));
    return [];
  }
  if (!Array.isArray(data)) {
    errors.push(
      problem(
        1,
        '',
        `JSON harus berupa daftar (array) ${what.id}`,
        `the JSON must be a list (array) of ${what.en}`,
      ),
    );
    return [];
  }
  const rows: RawRow[] = [];
  data.forEach((entry, index) => {
    if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
      rows.push({ line: index + 1, cells: entry as Record<string, unknown> });
    } else {
      errors.push(problem(index + 1, '', 'entri harus berupa objek', 'the entry must be an object'));
    }
  });
  return rows;
}
