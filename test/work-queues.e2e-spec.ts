import {
  buildAction,
  buildCoreService,
  buildFinding,
  buildOrganisation,
  buildUser,
} from './factories';
import { Client, createTestApp, TestApp } from './test-app';

/**
 * Home's work queues, per role, on a factory-made trust: each queue's count is the number of
 * rows its link's list shows, in the page and through the API's same filters; another trust's
 * items never count.
 */
describe('work queues on Home', () => {
  let t: TestApp;
  let trust: { id: number; name: string };
  let people: Record<'owner' | 'lead' | 'otherLead' | 'quality' | 'viewer', { id: number }>;
  const ids: Record<string, number> = {};

  async function person(role: string, organisationId: number) {
    return buildUser(t.http, { role, memberships: [{ organisationId, role }] });
  }

  /** A trust with one action in each queue, and a few that belong in none. */
  async function buildTrust(prefix: string) {
    const organisation = await buildOrganisation(t.http);
    const dated = await buildCoreService(t.http, organisation.id, {
      reinspectionDate: '2031-06-01',
    });
    await buildCoreService(t.http, organisation.id); // no reinspection date
    const covered = await buildFinding(t.http, organisation.id, { coreServiceId: dated.id });
    await buildFinding(t.http, organisation.id, {
      coreServiceId: dated.id,
      reference: `${prefix}-uncovered`,
    }); // no action
    const owner = await person('owner', organisation.id);
    const lead = await person('executive', organisation.id);
    const otherLead = await person('executive', organisation.id);
    const quality = await person('quality_lead', organisation.id);
    const viewer = await person('viewer', organisation.id);
    const [asOwner, asQuality] = [await t.as(owner), await t.as(quality)];
    const action = async (name: string, overrides: object = {}) => {
      const created = await buildAction(t.http, [covered.id], {
        ownerId: owner.id,
        executiveLeadId: lead.id,
        reference: `${prefix}-${name}`,
        ...overrides,
      });
      ids[`${prefix}-${name}`] = created.id;
      return created as { id: number };
    };
    const evidence = async (client: Client, id: number) =>
      (
        await client
          .post(`/api/v1/actions/${id}/evidence`)
          .send({ kind: 'note', title: 'Audit', note: 'Ward 3 audit' })
          .expect(201)
      ).body as { id: number };
    const review = (id: number, evidenceId: number, decision: string) =>
      asQuality
        .post(`/api/v1/actions/${id}/evidence/${evidenceId}/review`)
        .send({ decision, note: 'Checked' })
        .expect(200);

    await action('overdue', { dueDate: '2021-01-31' });
    const toReview = await action('to-review');
    await evidence(asOwner, toReview.id);
    const requested = await action('requested');
    await asOwner
      .post(`/api/v1/actions/${requested.id}/due-date-requests`)
      .send({ dueDate: '2030-06-30', reason: 'Estates work delayed' })
      .expect(201);
    const returned = await action('returned');
    await review(returned.id, (await evidence(asOwner, returned.id)).id, 'REJECTED');
    const answered = await action('returned-then-answered');
    await review(answered.id, (await evidence(asOwner, answered.id)).id, 'REJECTED');
    await evidence(asOwner, answered.id); // sent again: waits for review, no longer sent back
    const completed = await action('completed');
    await review(completed.id, (await evidence(asOwner, completed.id)).id, 'ACCEPTED');
    await asOwner
      .post(`/api/v1/actions/${completed.id}/progress`)
      .send({ note: 'Done', progress: 100, status: 'COMPLETED' })
      .expect(201);
    const completedNoEvidence = await action('completed-unproven');
    await asOwner
      .post(`/api/v1/actions/${completedNoEvidence.id}/progress`)
      .send({ note: 'Done', progress: 100, status: 'COMPLETED' })
      .expect(201);
    const offTrack = await action('off-track');
    await asOwner
      .post(`/api/v1/actions/${offTrack.id}/progress`)
      .send({ note: 'Stuck', offTrack: true })
      .expect(201);
    const othersOffTrack = await action('others-off-track', { executiveLeadId: otherLead.id });
    await asOwner
      .post(`/api/v1/actions/${othersOffTrack.id}/progress`)
      .send({ note: 'Stuck', offTrack: true })
      .expect(201);
    return { organisation, people: { owner, lead, otherLead, quality, viewer } };
  }

  beforeAll(async () => {
    t = await createTestApp();
    const built = await buildTrust('A');
    trust = built.organisation;
    people = built.people;
    await buildTrust('B'); // the same work in another trust, which must never count
  });
  afterAll(() => t.close());

  interface Queue {
    id: string;
    count: number;
    href: string;
  }

  /** The queues on the person's Home, as the page shows them. */
  async function queuesOf(user: { id: number }): Promise<Queue[]> {
    const client = await t.as(user);
    const html = (await client.get(`/?organisationId=${trust.id}`).expect(200)).text;
    const queues: Queue[] = [];
    const pattern =
      /<li id="queue-([\w-]+)">\s*<a class="tracker-queue__link" href="([^"]+)"><span class="tracker-count">(\d+)<\/span>/g;
    for (const match of html.matchAll(pattern)) {
      queues.push({ id: match[1], href: match[2].replace(/&amp;/g, '&'), count: Number(match[3]) });
    }
    return queues;
  }

  /** The rows the queue's link shows: the list page's total and its table rows, and the API's total. */
  async function rowsBehind(user: { id: number }, queue: Queue) {
    const client = await t.as(user);
    if (queue.href.startsWith('#')) return null;
    const html = (await client.get(`${queue.href}&limit=100`).expect(200)).text;
    const total = /of (\d+) (actions|findings)\./.exec(html);
    const rows = (html.match(/<tr class="nhsuk-table__row">/g) ?? []).length;
    const shown = total ? Number(total[1]) : /No (actions|findings) match/.test(html) ? 0 : -1;
    const [path, query] = queue.href.split('?');
    const api = (await client.get(`/api/v1${path}?${query}&limit=100`).expect(200)).body as {
      total: number;
      items: { reference: string }[];
    };
    return { shown, rows, apiTotal: api.total, references: api.items.map((i) => i.reference) };
  }

  async function expectCountsMatch(user: { id: number }, expected: Record<string, string[]>) {
    const queues = await queuesOf(user);
    expect(queues.map((q) => q.id).sort()).toEqual(Object.keys(expected).sort());
    for (const queue of queues) {
      const behind = await rowsBehind(user, queue);
      if (!behind) continue;
      expect({ queue: queue.id, ...behind, count: queue.count }).toEqual({
        queue: queue.id,
        count: expected[queue.id].length,
        shown: expected[queue.id].length,
        rows: expected[queue.id].length,
        apiTotal: expected[queue.id].length,
        references: expect.arrayContaining(expected[queue.id]) as unknown,
      });
    }
    return queues;
  }

  it('gives an owner their open actions (overdue first), overdue ones and evidence sent back', async () => {
    const queues = await expectCountsMatch(people.owner, {
      'my-actions': [
        'A-overdue',
        'A-to-review',
        'A-requested',
        'A-returned',
        'A-returned-then-answered',
        'A-off-track',
        'A-others-off-track',
      ],
      'my-overdue': ['A-overdue'],
      'evidence-returned': ['A-returned'],
    });
    const mine = queues.find((q) => q.id === 'my-actions')!;
    const { body } = await (
      await t.as(people.owner)
    )
      .get(`/api/v1/actions?${mine.href.split('?')[1]}`)
      .expect(200);
    expect(body.items[0].reference).toBe('A-overdue');
  });

  it('gives a quality lead evidence to review, requests to decide, findings without an action and services without a date', async () => {
    const queues = await expectCountsMatch(people.quality, {
      'evidence-to-review': ['A-to-review', 'A-returned-then-answered'],
      'due-date-requests': ['A-requested'],
      'findings-without-action': ['A-uncovered'],
      'services-without-date': [],
    });
    const services = queues.find((q) => q.id === 'services-without-date')!;
    expect(services).toMatchObject({ count: 1, href: '#services-without-date' });
    const home = (await (await t.as(people.quality)).get(`/?organisationId=${trust.id}`)).text;
    const section = home.slice(home.indexOf('id="services-without-date"'));
    expect(section.slice(0, section.indexOf('</ul>')).match(/<li>/g)).toHaveLength(1);
  });

  it('gives an executive lead what awaits their assurance, requests on their actions and their actions off track', async () => {
    await expectCountsMatch(people.lead, {
      'awaiting-assurance': ['A-completed'],
      'due-date-requests': ['A-requested'],
      'off-track': ['A-overdue', 'A-off-track'],
    });
    await expectCountsMatch(people.otherLead, {
      'awaiting-assurance': [],
      'due-date-requests': [],
      'off-track': ['A-others-off-track'],
    });
  });

  it('gives a viewer the readiness summary and no queues', async () => {
    expect(await queuesOf(people.viewer)).toEqual([]);
    const html = (await (await t.as(people.viewer)).get('/').expect(200)).text;
    expect(html).toMatch(/id="trust-summary">1 of 2 core services not ready/);
    expect(html).toContain('Readiness for reinspection');
  });

  it('reads the same filters through the API, refusing unknown values in words', async () => {
    for (const [query, refs] of [
      ['evidence=toReview', ['A-to-review', 'A-returned-then-answered']],
      ['evidence=returned', ['A-returned']],
      ['dueDateRequest=pending', ['A-requested']],
      ['awaiting=assurance', ['A-completed']],
      ['open=false', ['A-completed', 'A-completed-unproven']],
    ] as const) {
      const { body } = await t.http
        .get(`/api/v1/actions?organisationId=${trust.id}&${query}&limit=100`)
        .expect(200);
      expect(body.items.map((i: { reference: string }) => i.reference).sort()).toEqual(
        [...refs].sort(),
      );
    }
    await t.http.get('/api/v1/actions?evidence=sometimes').expect(400);
    await t.http.get('/api/v1/actions?awaiting=lunch').expect(400);
  });

  it('titles each filtered list after its filter and the trust', async () => {
    const lead = await t.as(people.lead);
    const html = (
      await lead
        .get(
          `/actions?organisationId=${trust.id}&executiveLeadId=${people.lead.id}&deliveryStatus=OFF_TRACK`,
        )
        .expect(200)
    ).text;
    expect(html).toMatch(
      /<title>\s*Actions: off track, led by User \d+ – Test Trust \d+ – CQC Action Tracker/,
    );
    const other = (
      await lead.get(`/actions?organisationId=${trust.id}&awaiting=assurance`).expect(200)
    ).text;
    expect(other).toMatch(/<title>\s*Actions: awaiting assurance – /);
  });
});
