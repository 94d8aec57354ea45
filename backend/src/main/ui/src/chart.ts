import { h, s } from './dom';

/** One stacked bar per time bucket; each series is one colour. Drawn as plain SVG. */
export interface Series { name: string; colour: string; values: number[] }

export function stackedBars(title: string, bucketStarts: Date[], bucketMs: number, series: Series[]): HTMLElement {
  const W = 640, H = 200, left = 36, right = 8, top = 10, bottom = 26;
  const n = bucketStarts.length;
  const totals = bucketStarts.map((_, i) => series.reduce((sum, se) => sum + se.values[i], 0));
  const max = Math.max(1, ...totals);
  const niceMax = nice(max);
  const plotW = W - left - right, plotH = H - top - bottom;
  const barW = plotW / n;
  const y = (v: number) => top + plotH - (v / niceMax) * plotH;

  const grid = [0, 0.5, 1].map((f) => {
    const v = Math.round(niceMax * f);
    return s('g', null,
      s('line', { x1: left, x2: W - right, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: left - 4, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(v)));
  });
  const bars = bucketStarts.map((start, i) => {
    let acc = 0;
    const end = new Date(start.getTime() + bucketMs);
    const parts = series.filter((se) => se.values[i] > 0).map((se) => {
      const y0 = y(acc), y1 = y(acc + se.values[i]);
      acc += se.values[i];
      return s('rect', { x: left + i * barW + 2, width: Math.max(barW - 4, 1), y: y1, height: Math.max(y0 - y1, 0), fill: se.colour },
        s('title', null, `${se.name}: ${se.values[i]} (${label(start, bucketMs)}–${label(end, bucketMs)})`));
    });
    return s('g', null, parts);
  });
  const ticks = [0, Math.floor(n / 2), n - 1].map((i) =>
    s('text', { x: left + i * barW + barW / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis' }, label(bucketStarts[i], bucketMs)));

  const total = totals.reduce((a, b) => a + b, 0);
  const summary = `${title}: ${total} alerts in ${n} intervals from ${label(bucketStarts[0], bucketMs)}; `
    + series.filter((se) => sum(se.values) > 0).map((se) => `${se.name} ${sum(se.values)}`).join(', ');
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary, preserveAspectRatio: 'none' },
    grid, bars, ticks);
  const legend = h('ul', { class: 'legend' }, series.filter((se) => sum(se.values) > 0).map((se) =>
    h('li', null, h('span', { class: 'swatch', style: { background: se.colour }, 'aria-hidden': 'true' }), `${se.name} (${sum(se.values)})`)));
  return h('figure', { class: 'chart' }, h('figcaption', null, title), svg,
    total === 0 ? h('p', { class: 'muted' }, 'No alerts in this range.') : legend);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function nice(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function label(d: Date, bucketMs: number): string {
  const pad = (x: number) => String(x).padStart(2, '0');
  if (bucketMs >= 86_400_000) return `${d.getMonth() + 1}/${d.getDate()}`;
  if (bucketMs >= 3_600_000) return `${d.getMonth() + 1}/${d.getDate()} ${pad(d.getHours())}h`;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
