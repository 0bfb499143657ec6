import type { Writable } from 'node:stream';
import { Breach, CqcReturn, NO_ACTION, ReturnAction } from './cqc-return.model';
import {
  Doc,
  finishPdf,
  heading,
  keepSpace,
  newPdf,
  paragraph,
  paragraphHeight,
  table,
  titleBlock,
} from './pdf-layout';

/** The columns the CQC's action plan asks for, each action under its breach. */
export const ACTION_HEADER = [
  'What will be done',
  'Who is responsible',
  'By when',
  'How it will be monitored',
  'How we will know it is sustained',
  'Interim mitigation until done',
  'Status',
];

/*
 * Landscape A4 (742 pt between the margins). "By when" and the monitoring column hold the
 * longest date ("30 September 2026", about 100 pt at 10 pt in a wide Unicode font such as
 * DejaVu or Noto Sans) on one line with room to spare, and "Status" the longest status
 * ("Completed"), so none ever breaks mid-word.
 */
const ACTION_WIDTHS = [130, 100, 120, 110, 100, 97, 85];

export function actionCells(action: ReturnAction): string[] {
  return [
    action.reference ? `${action.reference}\n${action.title}` : action.title,
    `${action.owner} (owner)\n${action.executiveLead} (executive lead)`,
    action.completedOn ? `${action.dueDate}\nCompleted on\n${action.completedOn}` : action.dueDate,
    action.monitoring,
    action.sustained,
    action.interimMitigation,
    action.status,
  ];
}

function actionsTable(doc: Doc, actions: ReturnAction[], breach: string): void {
  if (!actions.length) {
    paragraph(doc, `${NO_ACTION}.`, { italic: true });
    doc.moveDown(0.5);
    return;
  }
  table(doc, ACTION_HEADER, actions.map(actionCells), ACTION_WIDTHS, { title: breach });
}

function breachBlock(doc: Doc, breach: Breach): void {
  const label = [breach.reference, breach.coreService, breach.paragraphs]
    .filter(Boolean)
    .join(' · ');
  // The breach's name, its words and the header and first row of its actions start together.
  keepSpace(doc, paragraphHeight(doc, label, true) + paragraphHeight(doc, breach.text) + 90);
  paragraph(doc, label, { bold: true });
  paragraph(doc, breach.text);
  if (breach.alsoUnder.length)
    paragraph(doc, `Also a breach of ${breach.alsoUnder.join('; ')}.`, { italic: true });
  doc.moveDown(0.3);
  actionsTable(doc, breach.actions, label);
}

/** The return as a landscape A4 PDF: warning notices, each regulation, then the sign-off. */
export async function writeCqcReturnPdf(report: CqcReturn, out: Writable): Promise<void> {
  const title = `${report.organisation}: CQC action plan as at ${report.asOfText}`;
  const { doc, width, done } = newPdf(out, title, { layout: 'landscape' });
  titleBlock(
    doc,
    report.organisation,
    `CQC action plan (requirement notices) as at ${report.asOfText}`,
    report.filters,
  );

  heading(doc, 'Warning notices');
  if (!report.notices.length) paragraph(doc, 'None.');
  for (const notice of report.notices) {
    const label = [notice.reference, notice.coreService].filter(Boolean).join(' · ');
    keepSpace(doc, paragraphHeight(doc, label, true) + paragraphHeight(doc, notice.text) + 70);
    paragraph(doc, label, { bold: true });
    paragraph(doc, notice.text);
    doc.moveDown(0.3);
    table(
      doc,
      ['Failing', 'Deadline', 'Days left'],
      notice.failings.map((f) => [f.text, f.deadline, f.daysLeft]),
      [width - 260, 130, 130],
      { title: label },
    );
    actionsTable(doc, notice.actions, label);
  }

  let part = '';
  if (!report.sections.length) {
    heading(doc, 'Requirement notices');
    paragraph(doc, 'None.');
  }
  for (const section of report.sections) {
    if (section.part !== part) {
      part = section.part;
      heading(doc, part);
    }
    heading(doc, section.heading);
    for (const breach of section.breaches) breachBlock(doc, breach);
    for (const ref of section.crossReferences)
      paragraph(
        doc,
        `${[ref.reference, ref.coreService, ref.paragraphs].filter(Boolean).join(' · ')}: also a breach of this regulation; set out with its actions under ${ref.setOutUnder}.`,
        { italic: true },
      );
  }

  heading(doc, 'Sign-off');
  // The whole block on one page: a signature page split in two is no sign-off.
  keepSpace(doc, 130);
  const line = '________________________________';
  paragraph(doc, `Signed off for ${report.organisation}:`);
  paragraph(doc, `Name: ${report.signOff.name ?? line}`);
  paragraph(doc, `Role: ${report.signOff.role ?? line}`);
  paragraph(doc, `Date: ${report.signOff.date ?? line}`);
  paragraph(doc, `Signature: ${line}`);

  await finishPdf(doc, title, width, done);
}
