import { parse } from 'csv-parse/sync';
import { buildAction, buildPlan } from './factories';
import { Client, clientFor, createTestApp, TestApp } from './test-app';

/**
 * The reporting feed BI tools read: actions and findings as CSV with stable snake_case column
 * names (listed in docs/api.md; a rename fails this test), reachable with a read-only token
 * in the Authorization header, as Power BI and Excel "From Web" send it.
 */
const ACTION_KEYS = [
  'id',
  'reference',
  'title',
  'core_services',
  'finding_references',
  'regulations',
  'key_questions',
  'owner',
  'executive_lead',
  'start_date',
  'due_date',
  'original_due_date',
  'progress_percent',
  'status',
  'delivery_status',
  'delivery_reason',
  'brag',
  'reinspection_date',
  'latest_update',
  'latest_update_date',
  'evidence_submitted',
  'evidence_accepted',
  'evidence_returned',
  'success_measure',
  'cancellation_reason',
  'assured_by',
  'as_at',
];
const FINDING_KEYS = [
  'reference',
  'type',
  'core_service',
  'key_question',
  'quality_statement',
  'regulations',
  'finding_text',
  'deadline',
  'action_count',
  'source',
  'warning_notice_failings',
  'action_plan_due_date',
  'as_at',
];

describe('reporting feed for BI tools', () => {
  let t: TestApp;
  let reader: Client;
  let organisationId: number;
  let findingReference: string;
  let actionId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const plan = await buildPlan(t.http);
    organisationId = plan.organisation.id;
    findingReference = plan.finding.reference;
    const quality = await t.as(plan.quality);
    const action = await buildAction(quality, [plan.finding.id], {
      title: 'Łukasz checks =SUM(A1) on ward 3',
      dueDate: '2031-03-31',
    });
    actionId = action.id;
    const made = await quality
      .post('/api/v1/tokens')
      .send({ name: 'Power BI', scope: 'read' })
      .expect(201);
    reader = clientFor(t.app.getHttpServer(), made.body.token);
  });
  afterAll(() => t.close());

  const rowsOf = (text: string): string[][] => parse(text, { bom: true });

  it('gives actions with stable snake_case columns to a read-only token', async () => {
    const response = await reader
      .get(`/api/feed/actions.csv?organisationId=${organisationId}`)
      .buffer(true)
      .expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = rowsOf(response.text);
    expect(header).toEqual(ACTION_KEYS);
    const row = Object.fromEntries(
      header.map((key, i) => [key, rows.find((r) => r[0] === String(actionId))?.[i]]),
    );
    expect(row).toEqual(
      expect.objectContaining({
        id: String(actionId),
        finding_references: findingReference,
        due_date: '2031-03-31',
        as_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      }),
    );
    expect(row.title).toBe('Łukasz checks =SUM(A1) on ward 3');
  });

  it('gives findings with stable snake_case columns', async () => {
    const response = await reader
      .get(`/api/feed/findings.csv?organisationId=${organisationId}`)
      .buffer(true)
      .expect(200);
    const [header, ...rows] = rowsOf(response.text);
    expect(header).toEqual(FINDING_KEYS);
    expect(rows.map((r) => r[0])).toContain(findingReference);
  });

  it('applies the list filters, and refuses a bad one naming it', async () => {
    const none = await reader
      .get(`/api/feed/actions.csv?organisationId=${organisationId}&status=CANCELLED`)
      .buffer(true)
      .expect(200);
    expect(rowsOf(none.text)).toHaveLength(1);
    const { body } = await reader.get('/api/feed/actions.csv?status=SOMETIMES').expect(400);
    expect(body.errors).toEqual([expect.objectContaining({ field: 'status' })]);
  });

  it('refuses a caller without a token with 401 and a code', async () => {
    const { body } = await t.anonymous.get('/api/feed/actions.csv').expect(401);
    expect(body.code).toBe('AUTHENTICATION_REQUIRED');
  });
});
