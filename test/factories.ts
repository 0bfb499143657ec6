import type { Client } from './test-app';

/**
 * Builders that create records through the API, with overrides, so every test starts from
 * data the app itself accepted. Each returns the response body.
 */
let sequence = 0;
const next = () => ++sequence;

async function created(http: Client, path: string, body: object) {
  const response = await http.post(path).send(body);
  if (response.status !== 201) {
    throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/**
 * Users built without `memberships` join every trust, with their role, including trusts
 * built after them (as everyone did before trusts were kept apart), so tests about other
 * things need not think about trusts. Kept per admin client, that is per app.
 */
const joinEveryTrust = new WeakMap<Client, { id: number; role: string }[]>();

/** Every trust's id, as the admin sees them. */
export async function allOrganisationIds(http: Client): Promise<number[]> {
  const response = await http.get('/api/v1/organisations?limit=200');
  if (response.status !== 200) throw new Error(`organisations answered ${response.status}`);
  return (response.body.items as { id: number }[]).map((o) => o.id);
}

export async function buildUser(http: Client, overrides: { [key: string]: unknown } = {}) {
  const n = next();
  const role = (overrides.role as string | undefined) ?? 'owner';
  const everyTrust = !('memberships' in overrides) && role !== 'admin';
  const memberships = everyTrust
    ? (await allOrganisationIds(http)).map((organisationId) => ({ organisationId, role }))
    : overrides.memberships;
  const user = await created(http, '/api/v1/users', {
    name: `User ${n}`,
    email: `user${n}@example.nhs.uk`,
    role,
    ...overrides,
    ...(memberships ? { memberships } : {}),
  });
  if (everyTrust) {
    const list = joinEveryTrust.get(http) ?? [];
    list.push({ id: user.id, role });
    joinEveryTrust.set(http, list);
  }
  return user;
}

/** Puts a user in a trust with a role (or changes their role there). */
export async function addMembership(
  http: Client,
  user: { id: number },
  organisation: { id: number },
  role: string,
) {
  const response = await http
    .post(`/api/v1/users/${user.id}/memberships`)
    .send({ organisationId: organisation.id, role });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(
      `adding a membership answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}

export async function buildOrganisation(http: Client, overrides: object = {}) {
  const n = next();
  const organisation = await created(http, '/api/v1/organisations', {
    name: `Test Trust ${n}`,
    odsCode: `T${n}X`,
    kind: 'community',
    ...overrides,
  });
  for (const user of joinEveryTrust.get(http) ?? []) {
    await addMembership(http, user, organisation, user.role);
  }
  return organisation;
}

export function buildCoreService(http: Client, organisationId: number, overrides: object = {}) {
  return created(http, '/api/v1/core-services', {
    organisationId,
    name: `Custom service ${next()}`,
    ...overrides,
  });
}

export function buildFinding(http: Client, organisationId: number, overrides: object = {}) {
  const n = next();
  return created(http, '/api/v1/findings', {
    organisationId,
    type: 'MUST',
    keyQuestion: 'Safe',
    reference: `MD${n}`,
    regulations: [{ instrument: 2014, number: '12' }],
    text: `The trust must fix problem ${n}. (Regulation 12)`,
    ...overrides,
  });
}

export function buildAction(http: Client, findingIds: number[], overrides: object = {}) {
  const n = next();
  return created(http, '/api/v1/actions', {
    findingIds,
    title: `Action ${n}`,
    reference: `A${n}`,
    dueDate: '2030-01-31',
    ...overrides,
  });
}

/** A trust with one core service, one MUST finding, an owner, a lead and an assurer. */
export async function buildPlan(http: Client, options: { reinspectionDate?: string } = {}) {
  const organisation = await buildOrganisation(http);
  const coreService = await buildCoreService(http, organisation.id, {
    reinspectionDate: options.reinspectionDate,
  });
  const finding = await buildFinding(http, organisation.id, { coreServiceId: coreService.id });
  const owner = await buildUser(http, { role: 'owner' });
  const lead = await buildUser(http, { role: 'executive' });
  const quality = await buildUser(http, { role: 'quality_lead' });
  return { organisation, coreService, finding, owner, lead, quality };
}
