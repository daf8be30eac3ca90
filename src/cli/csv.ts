import { CsvError, parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { bilingual } from '../core/i18n.ts';

// CSV as schools export it from their student information system: UTF-8 (with or without BOM) or
// Windows-1252, comma or semicolon separated (Dutch Excel uses ;), quoted fields per RFC 4180 (csv-parse).

export function decodeCsv(bytes: Buffer): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(bytes, 'win1252'), encoding: 'windows-1252' };
  }
}

/** A CSV file that cannot be read as CSV; message in Dutch, then English (locale texts). */
export class CsvSyntaxError extends Error {}

/**
 * Splits CSV text into records with the line each starts on (a quoted field may span lines). Parsing is
 * csv-parse's (RFC 4180 quotes, "" inside quotes, spaces around quoted fields); an unclosed quote is refused
 * with the line where it opens, where a hand-written reader swallowed the rest of the file into one field.
 */
export function parseCsv(text: string, delimiter: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let lastEnd = 0;
  try {
    parse(text, {
      delimiter,
      raw: true,
      trim: true,
      relax_quotes: true, // a quote inside an unquoted field (Jan "JJ" Jansen) is text, as Excel writes it
      relax_column_count: true, // short rows are reported per row by readTable's callers
      skip_empty_lines: true,
      on_record: (value: unknown, context) => {
        const { record } = value as { record: string[] }; // with raw, csv-parse hands over { record, raw }
        lastEnd = context.lines;
        // raw holds the blank lines skipped before the record; the record spans its own lines only.
        const own = (context.raw ?? '').replace(/^(?:\r?\n|\r)+/, '').replace(/(?:\r?\n|\r)$/, '');
        const spanned = own.split(/\r\n|\n|\r/).length - 1;
        if (record.some((f) => f.trim() !== '')) records.push({ line: context.lines - spanned, fields: record });
        return null;
      },
    });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      // The record that failed starts on the first non-blank line after the last complete one.
      const lines = text.split(/\r\n|\n|\r/);
      let line = lastEnd + 1;
      while (line < lines.length && lines[line - 1]!.trim() === '') line++;
      throw new CsvSyntaxError(bilingual('core.csv.quoteNotClosed', { line }));
    }
    const line = (err as CsvError & { lines?: number }).lines ?? lastEnd + 1;
    throw new CsvSyntaxError(bilingual('core.csv.invalid', { line, reason: err.message }));
  }
  return records;
}

/** The delimiter used in the header line: the one of ; , and tab that occurs most. */
export function sniffDelimiter(text: string): string {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = [';', ',', '\t'].map((d) => ({ d, n: header.split(d).length - 1 }));
  counts.sort((a, b) => b.n - a.n);
  return counts[0]!.n > 0 ? counts[0]!.d : ',';
}

export function normalizeHeader(h: string): string {
  return h
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

export interface ColumnSpec {
  key: string;
  /** Header names as SIS exports write them, in Dutch and English; compared without case, spaces or punctuation. */
  aliases: readonly string[];
  required: boolean;
}

export type CsvTable =
  | { ok: true; rows: { line: number; values: Record<string, string> }[]; encoding: string; delimiter: string }
  | { ok: false; error: string };

/** Reads a CSV file into rows keyed by column spec; fails as a whole only when the header is unusable. */
export function readTable(bytes: Buffer, columns: readonly ColumnSpec[]): CsvTable {
  const { text, encoding } = decodeCsv(bytes);
  const delimiter = sniffDelimiter(text);
  let records: { line: number; fields: string[] }[];
  try {
    records = parseCsv(text, delimiter);
  } catch (err) {
    if (err instanceof CsvSyntaxError) return { ok: false, error: err.message };
    throw err;
  }
  const [first, ...body] = records;
  if (!first) return { ok: false, error: 'the file is empty' };
  const header = first.fields;
  const normalized = header.map(normalizeHeader);
  const index: Record<string, number> = {};
  const missing: string[] = [];
  for (const col of columns) {
    const at = normalized.findIndex((h) => col.aliases.map(normalizeHeader).includes(h));
    if (at >= 0) index[col.key] = at;
    else if (col.required) missing.push(`${col.key} (e.g. "${col.aliases[0]}")`);
  }
  if (missing.length) {
    const seen = header.map((h) => `"${h.trim()}"`).join(', ');
    const hint = header.length === 1 ? ' Is the delimiter a comma or a semicolon?' : '';
    return { ok: false, error: `missing column(s): ${missing.join(', ')}; the header has ${seen}.${hint}` };
  }
  const rows = body.map(({ line, fields }) => ({
    line,
    values: Object.fromEntries(Object.entries(index).map(([key, at]) => [key, (fields[at] ?? '').trim()])),
  }));
  return { ok: true, rows, encoding, delimiter: delimiter === '\t' ? 'tab' : delimiter };
}
