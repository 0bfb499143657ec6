import { BRAG_ORDER, labelOf, ukDate } from '../common/words';
import type { BoardReport } from './board-report.service';
import { movementSection } from './board-movement.sections';
import { bragByServiceChart, openOverTimeChart } from './charts';
import { ACTION_PLAN_HEADER, WARNING_NOTICE_HEADER } from './warning-notices-section';
import { coverRows, markingOf } from './board-cover';
import {
  actionPlanRowsInWords,
  ASSURED_HEADER,
  assuredRows,
  cappedNote,
  EXCEPTION_HEADER,
  exceptionRows,
  filtersLine,
  generatedLine,
  MAIN_PART_ROWS,
  paperTitle,
  READINESS_HEADER,
  readinessRows,
  statusRows,
  summaryOf,
  warningRowsInWords,
} from './board-paper';

const escape = (value: string | number | null | undefined): string =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const TAG: Record<string, string> = {
  BLUE: 'tag-blue',
  GREEN: 'tag-green',
  AMBER: 'tag-amber',
  RED: 'tag-red',
};
const tag = (brag: string | null) =>
  brag ? `<strong class="tag ${TAG[brag]}">${escape(labelOf(brag))}</strong>` : '';

/** A plain table of text cells; `empty` is the only row when there are none. */
function htmlTable(header: string[], rows: string[][], empty = 'None'): string {
  return `<table><thead><tr>${header.map((h) => `<th scope="col">${escape(h)}</th>`).join('')}</tr></thead><tbody>
${rows.length ? rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('\n') : `<tr><td colspan="${header.length}">${escape(empty)}</td></tr>`}
</tbody></table>`;
}

const note = (text: string | null) => (text ? `<p class="meta">${escape(text)}</p>` : '');

/** The board paper as one printable HTML page; charts are inline SVG, so it works offline. */
export function renderBoardReportHtml(report: BoardReport): string {
  const total = Object.values(report.byBrag).reduce((s, n) => s + n, 0);
  const services = report.breakdowns.find((b) => b.title === 'By core service')?.rows ?? [];
  const marking = markingOf(report.cover);
  const assured = assuredRows(report);
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>${escape(report.organisation.name)}: ${escape(paperTitle(report))}</title>
<style>
  body { font-family: Arial, sans-serif; color: #212b32; margin: 2rem; max-width: 60rem; }
  h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid #005eb8; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .85rem; }
  th, td { border: 1px solid #d8dde0; padding: .3rem .4rem; text-align: left; vertical-align: top; }
  th { background: #f0f4f5; } td.n { text-align: right; }
  .tag { padding: 0 .3rem; border: 1px solid; font-size: .75rem; }
  .tag-blue { color: #005eb8; } .tag-green { color: #007f3b; } .tag-amber { color: #8a5a00; } .tag-red { color: #d5281b; }
  .meta { color: #4c6272; } figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
  .marking { text-align: center; font-weight: bold; }
  .cover th { width: 14rem; }
  @media print { body { margin: 0; } h2 { break-after: avoid; } table, figure { break-inside: avoid; } @page { size: A4; margin: 15mm; }
    .page { break-before: page; } .marking { position: running(marking); } }
</style>
</head>
<body>
<p class="marking">${escape(marking)}</p>
<section class="cover">
<h1>${escape(report.organisation.name)}</h1>
<p><strong>${escape(paperTitle(report))}</strong></p>
<p class="meta">${escape(generatedLine(report))}. ${escape(filtersLine(report))}</p>
<h2>Cover sheet</h2>
<table class="cover"><tbody>
${coverRows(report.cover, report.organisation.name)
  .map(
    ([label, value]) => `<tr><th scope="row">${escape(label)}</th><td>${escape(value)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>
</section>

<section class="page" aria-labelledby="summary">
<h2 id="summary">Executive summary</h2>
${summaryOf(report)
  .map((sentence) => `<p>${escape(sentence)}</p>`)
  .join('\n')}
<p class="meta">Cancelled actions are left out of the counts.</p>
<h2>Exceptions: the worst off track and at risk</h2>
${htmlTable(EXCEPTION_HEADER, exceptionRows(report.exceptions.slice(0, MAIN_PART_ROWS)))}
${note(cappedNote(MAIN_PART_ROWS, report.exceptions.length, 'worst'))}
</section>

<section class="page">
<h2>Warning notices</h2>
${report.warningNotices.length ? htmlTable(WARNING_NOTICE_HEADER, warningRowsInWords(report)) : '<p>None.</p>'}
${report.actionPlansDue.length ? `<h2>Action plans due to CQC</h2>\n${htmlTable(ACTION_PLAN_HEADER, actionPlanRowsInWords(report))}` : ''}
<h2>Actions by delivery status</h2>
<table><thead><tr><th scope="col">Delivery status</th><th scope="col">Actions</th></tr></thead><tbody>
${statusRows(report)
  .map(([s, n]) => `<tr><td>${escape(s)}</td><td class="n">${escape(n)}</td></tr>`)
  .join('\n')}
</tbody></table>
<table><thead><tr>${BRAG_ORDER.map((b) => `<th scope="col">${tag(b)}</th>`).join('')}<th scope="col">Total</th></tr></thead><tbody>
<tr>${BRAG_ORDER.map((b) => `<td class="n">${report.byBrag[b]}</td>`).join('')}<td class="n">${total}</td></tr>
</tbody></table>
${movementHtml(report)}

<h2>Readiness for reinspection</h2>
${htmlTable(READINESS_HEADER, readinessRows(report), 'No findings')}

${report.breakdowns
  .map(
    (b) => `<h2>${escape(b.title)}</h2>
<table><thead><tr><th scope="col">${escape(b.title.replace(/^By /, '').replace(/^./, (c) => c.toUpperCase()))}</th>${BRAG_ORDER.map((c) => `<th scope="col">${tag(c)}</th>`).join('')}<th scope="col">Total</th></tr></thead><tbody>
${b.rows.map((r) => `<tr><td>${escape(r.label)}</td>${BRAG_ORDER.map((c) => `<td class="n">${r.counts[c]}</td>`).join('')}<td class="n">${r.total}</td></tr>`).join('\n')}
</tbody></table>
${note(b.note)}`,
  )
  .join('\n')}

<h2>Assured in the last 30 days</h2>
${htmlTable(ASSURED_HEADER, assured.slice(0, MAIN_PART_ROWS))}
${note(cappedNote(MAIN_PART_ROWS, assured.length, 'latest'))}

<h2>Charts</h2>
<figure>${bragByServiceChart(services)}<figcaption>Actions by BRAG colour for each core service.</figcaption></figure>
<figure>${openOverTimeChart(report.openOverTime, report.nextReinspection)}<figcaption>Open actions at each month end${report.nextReinspection ? `, against the next reinspection on ${escape(ukDate(report.nextReinspection))}` : ''}.</figcaption></figure>
</section>

<section class="page" aria-labelledby="appendix">
<h2 id="appendix">Appendix: full lists</h2>
<h3>Every off-track and at-risk action</h3>
${htmlTable(EXCEPTION_HEADER, exceptionRows(report.exceptions))}
${assured.length > MAIN_PART_ROWS ? `<h3>Every action assured in the last 30 days</h3>\n${htmlTable(ASSURED_HEADER, assured)}` : ''}
${movementAppendixHtml(report)}
</section>
<p class="marking">${escape(marking)}</p>
</body>
</html>`;
}

/** Movement tables longer than the main part shows, in full. */
function movementAppendixHtml(report: BoardReport): string {
  const section = movementSection(report.movement);
  if (!section) return '';
  return section.tables
    .filter((t) => t.rows.length > MAIN_PART_ROWS)
    .map(
      (t) => `<h3>${escape(t.title)} (since the last report)</h3>\n${htmlTable(t.header, t.rows)}`,
    )
    .join('\n');
}

/** "Movement since the last issued board report"; nothing when the report was built without it. */
function movementHtml(report: BoardReport): string {
  const section = movementSection(report.movement);
  if (!section) return '';
  return `
<h2>${escape(section.title)}</h2>
<p>${escape(section.intro)}</p>
${section.tables
  .map(
    (t) => `<h3>${escape(t.title)}</h3>
${htmlTable(t.header, t.rows.slice(0, MAIN_PART_ROWS), t.empty)}
${note(cappedNote(MAIN_PART_ROWS, t.rows.length, 'first'))}`,
  )
  .join('\n')}
`;
}
