import {
  buildAction,
  buildCoreService,
  buildFinding,
  buildOrganisation,
  buildUser,
} from './factories';
import { createTestApp, TestApp } from './test-app';

/**
 * A search finds the text typed, character for character: `%`, `_` and `\` are not LIKE
 * wildcards. Each list has one record holding the character and a decoy that a wildcard
 * would also match; the search must return only the first.
 */
describe('searches treat %, _ and \\ as themselves', () => {
  let t: TestApp;
  let organisationId: number;

  beforeAll(async () => {
    t = await createTestApp();
    organisationId = (await buildOrganisation(t.http, { name: 'Wildcard Trust' })).id;
  });
  afterAll(() => t.close());

  const CASES: { char: string; hit: string; decoy: string }[] = [
    { char: '%', hit: 'Ward 100% audit', decoy: 'Ward 100 x audit' },
    { char: '_', hit: 'Ward a_b audit', decoy: 'Ward axb audit' },
    { char: '\\', hit: 'Ward c\\d audit', decoy: 'Ward cd audit' },
  ];
  const term = (c: (typeof CASES)[number]) =>
    c.char === '%' ? '100%' : c.char === '_' ? 'a_b' : 'c\\d';

  async function search(path: string, q: string): Promise<string[]> {
    const separator = path.includes('?') ? '&' : '?';
    const { body } = await t.http.get(`${path}${separator}q=${encodeURIComponent(q)}`).expect(200);
    return (body.items as { name?: string; title?: string; text?: string }[]).map(
      (item) => item.name ?? item.title ?? item.text ?? '',
    );
  }

  it.each(CASES)('users: $char', async (c) => {
    for (const name of [c.hit, c.decoy]) await buildUser(t.http, { name });
    expect(await search('/api/v1/users', term(c))).toEqual([c.hit]);
  });

  it.each(CASES)('organisations: $char', async (c) => {
    for (const name of [c.hit, c.decoy]) await buildOrganisation(t.http, { name });
    expect(await search('/api/v1/organisations', term(c))).toEqual([c.hit]);
  });

  it.each(CASES)('core services: $char', async (c) => {
    for (const name of [c.hit, c.decoy]) await buildCoreService(t.http, organisationId, { name });
    expect(await search(`/api/v1/core-services?organisationId=${organisationId}`, term(c))).toEqual(
      [c.hit],
    );
  });

  it.each(CASES)('findings and actions: $char', async (c) => {
    const ids: number[] = [];
    for (const text of [c.hit, c.decoy]) {
      const finding = await buildFinding(t.http, organisationId, { text });
      ids.push(finding.id);
      await buildAction(t.http, [finding.id], { title: text });
    }
    expect(await search(`/api/v1/findings?organisationId=${organisationId}`, term(c))).toEqual([
      c.hit,
    ]);
    expect(await search(`/api/v1/actions?organisationId=${organisationId}`, term(c))).toEqual([
      c.hit,
    ]);
  });
});
