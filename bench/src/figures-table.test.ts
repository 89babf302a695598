import { describe, expect, it } from 'vitest';

import { FIGURES_BEGIN, FIGURES_END, renderFiguresTable, replaceFigures } from './figures-table.js';
import type { BenchReport } from './report.js';

const report: BenchReport = {
  machine: {
    cpuModel: 'Test CPU',
    cores: 2,
    totalMemoryMiB: 1024,
    node: 'v20.20.2',
    platform: 'linux-x64',
    date: '2026-12-01T14:00:00.000Z',
  },
  options: { only: ['http', 'logins', 'revocation', 'refresh'], seconds: 2, revocations: 500 },
  sections: [
    {
      id: 'http',
      title: '2. HTTP',
      rows: [
        { name: 'bare', value: 40_000, unit: 'req/s', ratio: 1, against: 'bare' },
        {
          name: 'auth.me / auth.token, PGlite',
          value: null,
          unit: '',
          ratio: 0.083,
          against: 'token',
          goal: { comparison: 'at least', value: 0.9 },
        },
      ],
      notes: [],
      skipped: null,
    },
    {
      id: 'logins',
      title: '3. Logins',
      rows: [
        {
          name: 'p99 loaded / idle',
          value: 30,
          unit: 'ms',
          ratio: 1.4,
          against: 'idle',
          goal: { comparison: 'at most', value: 1.5 },
          runs: [1.2, 1.4, 2.8],
        },
      ],
      notes: [],
      skipped: null,
    },
    {
      id: 'revocation',
      title: '6. Revocation',
      rows: [
        {
          name: 'A -> B, p99',
          value: 12.5,
          unit: 'ms',
          ratio: null,
          against: null,
          goal: { comparison: 'at most', value: 50 },
        },
      ],
      notes: [],
      skipped: null,
    },
    { id: 'refresh', title: '4. Refresh', rows: [], notes: [], skipped: 'no server | here' },
  ],
};

describe('renderFiguresTable', () => {
  const lines = renderFiguresTable(report).split('\n');

  it('names the machine, the date and the command the figures came from', () => {
    expect(lines[0]).toBe(
      'Measured on 2026-12-01 (2026-12-01T14:00:00.000Z), Test CPU, 2 cores, 1024 MiB, Node v20.20.2 (linux-x64), with `pnpm bench --only http,logins,revocation,refresh --seconds 2 --revocations 500`.',
    );
  });

  it('lists only rows with a goal, each with its figure, goal and verdict', () => {
    const table = lines.slice(2);
    expect(table).toHaveLength(2 + 4);
    expect(table[2]).toMatch(/^\| `auth\.me \/ auth\.token, PGlite` \| 0\.083 +\| >= 0\.90 +\| MISSED +\|$/);
    expect(table[3]).toMatch(
      /^\| `p99 loaded \/ idle \/ idle` +\| 1\.40 \(runs 1\.20, 1\.40, 2\.80\) \| <= 1\.50 +\| unsettled +\|$/,
    );
    expect(table[4]).toMatch(/\| 12\.5 ms +\| <= 50\.0 ms +\| met +\|$/);
    // A skipped section says why in the verdict column, without a `|` that would split the cell.
    expect(table[5]).toMatch(/^\| 4\. Refresh +\| +\| +\| skipped: no server \/ here \|$/);
  });

  it('pads every column to one width, as prettier formats a Markdown table', () => {
    const table = lines.slice(2);
    const cellStarts = (line: string): number[] => [...line.matchAll(/\|/g)].map((match) => match.index);
    for (const line of table) expect(cellStarts(line)).toEqual(cellStarts(table[0] ?? ''));
    expect(table[1]).toMatch(/^\| -+ \| -+ \| -+ \| -+ \|$/);
  });
});

describe('replaceFigures', () => {
  it('replaces what lies between the markers and leaves the rest of the README alone', () => {
    const readme = `# Bench\n\nprose\n\n${FIGURES_BEGIN}\n\nold table\n\n${FIGURES_END}\n\nmore prose\n`;
    expect(replaceFigures(readme, 'new table')).toBe(
      `# Bench\n\nprose\n\n${FIGURES_BEGIN}\n\nnew table\n\n${FIGURES_END}\n\nmore prose\n`,
    );
  });

  it('refuses a README without both markers in order', () => {
    expect(() => replaceFigures('# Bench\n', 'table')).toThrow(/needs the lines/);
    expect(() => replaceFigures(`${FIGURES_END}\n${FIGURES_BEGIN}\n`, 'table')).toThrow(/needs the lines/);
  });
});
