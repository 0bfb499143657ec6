import { londonDateOf } from '../common/dates';
import { BRAG_COLOURS } from '../delivery/brag';
import type { BoardReport } from './board-report.service';
import { movementSection } from './board-movement.sections';
import { bragByServiceChart, openOverTimeChart } from './charts';
import {
  ACTION_PLAN_HEADER,
  actionPlanRows,
  WARNING_NOTICE_HEADER,
  warningNoticeRows,
} from './warning-notices-section';

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
  brag ? `<strong class="tag ${TAG[brag]}">${escape(brag)}</strong>` : '';

/** The board report as one printable HTML page; charts are inline SVG, so it works offline. */
export function renderBoardReportHtml(report: BoardReport): string {
  const total = Object.values(report.byBrag).reduce((s, n) => s + n, 0);
  const services = report.breakdowns.find((b) => b.title === 'By core service')?.rows ?? [];
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>${escape(report.organisation.name)}: CQC action plan board report, ${escape(report.asOf)}</title>
<style>
  body { font-family: Arial, sans-serif; color: #212b32; margin: 2rem; max-width: 60rem; }
  h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid #005eb8; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .85rem; }
  th, td { border: 1px solid #d8dde0; padding: .3rem .4rem; text-align: left; vertical-align: top; }
  th { background: #f0f4f5; } td.n { text-align: right; }
  .tag { padding: 0 .3rem; border: 1px solid; font-size: .75rem; }
  .tag-blue { color: #005eb8; } .tag-green { color: #007f3b; } .tag-amber { color: #8a5a00; } .tag-red { color: #d5281b; }
  .meta { color: #4c6272; } figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
  @media print { body { margin: 0; } h2 { break-after: avoid; } table, figure { break-inside: avoid; } @page { size: A4; margin: 15mm; } }
</style>
</head>
<body>
<h1>${escape(report.organisation.name)}</h1>
<p><strong>CQC action plan: board report as at ${escape(report.asOf)}</strong></p>
<p class="meta">Filters: ${report.filters.length ? report.filters.map(escape).join('; ') : 'none (every action of the trust)'}.
Cancelled actions are left out of the counts.</p>

<h2>Warning notices</h2>
${
  report.warningNotices.length
    ? `<table><thead><tr>${WARNING_NOTICE_HEADER.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>
${warningNoticeRows(report.warningNotices)
  .map((row) => `<tr>${row.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`)
  .join('\n')}
</tbody></table>`
    : '<p>None.</p>'
}
${
  report.actionPlansDue.length
    ? `<h2>Action plans due to CQC</h2>
<table><thead><tr>${ACTION_PLAN_HEADER.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>
${actionPlanRows(report.actionPlansDue)
  .map((row) => `<tr>${row.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`)
  .join('\n')}
</tbody></table>`
    : ''
}

<h2>Summary</h2>
<table><thead><tr><th>Delivery status</th><th>Actions</th></tr></thead><tbody>
${(['OFF_TRACK', 'AT_RISK', 'ON_TRACK', 'COMPLETED', 'ASSURED', 'CANCELLED'] as const)
  .map((s) => `<tr><td>${escape(s)}</td><td class="n">${report.byDeliveryStatus[s]}</td></tr>`)
  .join('\n')}
</tbody></table>
<table><thead><tr>${BRAG_COLOURS.map((b) => `<th>${tag(b)}</th>`).join('')}<th>Total</th></tr></thead><tbody>
<tr>${BRAG_COLOURS.map((b) => `<td class="n">${report.byBrag[b]}</td>`).join('')}<td class="n">${total}</td></tr>
</tbody></table>
${movementHtml(report)}

${report.breakdowns
  .map(
    (b) => `<h2>${escape(b.title)}</h2>
<table><thead><tr><th></th>${BRAG_COLOURS.map((c) => `<th>${tag(c)}</th>`).join('')}<th>Total</th></tr></thead><tbody>
${b.rows.map((r) => `<tr><td>${escape(r.label)}</td>${BRAG_COLOURS.map((c) => `<td class="n">${r.counts[c]}</td>`).join('')}<td class="n">${r.total}</td></tr>`).join('\n')}
</tbody></table>`,
  )
  .join('\n')}

<h2>Readiness for reinspection</h2>
<table><thead><tr><th>Core service</th><th>Reinspection</th><th>Days</th><th>Uncovered findings</th><th>MUST assured</th><th>Verdict</th><th>Reasons</th></tr></thead><tbody>
${report.readiness
  .filter((s) => s.reinspectionDate)
  .map(
    (s) =>
      `<tr><td>${escape(s.name)}</td><td>${escape(s.reinspectionDate)}${s.reinspectionConfirmed ? '' : ' (expected)'}</td><td class="n">${s.daysToReinspection}</td><td class="n">${s.uncoveredFindings}</td><td class="n">${s.mustActionsAssuredPercent === null ? '–' : `${s.mustActionsAssuredPercent}%`}</td><td><strong>${escape(s.verdict)}</strong></td><td>${s.reasons.map(escape).join('; ')}</td></tr>`,
  )
  .join('\n')}
</tbody></table>

<h2>Exceptions: off track and at risk</h2>
<table><thead><tr><th>Action</th><th>Owner / lead</th><th>Due</th><th>Status</th><th>Latest update</th><th>Date slipped</th></tr></thead><tbody>
${report.exceptions
  .map(
    (e) =>
      `<tr><td>${escape(e.action.reference)} ${escape(e.action.title)}</td><td>${escape(e.action.owner?.name)} / ${escape(e.action.executiveLead?.name)}</td><td>${escape(e.action.dueDate)}</td><td>${tag(e.action.brag)} ${escape(e.action.deliveryReason)}</td><td>${escape(e.latestNote)}${e.latestNoteAt ? ` (${escape(londonDateOf(e.latestNoteAt))})` : ''}</td><td>${e.slipReason ? `from ${escape(e.action.originalDueDate)}: ${escape(e.slipReason)}` : ''}</td></tr>`,
  )
  .join('\n')}
</tbody></table>

<h2>Assured in the last 30 days</h2>
<table><thead><tr><th>Action</th><th>Assured on</th><th>By</th></tr></thead><tbody>
${report.recentlyAssured.map((r) => `<tr><td>${escape(r.action.reference)} ${escape(r.action.title)}</td><td>${escape(londonDateOf(r.assuredAt))}</td><td>${escape(r.action.assuredBy?.name)}</td></tr>`).join('\n') || '<tr><td colspan="3">None</td></tr>'}
</tbody></table>

<h2>Charts</h2>
<figure>${bragByServiceChart(services)}<figcaption>Actions by BRAG colour for each core service.</figcaption></figure>
<figure>${openOverTimeChart(report.openOverTime, report.nextReinspection)}<figcaption>Open actions at each month end${report.nextReinspection ? `, against the next reinspection on ${escape(report.nextReinspection)}` : ''}.</figcaption></figure>
</body>
</html>`;
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
<table><thead><tr>${t.header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>
${t.rows.length ? t.rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('\n') : `<tr><td colspan="${t.header.length}">${escape(t.empty)}</td></tr>`}
</tbody></table>`,
  )
  .join('\n')}
`;
}
