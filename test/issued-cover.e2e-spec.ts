import { pdfPages } from '../src/imports/pdf-text';
import { binary } from './downloads';
import { createTestApp, TestApp } from './test-app';

/**
 * The paper the board receives is the issued one: it carries the cover sheet given when it was
 * issued, and an issued CQC return its sign-off. Through the real app on the demo data.
 */
describe('issued papers carry their cover sheet and sign-off', () => {
  let t: TestApp;
  let organisationId: number;

  beforeAll(async () => {
    t = await createTestApp({ demoData: true });
    organisationId = (await t.http.get('/api/v1/organisations?q=leicestershire').expect(200)).body
      .items[0].id;
  });
  afterAll(() => t.close());

  const textOf = async (href: string) => {
    const file = await t.http.get(href).buffer(true).parse(binary).expect(200);
    return (await pdfPages(file.body as Buffer)).join('\n').replace(/\s+/g, ' ');
  };

  it('prints the cover sheet given on issue, its meeting the one issued to', async () => {
    const issued = await t.http
      .post('/api/v1/reports/issued')
      .send({
        kind: 'board',
        organisationId,
        format: 'pdf',
        meeting: 'Trust Board (public), January 2027',
        cover: {
          agendaItem: '7.2',
          author: 'Łukasz Żółć, Head of Quality',
          purpose: 'decision',
          assuranceLevel: 'partial',
          recommendation: 'The board is asked to approve the revised dates.',
          marking: 'OFFICIAL',
        },
      })
      .expect(201);
    const text = await textOf(issued.body.href);
    for (const words of [
      'Trust Board (public), January 2027',
      '7.2',
      'Łukasz Żółć, Head of Quality',
      'For decision',
      'Partial assurance',
      'The board is asked to approve the revised dates.',
      'OFFICIAL',
    ])
      expect({ words, found: text.includes(words) }).toEqual({ words, found: true });
    expect(text).not.toContain('OFFICIAL-SENSITIVE');
  });

  it('prints the sign-off given on issue of a CQC return', async () => {
    const issued = await t.http
      .post('/api/v1/reports/issued')
      .send({
        kind: 'cqc-return',
        organisationId,
        format: 'pdf',
        meeting: 'Quality Committee',
        signOff: { signOffName: 'Dr Jane Smith', signOffRole: 'Chief Nurse' },
      })
      .expect(201);
    const text = await textOf(issued.body.href);
    expect(text).toContain('Name: Dr Jane Smith');
    expect(text).toContain('Role: Chief Nurse');
  });

  it('refuses a cover on a CQC return, a sign-off on a board paper, and bad cover values', async () => {
    const base = { organisationId, meeting: 'Trust Board' };
    const field = async (body: object) =>
      (
        await t.http
          .post('/api/v1/reports/issued')
          .send({ ...base, ...body })
          .expect(400)
      ).body.errors.map((e: { field: string }) => e.field);
    expect(await field({ kind: 'cqc-return', cover: { author: 'A' } })).toEqual(['cover']);
    expect(await field({ kind: 'board', signOff: { signOffName: 'A' } })).toEqual(['signOff']);
    expect((await field({ kind: 'board', cover: { purpose: 'approval' } }))[0]).toMatch(/purpose/);
    const count = await t.dataSource.query<{ n: number }[]>(
      'SELECT COUNT(*) AS n FROM issued_report WHERE organisation_id = $1',
      [organisationId],
    );
    expect(Number(count[0].n)).toBe(2);
  });
});
