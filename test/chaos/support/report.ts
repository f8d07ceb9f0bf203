import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ChaosRow {
  scenario: string;
  operations: number;
  faults: number;
  lost: number;
  duplicated: number;
  quietMs: number;
  problems: string[];
}

/** Prints the chaos table and writes it as JSON to chaos-results/`file` (one file per chaos spec). */
export function printChaosTable(rows: ChaosRow[], file = 'latest.json'): void {
  const header = ['scenario', 'operations', 'faults injected', 'lost', 'duplicated effects', 'time to quiet'];
  const lines = rows.map((r) => [
    r.scenario,
    String(r.operations),
    String(r.faults),
    String(r.lost),
    String(r.duplicated),
    `${(r.quietMs / 1000).toFixed(1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  const table = [format(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(format)].join('\n');
  process.stdout.write(`\nChaos results\n${table}\n\n`);
  const dir = join(__dirname, '..', '..', '..', 'chaos-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
}
