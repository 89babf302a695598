// The report: what every benchmark returns (sections of rows, each row a median figure and its ratio
// against a baseline from the same run), the text table `pnpm bench` prints, and the JSON it writes.

/** A target a ratio should meet, from the issue that asked for the benchmark. */
export type Goal =
  | { comparison: 'at least' | 'at most'; value: number }
  /** Both ends inclusive: for a ratio that must not lean either way (a timing side channel). */
  | { comparison: 'between'; low: number; high: number };

export interface Row {
  /** The contender, or the comparison for a ratio-only row ("protected / public"). */
  name: string;
  /** The contender's own median figure; null for a ratio-only row. */
  value: number | null;
  /** The per-round figures the median was taken of, in round order (JSON only). */
  samples?: number[];
  unit: string;
  /** value / baseline, each from the same run (the median of per-round ratios where rounds are paired). */
  ratio: number | null;
  /** What the ratio is taken against. */
  against: string | null;
  /** Read against `ratio`, or against `value` for a row with no ratio (an absolute target, a latency). */
  goal?: Goal;
  /**
   * The ratio of each of several independent runs, for a figure too noisy to judge from one: its goal is met
   * only when every run meets it, missed when every run misses it, and unsettled otherwise.
   */
  runs?: number[];
  note?: string;
}

export interface Section {
  id: string;
  title: string;
  rows: Row[];
  /** How it was measured, and anything a reader must know to trust the figures. */
  notes: string[];
  /** Why the section did not run ("DATABASE_URL is unset"); null when it ran. */
  skipped: string | null;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryMiB: number;
  node: string;
  platform: string;
  date: string;
}

export interface BenchReport {
  machine: MachineInfo;
  options: { only: string[]; seconds: number; revocations?: number };
  sections: Section[];
}

/** Whether a ratio meets its goal. */
export function meetsGoal(ratio: number, goal: Goal): boolean {
  switch (goal.comparison) {
    case 'at least':
      return ratio >= goal.value;
    case 'at most':
      return ratio <= goal.value;
    case 'between':
      return ratio >= goal.low && ratio <= goal.high;
  }
}

export type Verdict = 'met' | 'MISSED' | 'unsettled';

/** The verdict on a row's goal; null for a row without a goal or without a figure to read it against. */
export function verdict(row: Row): Verdict | null {
  if (row.goal === undefined) return null;
  const { goal } = row;
  if (row.runs !== undefined && row.runs.length > 0) {
    const met = row.runs.filter((run) => meetsGoal(run, goal)).length;
    if (met === row.runs.length) return 'met';
    return met === 0 ? 'MISSED' : 'unsettled';
  }
  const figure = row.ratio ?? row.value;
  if (figure === null) return null;
  return meetsGoal(figure, goal) ? 'met' : 'MISSED';
}

/** A section that did not run, with the reason printed where its table would be. */
export function skippedSection(id: string, title: string, reason: string): Section {
  return { id, title, rows: [], notes: [], skipped: reason };
}

/** 1234567 -> "1,234,567"; 12.345 -> "12.3"; 0.01234 -> "0.0123": enough digits to compare, no more. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** Ratios always with two decimals (three under 0.1), so columns line up and 0.97 reads as 0.97. */
export function formatRatio(value: number): string {
  return Math.abs(value) < 0.1 ? value.toFixed(3) : value.toFixed(2);
}

/** The goal as printed: `>= 0.97`, `0.80-1.25`, or in the row's unit for an absolute target (`<= 50 ms`). */
export function formatGoalTarget(row: Row): string {
  if (row.goal === undefined) return '';
  const { goal } = row;
  const absolute = row.ratio === null;
  const figure = (value: number): string =>
    absolute ? `${formatFigure(value)} ${row.unit}` : formatRatio(value);
  return goal.comparison === 'between'
    ? `${figure(goal.low)}-${figure(goal.high)}`
    : `${goal.comparison === 'at least' ? '>=' : '<='} ${figure(goal.value)}`;
}

function formatGoal(row: Row): string {
  const judged = verdict(row);
  const runs = row.runs === undefined ? '' : ` (runs: ${row.runs.map((run) => formatRatio(run)).join(', ')})`;
  return row.goal === undefined
    ? ''
    : `${formatGoalTarget(row)}${judged === null ? '' : ` ${judged}`}${runs}`;
}

/** Left-aligned text columns, right-aligned numbers, two spaces apart. */
function renderColumns(
  header: readonly string[],
  lines: readonly string[][],
  numeric: readonly boolean[],
): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return numeric[column] === true ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(render)];
}

/** The text table of one section. */
export function formatSection(section: Section): string {
  const heading = `== ${section.title} ==`;
  if (section.skipped !== null) return `${heading}\nskipped: ${section.skipped}`;
  const lines = section.rows.map((row) => [
    row.name,
    row.value === null ? '' : formatFigure(row.value),
    row.value === null ? '' : row.unit,
    row.ratio === null ? '' : formatRatio(row.ratio),
    row.against ?? '',
    formatGoal(row),
    row.note ?? '',
  ]);
  const table = renderColumns(['contender', 'median', 'unit', 'ratio', 'against', 'goal', 'note'], lines, [
    false,
    true,
    false,
    true,
    false,
    false,
    false,
  ]);
  return [heading, ...table, ...section.notes.map((note) => `  * ${note}`)].join('\n');
}

/** The whole report as printed: the machine, then each section. */
export function formatReport(report: BenchReport): string {
  const { machine } = report;
  const header = [
    `Latchkey bench, ${machine.date}`,
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.totalMemoryMiB} MiB, Node ${machine.node} (${machine.platform})`,
    `every ratio compares two figures from this run; medians of alternated rounds`,
  ].join('\n');
  return [header, ...report.sections.map(formatSection)].join('\n\n');
}
