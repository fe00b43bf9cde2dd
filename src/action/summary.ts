import type { SummarySection } from './report.ts';

/** The job summary's Markdown for one step: a heading, its lines as paragraphs, and a table when there is one. */
export function renderSummary(section: SummarySection): string {
  const parts = [`### ${section.heading}`, ...section.lines];
  const { table } = section;
  if (table && table.rows.length > 0) {
    const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
    parts.push([row(table.header), row(table.header.map(() => '---')), ...table.rows.map(row)].join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}
