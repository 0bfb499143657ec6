import * as echarts from 'echarts';
import { Brag } from '../delivery/brag';
import { BRAG_ORDER, labelOf, ukDate } from '../common/words';

const BRAG_CSS: Record<Brag, string> = {
  BLUE: '#005eb8',
  GREEN: '#007f3b',
  AMBER: '#ffb81c',
  RED: '#d5281b',
};

/**
 * Labels drawn without ECharts' white halo: it is a stroke painted under the text with SVG's
 * `paint-order`, which svg-to-pdfkit ignores, so in a PDF the halo covered the text.
 */
const NO_HALO = { textBorderWidth: 0, textBorderColor: 'transparent' } as const;

/**
 * Renders an ECharts option to an SVG string on the server (no browser, no canvas). ECharts
 * names its CSS classes after a global instance counter; they are renamed after the chart so
 * the same figures always give the same bytes, and two charts on one page never clash.
 */
function svg(name: string, option: echarts.EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: 'Arial, sans-serif', fontSize: 13, color: '#212b32' },
    ...option,
  });
  const rendered = chart.renderToSVGString();
  chart.dispose();
  const renumbered = new Map<string, number>();
  return rendered
    .replace(/zr\d+-cls-(\d+)/g, (_, n: string) => {
      if (!renumbered.has(n)) renumbered.set(n, renumbered.size);
      return `${name}-cls-${renumbered.get(n)}`;
    })
    .replace(/zr\d+-/g, `${name}-`);
}

export interface ServiceCounts {
  label: string;
  counts: Record<Brag, number>;
}

/** The height of the BRAG chart for `services` bars, in SVG pixels. */
function bragChartHeight(services: number): number {
  return Math.max(200, 100 + services * 34);
}

/** Actions by BRAG colour for each core service, as stacked horizontal bars (red first). */
export function bragByServiceChart(rows: ServiceCounts[], title?: string): string {
  const labels = rows.map((r) => (r.label.length > 42 ? `${r.label.slice(0, 40)}…` : r.label));
  return svg(
    'brag-by-service',
    {
      title: {
        text: title ?? 'Actions by BRAG and core service',
        textStyle: { fontSize: 15, color: '#212b32' },
      },
      legend: { top: 26, data: BRAG_ORDER.map((b) => labelOf(b)), textStyle: NO_HALO },
      grid: { left: 270, right: 24, top: 64, bottom: 34 },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { ...NO_HALO, color: '#4c6272' } },
      yAxis: {
        type: 'category',
        data: labels,
        inverse: true,
        axisLabel: { ...NO_HALO, color: '#212b32' },
      },
      series: BRAG_ORDER.map((brag) => ({
        name: labelOf(brag),
        type: 'bar',
        stack: 'brag',
        itemStyle: { color: BRAG_CSS[brag] },
        data: rows.map((r) => r.counts[brag]),
      })),
    },
    760,
    bragChartHeight(rows.length),
  );
}

/** The BRAG chart's words for someone who cannot see it (a figure's alternative text). */
export function bragByServiceAlt(rows: ServiceCounts[]): string {
  if (!rows.length) return 'Actions by BRAG colour for each core service: no core services.';
  return `Actions by BRAG colour for each core service: ${rows
    .map(
      (r) =>
        `${r.label}: ${BRAG_ORDER.map((b) => `${r.counts[b]} ${labelOf(b).toLowerCase()}`).join(', ')}`,
    )
    .join('; ')}.`;
}

/**
 * The BRAG chart in parts of at most `perPart` core services, so that on paper each part fits
 * a page with readable bars and labels, whatever the number of services (1 or 40).
 */
export function bragByServiceCharts(
  rows: ServiceCounts[],
  perPart = 16,
): { svg: string; alt: string }[] {
  if (rows.length <= perPart)
    return [{ svg: bragByServiceChart(rows), alt: bragByServiceAlt(rows) }];
  const parts: { svg: string; alt: string }[] = [];
  for (let start = 0; start < rows.length; start += perPart) {
    const part = rows.slice(start, start + perPart);
    const range = `core services ${start + 1} to ${start + part.length} of ${rows.length}`;
    parts.push({
      svg: bragByServiceChart(part, `Actions by BRAG and core service (${range})`),
      alt: `${bragByServiceAlt(part).replace(/:/, ` (${range}):`)}`,
    });
  }
  return parts;
}

/** "2026-12-31" as two lines, "31 December" over "2026", so month ends fit side by side. */
function axisDate(value: string): string {
  return ukDate(value).replace(/ (\d{4})$/, '\n$1');
}

/** Open actions at each month end, with the next reinspection date marked. */
export function openOverTimeChart(
  points: { date: string; open: number }[],
  reinspection: string | null,
): string {
  const dates = [...points.map((p) => p.date), ...(reinspection ? [reinspection] : [])];
  return svg(
    'open-over-time',
    {
      title: { text: 'Open actions over time', textStyle: { fontSize: 15, color: '#212b32' } },
      grid: { left: 56, right: 40, top: 56, bottom: 56 },
      xAxis: {
        type: 'category',
        data: dates,
        axisLabel: { ...NO_HALO, interval: 0, formatter: axisDate, color: '#212b32' },
      },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { ...NO_HALO, color: '#4c6272' } },
      series: [
        {
          name: 'Open actions',
          type: 'line',
          data: points.map((p) => p.open),
          itemStyle: { color: '#005eb8' },
          label: { show: true, ...NO_HALO, color: '#212b32' },
          markLine: reinspection
            ? {
                symbol: 'none',
                label: { formatter: 'Reinspection', ...NO_HALO, color: '#d5281b' },
                lineStyle: { color: '#d5281b', type: 'dashed' },
                data: [{ xAxis: reinspection }],
              }
            : undefined,
        },
      ],
    },
    760,
    300,
  );
}

/** The line chart's words for someone who cannot see it. */
export function openOverTimeAlt(
  points: { date: string; open: number }[],
  reinspection: string | null,
): string {
  const counts = points.map((p) => `${ukDate(p.date)}: ${p.open}`).join('; ');
  return (
    `Open actions at each month end: ${counts || 'none'}.` +
    (reinspection ? ` The next reinspection is on ${ukDate(reinspection)}.` : '')
  );
}
