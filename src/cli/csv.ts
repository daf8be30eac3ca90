import iconv from 'iconv-lite';

// CSV as schools export it from their student information system: UTF-8 (with or without BOM) or
// Windows-1252, comma or semicolon separated (Dutch Excel uses ;), quoted fields per RFC 4180.

export function decodeCsv(bytes: Buffer): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(bytes, 'win1252'), encoding: 'windows-1252' };
  }
}

/** Splits CSV text into records of fields; quotes may contain the delimiter, quotes ("") and newlines. */
export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
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
  const records = parseCsv(text, delimiter);
  const [header, ...body] = records;
  if (!header) return { ok: false, error: 'the file is empty' };
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
  const rows = body.map((fields, i) => ({
    line: i + 2,
    values: Object.fromEntries(Object.entries(index).map(([key, at]) => [key, (fields[at] ?? '').trim()])),
  }));
  return { ok: true, rows, encoding, delimiter: delimiter === '\t' ? 'tab' : delimiter };
}
