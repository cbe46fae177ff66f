import { cpus, freemem, loadavg, totalmem, type } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';

/** One benchmark's outcome: a table of figures, each beside its floor or target where it has one. */
export interface BenchResult {
  name: string;
  /** what was measured, how, and against which floor */
  method: string;
  rows: { figure: string; value: string; floor?: string; ratio?: string; target?: string; ok?: boolean }[];
  notes?: string[];
}

export function machine(): string {
  const cpu = cpus();
  // the load average when the results are written: other processes on the cores move every figure
  const load = loadavg().map((n) => n.toFixed(1)).join(' / ');
  return `${type()} · ${cpu.length} cores (${cpu[0]?.model.trim()}) · ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} free) · Node ${process.version} · load average ${load} (1 / 5 / 15 min; above ~1 means other processes shared the cores)`;
}

export function writeResults(path: string, results: BenchResult[], quick: boolean): void {
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString()}.`,
    `Machine: ${machine()}.`,
    '',
    'Figures are set beside a floor measured in the same run on the same machine: these machines are',
    'noisy, so only the ratios travel. ✅ / ❌ compare against the targets of the benchmarks issue.',
    '',
  ];
  for (const result of results) lines.push(...resultSection(result));
  writeFileSync(path, lines.join('\n'));
}

/** One benchmark's section of RESULTS.md: its heading, method, table of figures and notes. */
export function resultSection(result: BenchResult): string[] {
  const lines = [`## ${result.name}`, '', result.method, ''];
  lines.push('| figure | value | floor | ratio | target | |', '|---|---|---|---|---|---|');
  for (const row of result.rows)
    lines.push(`| ${row.figure} | ${row.value} | ${row.floor ?? ''} | ${row.ratio ?? ''} | ${row.target ?? ''} | ${row.ok === undefined ? '' : row.ok ? '✅' : '❌'} |`);
  lines.push('');
  for (const note of result.notes ?? []) lines.push(`- ${note}`);
  if (result.notes?.length) lines.push('');
  return lines;
}

/**
 * Rewrites only the sections of `results` (found by their heading; appended when new), keeping the others as
 * measured before: benches re-run alone (`npm run bench -- --only <name>`). Each says when and where it ran.
 */
export function replaceSections(path: string, results: BenchResult[], quick: boolean): void {
  const [head, ...sections] = readFileSync(path, 'utf8').split(/^(?=## )/m);
  for (const result of results) {
    const ran = `Re-run alone by \`npm run bench -- --only …${quick ? ' --quick' : ''}\` on ${new Date().toISOString()}. Machine: ${machine()}.`;
    const section = [...resultSection({ ...result, notes: [...(result.notes ?? []), ran] }), ''].join('\n');
    const at = sections.findIndex((each) => each.startsWith(`## ${result.name}\n`));
    if (at >= 0) sections[at] = section;
    else sections.push(section);
  }
  writeFileSync(path, [head, ...sections].join(''));
}
