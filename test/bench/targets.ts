/**
 * The targets of the library-scale issue (set for 100,000 papers with abstracts) and the table
 * that prints each figure next to its target with ✓ or ✗.
 */
import { round } from './stats';

export interface Row {
  label: string;
  value: number | undefined;
  unit: 'ms' | 'MB' | '×' | '' | '%';
  /** `≤ limit` or `≥ limit`; no target when absent. */
  target?: { op: '≤' | '≥'; limit: number };
  note?: string;
}

export function meets(row: Row): boolean | undefined {
  if (!row.target || row.value === undefined || Number.isNaN(row.value)) return row.target ? false : undefined;
  return row.target.op === '≤' ? row.value <= row.target.limit : row.value >= row.target.limit;
}

function show(value: number | undefined, unit: Row['unit']): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (unit === '%') return `${(value * 100).toFixed(1)} %`;
  return `${round(value).toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;
}

export function formatTable(title: string, rows: readonly Row[]): string {
  const cells = rows.map((row) => {
    const verdict = meets(row);
    return [
      row.label,
      show(row.value, row.unit),
      row.target ? `${row.target.op} ${show(row.target.limit, row.unit)}` : '',
      verdict === undefined ? '' : verdict ? '✓' : '✗',
      row.note ?? '',
    ];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => c[i].length), 0));
  const lines = cells.map((c) =>
    [c[0].padEnd(widths[0]), c[1].padStart(widths[1]), c[2].padEnd(widths[2]), c[3].padEnd(widths[3]), c[4]].join('  ').trimEnd(),
  );
  return [title, '-'.repeat(Math.max(...lines.map((l) => l.length), title.length)), ...lines].join('\n');
}
