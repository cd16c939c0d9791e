// CSV as RFC 4180 writes it: fields split at commas, a field that starts with a quote runs to
// its closing quote ("" inside is one quote) and may hold commas and line breaks. One scanner
// for both uses: whole data files (prompt data) and single lines of a trace (where a line break
// always ends the row, since a trace is read a line at a time).

export interface CsvRow {
  fields: string[];
  /** Index after the row's line break (text.length at the end). */
  next: number;
  /** The text ended inside a quoted field. */
  unclosedQuote: boolean;
}

/** The row starting at `start`: up to a line break outside quotes (CRLF, LF or CR) or the end. */
export function scanCsvRow(text: string, start: number): CsvRow {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = start;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      fields.push(field);
      return { fields, next: c === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1, unclosedQuote: false };
    } else field += c;
  }
  fields.push(field);
  return { fields, next: i, unclosedQuote: quoted };
}

/** Every row of a CSV text (a byte-order mark and blank lines skipped). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; ) {
    const row = scanCsvRow(text, i);
    if (row.fields.length > 1 || row.fields[0] !== '') rows.push(row.fields);
    i = row.next;
  }
  return rows;
}
