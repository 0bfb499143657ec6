#!/usr/bin/env bash
# Page pictures of the PDF reports for docs/reports.md (`npm run report-pictures`; not part of
# `npm test`): builds the app, loads the demo data into a throwaway SQLite database, writes the
# board report, the CQC return and an evidence pack as PDF, and turns the first two pages of each
# into PNGs at 60 dpi with poppler's pdftoppm, in docs/images/<report>-pdf-<page>.png.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pdftoppm >/dev/null || {
  echo "pdftoppm is needed: apt-get install poppler-utils" >&2
  exit 1
}
work=$(mktemp -d /tmp/report-pictures.XXXX)
trap 'rm -rf "$work"' EXIT
export SQLITE_PATH="$work/demo.sqlite"
unset DATABASE_URL
npm run -s build
node dist/src/cli.js seed >/dev/null
# The demo's first trust (Leicestershire Partnership) and its first core service.
# The cover sheet and sign-off filled in as a quality lead would for a public board meeting.
node dist/src/cli.js report board --organisation-id 1 --format pdf --out "$work/board-report.pdf" \
  --meeting "Trust Board (public)" --meeting-date 2027-01-14 --agenda-item 7.2 \
  --author "Anna Byrne, Head of Quality" --executive-sponsor "Dr Jane Smith, Chief Nurse" \
  --purpose decision --assurance-level partial --strategic-risks "BAF risk 3: quality of care" \
  --recommendation "The board is asked to approve the revised due dates and note the risks." \
  --paper-version 1.2
node dist/src/cli.js report cqc-return --organisation-id 1 --format pdf --out "$work/cqc-return.pdf" \
  --sign-off-name "Dr Jane Smith" --sign-off-role "Chief Nurse" --sign-off-date 2027-01-15
node dist/src/cli.js report evidence-pack --core-service-id 1 --out "$work/evidence-pack.pdf"
mkdir -p docs/images
for report in board-report cqc-return evidence-pack; do
  pages=$(pdfinfo "$work/$report.pdf" | awk '/^Pages:/ {print $2}')
  for page in 1 2; do
    [ "$page" -le "$pages" ] || continue
    pdftoppm -r 60 -png -f "$page" -l "$page" -singlefile "$work/$report.pdf" \
      "docs/images/$report-pdf-$page"
    echo "docs/images/$report-pdf-$page.png"
  done
done
