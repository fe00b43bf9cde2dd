/** Plain-text tables for the catalog-sync benchmark's figures. */

/** Rows under a header, columns padded to their widest cell; the first column left-aligned, the others right. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, indent = '  '): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) =>
    indent +
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), indent + widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** 12345 as `12,345`. */
export const count = (value: number): string => (Number.isFinite(value) ? value.toLocaleString('en-US') : '-');
