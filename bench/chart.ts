// Two pictures for docs/benchmarks.md, as plain SVG: the overhead ratios against their goals,
// and RSS over the memory runs (a line that levels off reads better than four numbers).
import type { Row } from './measure.ts'

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;')
const family = 'font-family="system-ui, sans-serif"'
const font = `${family} font-size="12"`

function frame(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="20" text-anchor="middle" ${family} font-size="14" font-weight="bold">${esc(title)}</text>
${body}
</svg>
`
}

/** Horizontal bars of the time aimux adds to a call, in percent of the raw SDK's, with the goals marked. */
export function overheadChart(rows: Row[]): string {
  const bars = rows.filter((r) => r.scenario.startsWith('overhead') && r.subject.startsWith('aimux'))
  const added = (r: Row) => (Number(r.numbers['wall ratio']) - 1) * 100
  const max = Math.max(20, ...bars.map(added))
  const left = 330
  const width = 800
  const plot = width - left - 60
  const x = (percent: number) => left + (Math.max(0, percent) / max) * plot
  const rowHeight = 26
  const top = 40
  const parts = bars.map((r, i) => {
    const y = top + i * rowHeight
    const percent = added(r)
    const label = `${r.scenario.replace('overhead, ', '')}: ${r.subject.replace('aimux, ', '')}`
    return `<text x="${left - 8}" y="${y + 15}" text-anchor="end" ${font}>${esc(label)}</text>
<rect x="${left}" y="${y + 3}" width="${x(percent) - left}" height="16" fill="${r.met === false ? '#d9534f' : '#5b9bd5'}"/>
<text x="${x(percent) + 4}" y="${y + 15}" ${font}>${percent >= 0 ? '+' : ''}${percent.toFixed(0)}%</text>`
  })
  const bottom = top + bars.length * rowHeight
  const marks = [5, 15].map(
    (
      percent,
    ) => `<line x1="${x(percent)}" x2="${x(percent)}" y1="${top}" y2="${bottom}" stroke="#444" stroke-dasharray="3 3"/>
<text x="${x(percent)}" y="${bottom + 14}" text-anchor="middle" ${font}>${percent}%</text>`,
  )
  const notes = [
    "wall time aimux adds to a call, in percent of the raw openai SDK's (median of twenty interleaved rounds)",
    'dashed: the goals, 5% with no store and 15% with SQLite (none with budgets and rate limits); red: a goal missed',
  ].map((line, i) => `<text x="20" y="${bottom + 34 + i * 16}" ${font}>${esc(line)}</text>`)
  return frame(width, bottom + 60, 'Time aimux adds to a call', [...parts, ...marks, ...notes].join('\n'))
}

/** RSS after each tenth of the memory runs, one line per configuration. */
export function memoryChart(rows: Row[]): string {
  const runs = rows.filter((r) => r.scenario === 'memory' && r.series)
  const width = 640
  const height = 320
  const [left, right, top, bottom] = [60, 20, 40, 50]
  const values = runs.flatMap((r) => r.series!)
  const ceiling = Math.ceil((Math.max(...values) * 1.1) / 100) * 100
  const x = (i: number, n: number) => left + ((i + 1) / n) * (width - left - right)
  const y = (mb: number) => height - bottom - (mb / ceiling) * (height - top - bottom)
  const colors = ['#5b9bd5', '#ed7d31', '#70ad47']
  const lines = runs.map((r, k) => {
    const points = r.series!.map((mb, i) => `${x(i, r.series!.length).toFixed(1)},${y(mb).toFixed(1)}`)
    return `<polyline fill="none" stroke="${colors[k]}" stroke-width="2" points="${points.join(' ')}"/>
<text x="${left + 10}" y="${top + 16 + k * 16}" ${font} fill="${colors[k]}">${esc(r.subject)}</text>`
  })
  const calls = Number(runs[0]?.numbers.calls ?? 0)
  const grid = [0, 0.25, 0.5, 0.75, 1].map(
    (
      f,
    ) => `<line x1="${left}" x2="${width - right}" y1="${y(f * ceiling)}" y2="${y(f * ceiling)}" stroke="#ddd"/>
<text x="${left - 6}" y="${y(f * ceiling) + 4}" text-anchor="end" ${font}>${Math.round(f * ceiling)}</text>`,
  )
  const axis = `<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle" ${font}>calls (0 to ${calls.toLocaleString('en')}); RSS in MB after a garbage collection</text>`
  return frame(width, height, 'RSS over the memory runs', [...grid, ...lines, axis].join('\n'))
}
