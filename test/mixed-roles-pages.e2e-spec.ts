import {
  buildAction,
  buildCoreService,
  buildFinding,
  buildOrganisation,
  buildUser,
  buildPlan,
} from './factories';
import { createTestApp, TestApp } from './test-app';

/**
 * A person may be a quality lead in one trust and an owner in another. The pages offer the
 * record's forms by their role in the record's trust: in the trust where they own actions they
 * see no quality-lead buttons, and opening such a form by its address is a 403 before anything
 * is typed, not a form whose post would fail and lose what was typed.
 */
describe('forms follow the role in the record’s trust', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('shows quality-lead forms where the person leads quality, and refuses them where they own actions', async () => {
    const home = await buildOrganisation(t.http);
    const elsewhere = await buildPlan(t.http);
    const other = elsewhere.finding.organisationId;
    const person = await buildUser(t.http, {
      role: 'quality_lead',
      memberships: [
        { organisationId: home.id, role: 'quality_lead' },
        { organisationId: other, role: 'owner' },
      ],
    });
    const service = await buildCoreService(t.http, other);
    const finding = await buildFinding(t.http, other, { coreServiceId: service.id });
    const action = await buildAction(t.http, [finding.id], { ownerId: person.id });
    const homeService = await buildCoreService(t.http, home.id);
    const homeFinding = await buildFinding(t.http, home.id, { coreServiceId: homeService.id });
    const client = await t.as(person);

    // Where they own actions: no quality-lead links, and each form's address is a 403.
    const servicePage = (await client.get(`/core-services/${service.id}`).expect(200)).text;
    expect(servicePage).not.toContain(`/core-services/${service.id}/rename`);
    expect(servicePage).not.toContain(`/core-services/${service.id}/reinspection`);
    expect(servicePage).not.toContain('Add a finding');
    const findingsPage = (await client.get(`/findings?organisationId=${other}`).expect(200)).text;
    expect(findingsPage).not.toContain('/findings/new');
    expect(findingsPage).not.toContain(`/findings/${finding.id}/edit`);
    expect(findingsPage).not.toContain('Plan one action each');
    for (const form of [
      `/core-services/${service.id}/rename`,
      `/core-services/${service.id}/reinspection`,
      `/core-services/${service.id}/ratings`,
      `/trusts/${other}/core-services/new`,
      `/findings/new?organisationId=${other}`,
      `/findings/${finding.id}/edit`,
      `/findings/plan?findingIds=${finding.id}&mode=each`,
      `/actions/${action.id}/findings`,
    ]) {
      const answer = await client.get(form);
      expect({ form, status: answer.status }).toEqual({ form, status: 403 });
      expect(answer.text).not.toContain('<form method="post"');
    }

    // Where they lead quality: the same links and forms are there.
    const homePage = (await client.get(`/core-services/${homeService.id}`).expect(200)).text;
    expect(homePage).toContain(`/core-services/${homeService.id}/rename`);
    const homeFindings = (await client.get(`/findings?organisationId=${home.id}`).expect(200)).text;
    expect(homeFindings).toContain(`/findings/${homeFinding.id}/edit`);
    for (const form of [
      `/core-services/${homeService.id}/rename`,
      `/findings/${homeFinding.id}/edit`,
      `/findings/new?organisationId=${home.id}`,
    ]) {
      const answer = await client.get(form);
      expect({ form, status: answer.status }).toEqual({ form, status: 200 });
    }
  });
});
