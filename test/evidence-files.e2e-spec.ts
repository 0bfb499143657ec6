import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays, todayDate } from '../src/common/dates';
import { pdfPages } from '../src/imports/pdf-text';
import { backupSqlite, restoreSqlite } from '../src/scale/sqlite-backup';
import { binary } from './downloads';
import { packed, zip } from './hostile-files';
import { addMembership, buildAction, buildOrganisation, buildPlan, buildUser } from './factories';
import { Client, createTestApp, TestApp } from './test-app';
import { createTestDatabase, TestDatabase } from './test-database';

/** A small but well-formed PDF (one empty page). */
export function tinyPdf(marker = 'evidence'): Buffer {
  const body = [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj',
    `% ${marker}`,
    'trailer << /Root 1 0 R >>',
    '%%EOF',
  ];
  return Buffer.from(body.join('\n'), 'latin1');
}

/** A 1 by 1 PNG. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A query with $1-style parameters on either database. */
const query = (t: TestApp, sql: string, parameters: unknown[] = []) =>
  t.dataSource.query(
    t.dataSource.options.type === 'postgres' ? sql : sql.replace(/\$\d+/g, '?'),
    parameters,
  );

const STORED = (t: TestApp, hash: string) =>
  query(t, 'SELECT COUNT(*) AS n FROM evidence_file WHERE sha256 = $1', [hash]).then(
    (rows: { n: number | string }[]) => Number(rows[0].n),
  );

describe('evidence documents (issue 20)', () => {
  let t: TestApp & { database: TestDatabase };
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function actionWithOwner() {
    const plan = await buildPlan(t.http);
    const action = await buildAction(t.http, [plan.finding.id], {
      ownerId: plan.owner.id,
      executiveLeadId: plan.lead.id,
    });
    return { plan, action, owner: await t.as(plan.owner), a: `/api/v1/actions/${action.id}` };
  }

  const upload = (client: Client, a: string, bytes: Buffer, name: string, fields = {}) => {
    const request = client
      .post(`${a}/evidence/files`)
      .field('title', 'Audit report')
      .attach('file', bytes, { filename: name, contentType: 'application/octet-stream' });
    for (const [key, value] of Object.entries(fields)) request.field(key, String(value));
    return request;
  };

  const evidenceCount = async (actionId: number) =>
    Number(
      (await query(t, 'SELECT COUNT(*) AS n FROM evidence WHERE action_id = $1', [actionId]))[0].n,
    );

  it('keeps an uploaded PDF and gives it back byte for byte, as an attachment with its hash', async () => {
    const { owner, a, action } = await actionWithOwner();
    const pdf = tinyPdf('byte for byte');
    const created = await upload(owner, a, pdf, 'Ward 3 audit – März.pdf', {
      category: 'Processes',
    }).expect(201);
    expect(created.body).toMatchObject({
      actionId: action.id,
      kind: 'file',
      title: 'Audit report',
      fileName: 'Ward 3 audit – März.pdf',
      fileSha256: sha256(pdf),
      fileSize: pdf.length,
      fileMediaType: 'application/pdf',
      fileUrl: `/api/v1/evidence/${created.body.id}/file`,
      reviewState: 'SUBMITTED',
      expired: false,
    });
    const stored = await query(
      t,
      'SELECT size, media_type, content FROM evidence_file WHERE sha256 = $1',
      [sha256(pdf)],
    );
    expect(stored).toHaveLength(1);
    expect(Number(stored[0].size)).toBe(pdf.length);
    expect(stored[0].media_type).toBe('application/pdf');
    expect(Buffer.compare(Buffer.from(stored[0].content), pdf)).toBe(0);

    const download = await t.http.get(created.body.fileUrl).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(download.body as Buffer, pdf)).toBe(0);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="Ward 3 audit _ M_rz.pdf"; filename*=UTF-8''Ward%203%20audit%20%E2%80%93%20M%C3%A4rz.pdf`,
    );
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['etag']).toBe(`"sha256-${sha256(pdf)}"`);
    expect(download.headers['x-content-sha256']).toBe(sha256(pdf));
  });

  it('keeps the same bytes once, however many evidence items name them', async () => {
    const { owner, a, action } = await actionWithOwner();
    const pdf = tinyPdf('twice');
    const first = await upload(owner, a, pdf, 'first.pdf').expect(201);
    const second = await upload(owner, a, pdf, 'second.pdf').expect(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.fileSha256).toBe(first.body.fileSha256);
    expect(await STORED(t, sha256(pdf))).toBe(1);
    expect(await evidenceCount(action.id)).toBe(2);
    for (const item of [first.body, second.body]) {
      const got = await t.http.get(item.fileUrl).buffer(true).parse(binary).expect(200);
      expect(Buffer.compare(got.body as Buffer, pdf)).toBe(0);
    }
  });

  it("refuses a download to another trust's member (as not found) and to a signed-out client", async () => {
    const { owner, a } = await actionWithOwner();
    const created = await upload(owner, a, tinyPdf('private'), 'private.pdf').expect(201);
    const elsewhere = await buildOrganisation(t.http);
    const stranger = await buildUser(t.http, { role: 'quality_lead', memberships: [] });
    await addMembership(t.http, stranger, elsewhere, 'quality_lead');
    const refused = await (await t.as(stranger)).get(created.body.fileUrl).expect(404);
    expect(refused.body.code).toBe('EVIDENCE_NOT_FOUND');
    expect(JSON.stringify(refused.body)).not.toContain('private.pdf');
    const anonymous = await t.anonymous.get(created.body.fileUrl).expect(401);
    expect(anonymous.body.code).toBe('AUTHENTICATION_REQUIRED');
    // And an upload by the stranger to this trust's action is refused the same way.
    await upload(await t.as(stranger), a, tinyPdf('theirs'), 'x.pdf').expect(404);
    await t.anonymous.get(`/api/v1/evidence/999999/file`).expect(401);
    await t.http.get(`/api/v1/evidence/999999/file`).expect(404);
  });

  it('answers 404 for evidence with no kept document (a link)', async () => {
    const { owner, a } = await actionWithOwner();
    const link = await owner
      .post(`${a}/evidence`)
      .send({ kind: 'link', title: 'Intranet', url: 'https://intranet.example.nhs.uk/audit' })
      .expect(201);
    expect(link.body.fileUrl).toBeNull();
    const none = await t.http.get(`/api/v1/evidence/${link.body.id}/file`).expect(404);
    expect(none.body.code).toBe('EVIDENCE_FILE_NOT_FOUND');
  });

  it('refuses a program renamed .pdf, naming what it is, and keeps nothing', async () => {
    const { owner, a, action } = await actionWithOwner();
    const exe = Buffer.concat([
      Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'),
      Buffer.alloc(512, 7),
    ]);
    const refused = await upload(owner, a, exe, 'report.pdf').expect(415);
    expect(refused.body.code).toBe('EVIDENCE_FILE_TYPE_NOT_ALLOWED');
    expect(refused.body.errors).toEqual([
      { field: 'file', reason: expect.stringContaining('Windows program') },
    ]);
    expect(await evidenceCount(action.id)).toBe(0);
    expect(await STORED(t, sha256(exe))).toBe(0);
  });

  it('refuses an office document carrying macros or a program, and keeps the plain one', async () => {
    const { owner, a, action } = await actionWithOwner();
    const docx = (...extra: ReturnType<typeof packed>[]) =>
      zip([
        packed('[Content_Types].xml', '<Types/>'),
        packed('word/document.xml', '<w:document/>'),
        ...extra,
      ]);
    for (const [bytes, reason] of [
      [docx(packed('word/vbaProject.bin', Buffer.alloc(64, 1))), 'macros'],
      [docx(packed('evil.exe', Buffer.from('MZ\x90\x00', 'latin1'))), 'a program'],
    ] as const) {
      const refused = await upload(owner, a, bytes, 'minutes.docx').expect(415);
      expect(refused.body.errors).toEqual([
        { field: 'file', reason: expect.stringContaining(reason) },
      ]);
    }
    expect(await evidenceCount(action.id)).toBe(0);
    await upload(owner, a, docx(), 'minutes.docx').expect(201);
  });

  it('drops bidirectional controls from a file name, so "\u202egnp.pdf" cannot pose as a .png', async () => {
    const { owner, a } = await actionWithOwner();
    const kept = await upload(owner, a, tinyPdf('rtl'), '\u202egnp.pdf').expect(201);
    expect(kept.body.fileName).toBe('gnp.pdf');
  });

  it('reads the type from the bytes: a PDF named .txt is kept as a PDF', async () => {
    const { owner, a } = await actionWithOwner();
    const pdf = tinyPdf('named txt');
    const created = await upload(owner, a, pdf, 'notes.txt').expect(201);
    expect(created.body.fileMediaType).toBe('application/pdf');
    const got = await t.http.get(created.body.fileUrl).buffer(true).parse(binary).expect(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toContain("filename*=UTF-8''notes.txt.pdf");
    // Plain text is text, and a PNG an image, whatever they are called.
    const text = await upload(owner, a, Buffer.from('Ward,Score\n3,95\n'), 'scores.csv').expect(
      201,
    );
    expect(text.body.fileMediaType).toBe('text/csv');
    const png = await upload(owner, a, TINY_PNG, 'photo.pdf').expect(201);
    expect(png.body.fileMediaType).toBe('image/png');
  });

  it('refuses an upload with no file, or bad dates, naming the field', async () => {
    const { owner, a, action } = await actionWithOwner();
    const none = await owner.post(`${a}/evidence/files`).field('title', 'No file').expect(400);
    expect(none.body.errors).toEqual([{ field: 'file', reason: expect.any(String) }]);
    const dates = await upload(owner, a, tinyPdf('dates'), 'd.pdf', {
      effectiveDate: '2027-02-01',
      expiryDate: '2027-01-01',
    }).expect(400);
    expect(dates.body.errors.map((e: { field: string }) => e.field)).toEqual(['expiryDate']);
    expect(await evidenceCount(action.id)).toBe(0);
  });

  it('refuses a file of 20 MB and one byte with 413 naming the limit', async () => {
    const { owner, a, action } = await actionWithOwner();
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x41);
    const refused = await upload(owner, a, big, 'big.txt').expect(413);
    expect(refused.body.code).toBe('EVIDENCE_FILE_TOO_LARGE');
    expect(refused.body.errors[0]).toEqual({
      field: 'file',
      reason: expect.stringContaining('20 MB (20971520 bytes)'),
    });
    expect(await evidenceCount(action.id)).toBe(0);
  });

  it('no longer counts expired evidence towards assurance', async () => {
    const { plan, owner, a } = await actionWithOwner();
    await owner.post(`${a}/progress`).send({ note: 'done', status: 'COMPLETED' }).expect(201);
    const today = todayDate();
    const expired = await upload(owner, a, tinyPdf('old audit'), 'old.pdf', {
      effectiveDate: addDays(today, -100),
      expiryDate: addDays(today, -1),
    }).expect(201);
    expect(expired.body).toMatchObject({
      effectiveDate: addDays(today, -100),
      expiryDate: addDays(today, -1),
      expired: true,
    });
    const quality = await t.as(plan.quality);
    await quality
      .post(`${a}/evidence/${expired.body.id}/review`)
      .send({ decision: 'ACCEPTED', note: 'seen' })
      .expect(200);
    const lead = await t.as(plan.lead);
    const refused = await lead.post(`${a}/assure`).send({}).expect(422);
    expect(refused.body.code).toBe('ASSURANCE_NEEDS_ACCEPTED_EVIDENCE');
    expect((await t.http.get(a).expect(200)).body.status).toBe('COMPLETED');
    // Evidence good until today still counts.
    const current = await upload(owner, a, tinyPdf('new audit'), 'new.pdf', {
      expiryDate: today,
    }).expect(201);
    expect(current.body.expired).toBe(false);
    await quality
      .post(`${a}/evidence/${current.body.id}/review`)
      .send({ decision: 'ACCEPTED', note: 'seen' })
      .expect(200);
    await lead.post(`${a}/assure`).send({}).expect(200);
  });

  it('lists each file with its hash in the evidence pack, with an appendix of the files', async () => {
    const { plan, owner, a } = await actionWithOwner();
    const pdf = tinyPdf('in the pack');
    await upload(owner, a, pdf, 'pack-audit.pdf').expect(201);
    await upload(owner, a, TINY_PNG, 'ward-photo.png').expect(201);
    const response = await t.http
      .get(`/api/v1/reports/evidence-pack?coreServiceId=${plan.coreService.id}`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    const text = (await pdfPages(response.body as Buffer)).join('\n').replace(/\s+/g, ' ');
    // A hash may wrap in a table cell; compare it without the spaces wrapping adds.
    const joined = text.replace(/\s+/g, '');
    expect(text).toContain('pack-audit.pdf');
    expect(joined).toContain(`SHA-256${sha256(pdf)}`);
    expect(joined).toContain(`SHA-256${sha256(TINY_PNG)}`);
    expect(text).toContain('Appendix: evidence documents');
    expect(text).toContain('PDF document');
    expect(text).toContain('PNG image');
  });

  it('keeps the files through a backup and restore, byte for byte (SQLite)', async () => {
    if (t.database.databaseUrl) return; // the backup commands are SQLite's (pg_dump on PostgreSQL)
    const { owner, a } = await actionWithOwner();
    const pdf = tinyPdf('backed up');
    const created = await upload(owner, a, pdf, 'backed-up.pdf').expect(201);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-backup-'));
    const target = await createTestDatabase();
    try {
      const backup = path.join(dir, 'backup.sqlite');
      await backupSqlite(t.database.sqlitePath, backup);
      await restoreSqlite(backup, target.sqlitePath, path.join(dir, 'kept.sqlite'));
      const restored = await createTestApp({ database: target });
      try {
        const got = await restored.http
          .get(created.body.fileUrl)
          .buffer(true)
          .parse(binary)
          .expect(200);
        expect(Buffer.compare(got.body as Buffer, pdf)).toBe(0);
        expect(got.headers['x-content-sha256']).toBe(sha256(pdf));
      } finally {
        await restored.close();
      }
    } finally {
      await target.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('evidence documents with a small EVIDENCE_MAX_BYTES', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { evidenceMaxBytes: 1000 } });
  });
  afterAll(() => t.close());

  it('refuses a file over the limit with 413 naming it, and keeps nothing', async () => {
    const plan = await buildPlan(t.http);
    const action = await buildAction(t.http, [plan.finding.id], { ownerId: plan.owner.id });
    const owner = await t.as(plan.owner);
    const a = `/api/v1/actions/${action.id}`;
    const refused = await owner
      .post(`${a}/evidence/files`)
      .field('title', 'Too big')
      .attach('file', Buffer.alloc(1001, 0x41), 'big.txt')
      .expect(413);
    expect(refused.body).toMatchObject({
      code: 'EVIDENCE_FILE_TOO_LARGE',
      errors: [{ field: 'file', reason: expect.stringContaining('1000 bytes') }],
    });
    expect(JSON.stringify(refused.body)).toContain('EVIDENCE_MAX_BYTES');
    const rows = await t.dataSource.query('SELECT COUNT(*) AS n FROM evidence_file');
    expect(Number(rows[0].n)).toBe(0);
    await owner
      .post(`${a}/evidence/files`)
      .field('title', 'Just fits')
      .attach('file', Buffer.alloc(1000, 0x41), 'fits.txt')
      .expect(201);
  });
});

describe('evidence documents kept in a directory (EVIDENCE_STORAGE=directory)', () => {
  let t: TestApp;
  let directory: string;
  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-store-'));
    t = await createTestApp({
      config: { evidenceStorage: 'directory', evidenceDirectory: directory },
    });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('writes the bytes to the directory by hash, records the file in the database without them, and serves them back', async () => {
    const plan = await buildPlan(t.http);
    const action = await buildAction(t.http, [plan.finding.id], { ownerId: plan.owner.id });
    const owner = await t.as(plan.owner);
    const pdf = tinyPdf('in a directory');
    const hash = sha256(pdf);
    const created = await owner
      .post(`/api/v1/actions/${action.id}/evidence/files`)
      .field('title', 'Kept on disk')
      .attach('file', pdf, 'disk.pdf')
      .expect(201);
    const onDisk = path.join(directory, hash.slice(0, 2), hash);
    expect(Buffer.compare(fs.readFileSync(onDisk), pdf)).toBe(0);
    const rows = await query(t, 'SELECT size, content FROM evidence_file WHERE sha256 = $1', [
      hash,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].content).toBeNull();
    const got = await t.http.get(created.body.fileUrl).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(got.body as Buffer, pdf)).toBe(0);
  });
});
