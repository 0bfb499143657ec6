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

export function buildUser(http: Client, overrides: object = {}) {
  const n = next();
  return created(http, '/api/v1/users', {
    name: `User ${n}`,
    email: `user${n}@example.nhs.uk`,
    role: 'owner',
    ...overrides,
  });
}

export function buildOrganisation(http: Client, overrides: object = {}) {
  const n = next();
  return created(http, '/api/v1/organisations', {
    name: `Test Trust ${n}`,
    odsCode: `T${n}X`,
    kind: 'community',
    ...overrides,
  });
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
