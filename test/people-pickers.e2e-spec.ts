import request from 'supertest';

import {
  buildAction,
  buildCoreService,
  buildFinding,
  buildOrganisation,
  buildUser,
} from './factories';
import { Client, createTestApp, TestApp } from './test-app';

/**
 * Who can hold a part on an action (src/actions/action-people.ts): owners are owners,
 * quality leads or executives of the action's trust; executive leads are its executives;
 * never a viewer, an admin, someone of another trust or someone inactive. The pickers offer
 * exactly them, telling namesakes apart; every write path refuses anyone else, naming the
 * field; and a leaver's actions move in one go, each with its history.
 */
const PASSWORD = 'Kestrel-harbour-lantern-42';

describe('people pickers and who can hold a part', () => {
  let t: TestApp;
  let quality: Client;
  let trustA: { id: number };
  let trustB: { id: number };
  let finding: { id: number };
  const people: Record<string, { id: number; name: string; email: string }> = {};

  const member = (organisationId: number, role: string, extra: object = {}) =>
    buildUser(t.http, { role, memberships: [{ organisationId, role }], ...extra });

  beforeAll(async () => {
    t = await createTestApp();
    trustA = await buildOrganisation(t.http);
    trustB = await buildOrganisation(t.http);
    finding = await buildFinding(t.http, trustA.id);
    people.quality = await member(trustA.id, 'quality_lead');
    people.owner = await member(trustA.id, 'owner');
    people.executive = await member(trustA.id, 'executive');
    people.viewer = await member(trustA.id, 'viewer');
    people.admin = await buildUser(t.http, { role: 'admin', memberships: [] });
    people.ownerOfB = await member(trustB.id, 'owner');
    people.qualityOfB = await member(trustB.id, 'quality_lead');
    people.gone = await member(trustA.id, 'owner', { active: false });
    // An executive somewhere, but only a viewer in trust A: the trust's role is what counts.
    people.viewerHere = await buildUser(t.http, {
      role: 'executive',
      memberships: [
        { organisationId: trustA.id, role: 'viewer' },
        { organisationId: trustB.id, role: 'executive' },
      ],
    });
    people.samA1 = await member(trustA.id, 'owner', {
      name: 'Sam Jones',
      email: 'sam.jones@a.nhs.uk',
    });
    people.samA2 = await member(trustA.id, 'executive', {
      name: 'Sam Jones',
      email: 'sam.jones2@a.nhs.uk',
    });
    people.samB = await member(trustB.id, 'owner', {
      name: 'Sam Jones',
      email: 'sam.jones@b.nhs.uk',
    });
    quality = await t.as(people.quality);
  });
  afterAll(() => t.close());

  const base = () => ({ findingIds: [finding.id], title: 'Fix it', dueDate: '2030-01-01' });

  it('refuses a viewer, an admin, someone of another trust or someone inactive as owner or lead, naming the field', async () => {
    const refusals: [string, string, number][] = [
      ['ownerId', 'viewer', 400],
      ['ownerId', 'admin', 400],
      ['ownerId', 'viewerHere', 400],
      ['ownerId', 'ownerOfB', 422],
      ['ownerId', 'gone', 422],
      ['executiveLeadId', 'owner', 400],
      ['executiveLeadId', 'quality', 400],
      ['executiveLeadId', 'viewer', 400],
      ['executiveLeadId', 'viewerHere', 400],
      ['executiveLeadId', 'admin', 400],
      ['executiveLeadId', 'ownerOfB', 422],
    ];
    for (const [field, who, status] of refusals) {
      const response = await quality
        .post('/api/v1/actions')
        .send({ ...base(), [field]: people[who].id });
      expect({ who, field, status: response.status }).toEqual({ who, field, status });
      expect(response.body.errors[0].field).toBe(field);
      if (status === 400) {
        expect(response.body.message).toContain(`${field}: this person cannot`);
        expect(response.body.errors[0].reason).toMatch(
          /^this person cannot (own|be the executive lead of) actions in this trust$/,
        );
      }
    }
    const [{ n }] = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM action WHERE organisation_id = ${Number(trustA.id)}`,
    );
    expect(Number(n)).toBe(0);
    // Those who can hold the parts can.
    const made = await quality
      .post('/api/v1/actions')
      .send({ ...base(), ownerId: people.quality.id, executiveLeadId: people.executive.id })
      .expect(201);
    expect(made.body.owner.id).toBe(people.quality.id);
  });

  it('refuses the same people on assign, and leaves the action as it was', async () => {
    const action = await buildAction(quality, [finding.id], { ownerId: people.owner.id });
    for (const [field, who] of [
      ['ownerId', 'viewer'],
      ['ownerId', 'admin'],
      ['executiveLeadId', 'owner'],
    ] as const) {
      const response = await quality
        .post(`/api/v1/actions/${action.id}/assign`)
        .send({ [field]: people[who].id })
        .expect(400);
      expect(response.body.errors).toEqual([
        {
          field,
          reason:
            field === 'ownerId'
              ? 'this person cannot own actions in this trust'
              : 'this person cannot be the executive lead of actions in this trust',
        },
      ]);
    }
    const inactive = await quality
      .post(`/api/v1/actions/${action.id}/assign`)
      .send({ ownerId: people.gone.id });
    expect(inactive.status).toBe(422);
    expect(inactive.body.errors[0].field).toBe('ownerId');
    const after = await quality.get(`/api/v1/actions/${action.id}`).expect(200);
    expect(after.body).toMatchObject({ version: 1, owner: { id: people.owner.id } });
    await quality
      .post(`/api/v1/actions/${action.id}/assign`)
      .send({ ownerId: people.samA1.id, executiveLeadId: people.samA2.id })
      .expect(200);
  });

  it('reports a plan row naming someone who cannot own actions in the trust as a row problem', async () => {
    const csv =
      'Ref,Issue,Action,Lead,Due date\n' +
      `P1,The trust must act.,Act,${people.viewer.email},31/12/2026\n` +
      `P2,The trust must act again.,Act again,${people.owner.email},31/12/2026\n`;
    const preview = await quality
      .post(`/api/v1/imports/plan?organisationId=${trustA.id}&dryRun=true`)
      .attach('file', Buffer.from(csv), 'plan.csv')
      .expect(200);
    const rows = preview.body.rows as { problems: string[] }[];
    expect(rows[0].problems.join(' ')).toContain(
      `"${people.viewer.email}" cannot own actions in this trust`,
    );
    expect(rows[1].problems).toEqual([]);
  });

  /** The options of one select of a page, as shown. */
  function optionsOf(html: string, id: string): string[] {
    const select = new RegExp(`<select[^>]*id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
    if (!select) throw new Error(`no select ${id}`);
    return [...select[1].matchAll(/<option[^>]*>([^<]*)<\/option>/g)].map((m) => m[1].trim());
  }

  it("offers only those who can hold each part in the action's trust, telling namesakes apart", async () => {
    const action = await buildAction(quality, [finding.id]);
    const page = await quality.get(`/actions/${action.id}/assign`).expect(200);
    const owners = optionsOf(page.text, 'ownerId');
    const leads = optionsOf(page.text, 'executiveLeadId');
    const label = (who: string) => `${people[who].name} (${people[who].email})`;
    expect(owners).toEqual(
      ['Nobody yet', ...['quality', 'owner', 'executive', 'samA1', 'samA2'].map(label).sort()].map(
        (text) => text.replace(/&/g, '&amp;'),
      ),
    );
    expect(owners).toContain('Sam Jones (sam.jones@a.nhs.uk)');
    expect(owners).toContain('Sam Jones (sam.jones2@a.nhs.uk)');
    expect(leads).toEqual(['Nobody yet', ...['executive', 'samA2'].map(label).sort()]);
    for (const who of ['viewer', 'admin', 'ownerOfB', 'gone', 'viewerHere', 'samB'])
      expect(page.text).not.toContain(people[who].email);
    // Each picker links to the search page, which works without JavaScript.
    expect(page.text).toContain(
      `/people/search?organisationId=${trustA.id}&amp;role=owner&amp;field=ownerId&amp;returnTo=`,
    );
  });

  it('searches the people who can hold a part, and links back to the form with the choice', async () => {
    const returnTo = `/actions/1/assign?executiveLeadId=${people.executive.id}`;
    const page = await quality
      .get(
        `/people/search?organisationId=${trustA.id}&role=owner&field=ownerId&q=sam%20jones&returnTo=${encodeURIComponent(returnTo)}`,
      )
      .expect(200);
    const links = [...page.text.matchAll(/<a href="([^"]*)">Choose ([^<]*)<\/a>/g)].map((m) => [
      m[1].replace(/&amp;/g, '&'),
      m[2],
    ]);
    expect(links).toEqual([
      // Ordered by name, then email.
      [
        `/actions/1/assign?executiveLeadId=${people.executive.id}&ownerId=${people.samA2.id}`,
        'Sam Jones (sam.jones2@a.nhs.uk)',
      ],
      [
        `/actions/1/assign?executiveLeadId=${people.executive.id}&ownerId=${people.samA1.id}`,
        'Sam Jones (sam.jones@a.nhs.uk)',
      ],
    ]);
    const leads = await quality
      .get(`/people/search?organisationId=${trustA.id}&role=executiveLead&q=sam&returnTo=/x`)
      .expect(200);
    expect(leads.text).toContain('sam.jones2@a.nhs.uk');
    expect(leads.text).not.toContain('sam.jones@a.nhs.uk');
    // Somewhere else entirely is never a place to return to.
    const offSite = await quality
      .get(`/people/search?organisationId=${trustA.id}&role=owner&returnTo=//evil.example`)
      .expect(200);
    expect(offSite.text).not.toContain('evil.example');
    // Another trust's people are not found; nor are they for a viewer of this one.
    const stranger = await t.as(people.qualityOfB);
    const refused = await stranger.get(`/people/search?organisationId=${trustA.id}&role=owner`);
    expect(refused.status).toBe(404);
    expect(refused.text).not.toContain('sam.jones@a.nhs.uk');
    const viewer = await t.as(people.viewer);
    const viewerRefused = await viewer.get(`/people/search?organisationId=${trustA.id}`);
    expect([403, 404]).toContain(viewerRefused.status);
  });

  it("reassigns a leaver's actions in one go, each with its history, audited once in summary", async () => {
    const leaver = await member(trustA.id, 'owner', { name: 'Lee Ver' });
    const newcomer = await member(trustA.id, 'owner', { name: 'Nia Comer' });
    const actions = [];
    for (let i = 0; i < 3; i++)
      actions.push(await buildAction(quality, [finding.id], { ownerId: leaver.id }));
    await quality
      .post(`/api/v1/actions/${actions[2].id}/cancel`)
      .send({ reason: 'Superseded' })
      .expect(200);
    // Refusals: someone who cannot own actions here, a stranger, someone not of the trust.
    const toViewer = await quality
      .post(`/api/v1/organisations/${trustA.id}/reassign`)
      .send({ fromUserId: leaver.id, toUserId: people.viewer.id })
      .expect(400);
    expect(toViewer.body.errors).toEqual([
      { field: 'toUserId', reason: 'this person cannot own actions in this trust' },
    ]);
    await quality
      .post(`/api/v1/organisations/${trustA.id}/reassign`)
      .send({ fromUserId: people.ownerOfB.id, toUserId: newcomer.id })
      .expect(400);
    const stranger = await t.as(people.qualityOfB);
    await stranger
      .post(`/api/v1/organisations/${trustA.id}/reassign`)
      .send({ fromUserId: leaver.id, toUserId: newcomer.id })
      .expect(404);
    const owned = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM action WHERE owner_id = ${Number(leaver.id)}`,
    );
    expect(Number(owned[0].n)).toBe(3);

    // Only the open ones first, then the rest.
    const open = await quality
      .post(`/api/v1/organisations/${trustA.id}/reassign`)
      .send({ fromUserId: leaver.id, toUserId: newcomer.id, openOnly: true })
      .expect(200);
    expect(open.body).toEqual({ reassigned: 2, actionIds: [actions[0].id, actions[1].id] });
    for (const action of actions.slice(0, 2)) {
      const now = await quality.get(`/api/v1/actions/${action.id}`).expect(200);
      expect(now.body.owner.id).toBe(newcomer.id);
      const revisions = await t.dataSource.query(
        `SELECT owner_id FROM action_revision WHERE action_id = ${Number(action.id)} ORDER BY id`,
      );
      expect(revisions.map((r: { owner_id: number }) => Number(r.owner_id))).toEqual([
        leaver.id,
        newcomer.id,
      ]);
    }
    const rest = await quality
      .post(`/api/v1/organisations/${trustA.id}/reassign`)
      .send({ fromUserId: leaver.id, toUserId: newcomer.id })
      .expect(200);
    expect(rest.body).toEqual({ reassigned: 1, actionIds: [actions[2].id] });

    const summaries = await t.dataSource.query(
      `SELECT summary, actor_id FROM audit_event WHERE entity = 'organisation' AND entity_id = '${Number(trustA.id)}' AND summary LIKE 'Reassigned%' ORDER BY id`,
    );
    expect(summaries.map((s: { summary: string }) => s.summary)).toEqual([
      'Reassigned from Lee Ver to Nia Comer: 2 open actions',
      'Reassigned from Lee Ver to Nia Comer: 1 action',
    ]);
    expect(Number(summaries[0].actor_id)).toBe(people.quality.id);
    const perAction = await t.dataSource.query(
      `SELECT entity_id FROM audit_event WHERE entity = 'action' AND summary = 'Reassigned from Lee Ver to Nia Comer' ORDER BY id`,
    );
    expect(perAction.map((e: { entity_id: string }) => Number(e.entity_id))).toEqual(
      actions.map((a) => a.id),
    );
  });
  it('words a wrong choice on the pages as a sentence, never an id or a fragment', async () => {
    const lead = await member(trustA.id, 'quality_lead', { password: PASSWORD });
    const agent = request.agent(t.app.getHttpServer() as Parameters<typeof request.agent>[0]);
    await agent
      .post('/sign-in')
      .type('form')
      .send({ email: lead.email, password: PASSWORD, returnTo: '/' })
      .expect(303);
    const csrfOf = (html: string) => /_csrf(?:" value="|=)([^"&]+)/.exec(html)![1];
    const action = await buildAction(quality, [finding.id], { ownerId: people.owner.id });
    const form = await agent.get(`/actions/${action.id}/assign`).expect(200);
    const csrf = csrfOf(form.text);
    const post = (fields: Record<string, unknown>) =>
      agent
        .post(`/actions/${action.id}/assign`)
        .type('form')
        .send({ _csrf: csrf, ...fields });
    for (const [fields, sentence] of [
      [{ ownerId: people.ownerOfB.id }, 'Select someone who can own actions in this trust'],
      [{ ownerId: people.viewer.id }, 'Select someone who can own actions in this trust'],
      [{ ownerId: people.admin.id }, 'Select someone who can own actions in this trust'],
      [{ executiveLeadId: people.owner.id }, 'Select an executive of this trust'],
      [{ executiveLeadId: people.ownerOfB.id }, 'Select an executive of this trust'],
    ] as const) {
      const page = await post(fields);
      expect([400, 422]).toContain(page.status);
      expect(page.text).toContain(sentence);
      const id = Object.values(fields)[0];
      expect(page.text).not.toContain(`user ${id}`);
      expect(page.text).not.toMatch(/Owner this person|Executive lead this person/);
    }
    const reassign = await agent.get(
      `/people/${people.owner.id}/reassign?organisationId=${trustA.id}`,
    );
    expect(reassign.status).toBe(200);
    const moved = await agent
      .post(`/people/${people.owner.id}/reassign?organisationId=${trustA.id}`)
      .type('form')
      .send({ _csrf: csrfOf(reassign.text), toUserId: people.viewer.id });
    expect(moved.text).toContain('Select someone who can own actions in this trust');
    expect(moved.text).not.toContain('New owner this person');
    const serviceOfB = await buildCoreService(t.http, trustB.id);
    const findingForm = await agent.get(`/findings/new?organisationId=${trustA.id}`).expect(200);
    const forged = await agent
      .post('/findings')
      .type('form')
      .send({
        _csrf: csrfOf(findingForm.text),
        organisationId: trustA.id,
        type: 'MUST',
        text: 'The trust must act.',
        coreServiceId: serviceOfB.id,
      });
    expect(forged.text).toContain('Select a core service of this trust');
    expect(forged.text).not.toContain('belongs to another organisation');
  });
});
