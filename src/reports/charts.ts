import * as echarts from 'echarts';
import { BRAG_COLOURS, Brag } from '../delivery/brag';

const BRAG_CSS: Record<Brag, string> = {
  BLUE: '#005eb8',
  GREEN: '#007f3b',
  AMBER: '#ffb81c',
  RED: '#d5281b',
};

/**
 * Renders an ECharts option to an SVG string on the server (no browser, no canvas). ECharts
 * names its CSS classes after a global instance counter; they are renamed after the chart so
 * the same figures always give the same bytes, and two charts on one page never clash.
 */
function svg(name: string, option: echarts.EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, textStyle: { fontFamily: 'Arial, sans-serif' }, ...option });
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

/** Actions by BRAG colour for each core service, as stacked horizontal bars. */
export function bragByServiceChart(
  rows: { label: string; counts: Record<Brag, number> }[],
): string {
  const labels = rows.map((r) => (r.label.length > 42 ? `${r.label.slice(0, 40)}…` : r.label));
  return svg(
    'brag-by-service',
    {
      title: { text: 'Actions by BRAG and core service', textStyle: { fontSize: 14 } },
      legend: { top: 24, data: [...BRAG_COLOURS] },
      grid: { left: 260, right: 20, top: 60, bottom: 30 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: labels, inverse: true },
      series: BRAG_COLOURS.map((brag) => ({
        name: brag,
        type: 'bar',
        stack: 'brag',
        itemStyle: { color: BRAG_CSS[brag] },
        data: rows.map((r) => r.counts[brag]),
      })),
    },
    760,
    Math.max(200, 90 + rows.length * 34),
  );
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
      title: { text: 'Open actions over time', textStyle: { fontSize: 14 } },
      grid: { left: 50, right: 30, top: 50, bottom: 40 },
      xAxis: { type: 'category', data: dates },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: 'Open actions',
          type: 'line',
          data: points.map((p) => p.open),
          itemStyle: { color: '#005eb8' },
          label: { show: true },
          markLine: reinspection
            ? {
                symbol: 'none',
                label: { formatter: 'Reinspection' },
                lineStyle: { color: '#d5281b', type: 'dashed' },
                data: [{ xAxis: reinspection }],
              }
            : undefined,
        },
      ],
    },
    760,
    280,
  );
}
