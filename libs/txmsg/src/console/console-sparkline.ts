import { escapeHtml as e } from './console-html';

/** How a sparkline is drawn. */
export interface SparklineOptions {
  /** What it shows, for its tooltip and screen readers. */
  title: string;
  /** The line's colour. Default a dark blue. */
  color?: string;
  width?: number;
  height?: number;
}

/** Room above and below the line, so a stroke at 0 or at the peak is not cut in half. */
const PAD = 2;

/** A number as an SVG coordinate: two decimals are finer than a pixel. */
const coordinate = (n: number) => String(Math.round(n * 100) / 100);

/**
 * `values`, oldest first, as an inline SVG line: no script, no asset, so it draws under the
 * console's policy. The scale runs from 0 to the largest value, so a flat line at the bottom
 * means nothing happened and small noise does not look like a surge; a `null` (not read) is a
 * gap. Pure.
 */
export function sparkline(values: (number | null)[], options: SparklineOptions): string {
  const { title, color = '#2b5797', width = 160, height = 28 } = options;
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const peak = Math.max(0, ...known);
  const x = (i: number) => (values.length > 1 ? (i * width) / (values.length - 1) : width / 2);
  const y = (v: number) => height - PAD - (peak > 0 ? (v * (height - 2 * PAD)) / peak : 0);
  const runs: string[][] = [[]];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) runs.push([]);
    else runs[runs.length - 1].push(`${coordinate(x(i))},${coordinate(y(v))}`);
  });
  const stroke = `stroke="${e(color)}" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"`;
  // A lone point between gaps still shows: a line from it to itself, drawn as a dot by its round cap.
  const lines = runs
    .filter((run) => run.length > 0)
    .map((run) => `<polyline points="${(run.length === 1 ? [run[0], run[0]] : run).join(' ')}" fill="none" ${stroke}/>`)
    .join('');
  const base = coordinate(height - PAD + 0.5);
  return (
    `<svg class="sparkline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${e(title)}">` +
    `<title>${e(title)}</title><line x1="0" y1="${base}" x2="${width}" y2="${base}" stroke="#dde1e8"/>${lines}</svg>`
  );
}
