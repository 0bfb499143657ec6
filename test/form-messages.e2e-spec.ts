import request from 'supertest';
import { createTestApp, TestApp } from './test-app';
import { DEMO_PASSWORD } from './browser';

/**
 * Every form people can reach, posted empty and with bad input: each answer is a 400 with the
 * NHS.UK error summary, in people's words, each link pointing at an element on the page. Forms
 * are found by crawling the pages each role can reach on the demo data, so a form added later is
 * walked without being listed here.
 */
const ROLES = [
  'priya.shah@example.nhs.uk', // quality lead
  'helen.carter@example.nhs.uk', // executive
  'aisha.khan@example.nhs.uk', // owner
  'jane.wilson@example.nhs.uk', // viewer
  'alex.morgan@example.nhs.uk', // admin
];

/** Forms whose empty post is valid (or that end what the crawl stands on), so not posted. */
const SKIPPED: Record<string, string> = {
  'POST /sign-out': 'signing out needs nothing typed',
  'POST /account/calendar': 'creates the calendar link; there is nothing to type',
  'POST /account/calendar/revoke': 'revokes the calendar link; there is nothing to type',
  'POST /account/tokens/:id/revoke': 'revokes a token; there is nothing to type',
  'POST /cqc-inbox/:id/preview': 'checks an import; there is nothing to type',
  'POST /cqc-inbox/:id/import': 'confirms an import; there is nothing to type',
  'POST /import/:id/confirm': 'confirms a staged import; nothing to type',
  'POST /import/:id/sheet': 'chooses another sheet of a staged upload',
};

/** Words a person must never read in a message. */
const FORBIDDEN = [
  /\b[a-z]+[A-Z][A-Za-z]*\b/, // a code name: dueDate, ownerId, executiveLeadId
  /undefined/i,
  /must be a string/i,
  /should not be empty/i,
  /\d{4}-\d{2}-\d{2}/,
];

interface Field {
  tag: 'input' | 'textarea' | 'select';
  name: string;
  type: string;
  value: string;
  numeric: boolean;
  options: string[];
}

interface FoundForm {
  key: string;
  action: string;
  multipart: boolean;
  fields: Field[];
  role: string;
  page: string;
}

function attr(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? decode(match[1]) : undefined;
}

function decode(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

function shape(path: string): string {
  return path.split('?')[0].replace(/\/\d+(?=\/|$)/g, '/:id');
}

function formsOf(html: string, role: string, page: string): FoundForm[] {
  const forms: FoundForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const [, open, inner] = match;
    if ((attr(open, 'method') ?? 'get').toLowerCase() !== 'post') continue;
    const action = attr(open, 'action') ?? page;
    const fields: Field[] = [];
    for (const input of inner.matchAll(/<(input|textarea|select)\b([^>]*)>/g)) {
      const tag = input[1] as Field['tag'];
      const name = attr(input[2], 'name');
      if (!name) continue;
      let options: string[] = [];
      if (tag === 'select') {
        const rest = inner.slice(input.index);
        const body = rest.slice(0, rest.indexOf('</select>'));
        options = [...body.matchAll(/<option\b[^>]*value="([^"]*)"/g)].map((o) => decode(o[1]));
      }
      fields.push({
        tag,
        name,
        type: (attr(input[2], 'type') ?? (tag === 'input' ? 'text' : tag)).toLowerCase(),
        value: attr(input[2], 'value') ?? '',
        numeric: attr(input[2], 'inputmode') === 'numeric',
        options,
      });
    }
    forms.push({
      key: `POST ${shape(action)}`,
      action,
      multipart: (attr(open, 'enctype') ?? '').includes('multipart'),
      fields,
      role,
      page,
    });
  }
  return forms;
}

/** Same-site page links worth following (no downloads, no API, no sign-out). */
function linksOf(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\shref="([^"]+)"/g)]
    .map((m) => decode(m[1]).split('#')[0])
    .filter(
      (href) =>
        href.startsWith('/') &&
        !href.startsWith('//') &&
        !/^\/(api|nhsuk|assets|public|docs|health|calendar)\b/.test(href) &&
        !/format=|\/download|\/export|\.(csv|xlsx|pdf|ics|png|svg|js|css)\b/.test(href),
    );
}

describe('every form, empty and with bad input', () => {
  jest.setTimeout(600_000);
  let testApp: TestApp;
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    testApp = await createTestApp({ demoData: true });
    server = testApp.app.getHttpServer() as Parameters<typeof request>[0];
  });

  afterAll(async () => {
    await testApp?.close();
  });

  async function agentFor(email: string) {
    const agent = request.agent(server);
    const signedIn = await agent
      .post('/sign-in')
      .type('form')
      .send({ email, password: DEMO_PASSWORD, returnTo: '/' });
    expect(signedIn.status).toBe(303);
    return agent;
  }

  /** Breadth-first over the pages a role can reach from Home, a few of each shape. */
  async function crawl(email: string): Promise<FoundForm[]> {
    const agent = await agentFor(email);
    const seen = new Set<string>();
    const perShape = new Map<string, number>();
    const queue = ['/'];
    const forms: FoundForm[] = [];
    let pages = 0;
    while (queue.length && pages < 120) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const key = shape(url) + (url.includes('?') ? '?' : '');
      const count = perShape.get(key) ?? 0;
      if (count >= (shape(url) === '/actions/:id' ? 6 : 2)) continue;
      perShape.set(key, count + 1);
      const response = await agent.get(url);
      pages++;
      if (response.status !== 200 || !/text\/html/.test(response.type)) continue;
      forms.push(...formsOf(response.text, email, url));
      queue.push(...linksOf(response.text).filter((href) => !seen.has(href)));
    }
    return forms;
  }

  function problemsIn(html: string, form: FoundForm, what: string): string[] {
    const found: string[] = [];
    const summary = /<div class="nhsuk-error-summary"[\s\S]*?<\/ul>/.exec(html);
    if (!summary) return [`${form.key} (${what}): no error summary`];
    const links = [...summary[0].matchAll(/<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)];
    if (!links.length) found.push(`${form.key} (${what}): the summary lists nothing`);
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    for (const [, href, raw] of links) {
      const text = decode(raw.trim());
      for (const word of FORBIDDEN) {
        if (word.test(text)) found.push(`${form.key} (${what}): "${text}" matches ${word}`);
      }
      const id = decode(href).replace(/^#/, '');
      if (!href.startsWith('#') || !ids.has(id)) {
        found.push(`${form.key} (${what}): "${text}" links to ${href}, not an element here`);
      }
    }
    for (const m of html.matchAll(/<span class="nhsuk-error-message"[^>]*>([\s\S]*?)<\/span>/g)) {
      const text = decode(m[1].replace(/<[^>]+>/g, '').trim());
      for (const word of FORBIDDEN) {
        if (word.test(text)) found.push(`${form.key} (${what}) beside a field: "${text}"`);
      }
    }
    return found;
  }

  type Values = Record<string, string>;

  /** What to post: the form's hidden fields as given, and `fill` for each field a person fills. */
  function valuesFor(form: FoundForm, fill: (field: Field) => string | undefined): Values {
    const values: Values = {};
    for (const field of form.fields) {
      if (field.type === 'hidden') {
        values[field.name] = field.value;
        continue;
      }
      if (field.type === 'file' || field.type === 'submit') continue;
      const value = fill(field);
      if (value !== undefined) values[field.name] = value;
    }
    return values;
  }

  /** What a browser sends when nothing is typed or chosen: blank boxes, the first option. */
  const leftEmpty = (field: Field): string | undefined => {
    if (field.type === 'radio' || field.type === 'checkbox') return undefined;
    if (field.tag === 'select') return field.options[0] ?? '';
    return '';
  };

  const longText = (field: Field) =>
    field.tag === 'textarea' || ['text', 'url', 'email', 'search'].includes(field.type)
      ? `<script>alert(1)</script>${'x'.repeat(6000)}`
      : undefined;

  const badInput = (field: Field): string | undefined => {
    if (/\[day\]$/.test(field.name)) return '31';
    if (/\[month\]$/.test(field.name)) return '2';
    if (/\[year\]$/.test(field.name)) return '2027';
    if (field.numeric) return 'abc';
    if (field.tag === 'select' || field.type === 'radio' || field.type === 'checkbox') return 'abc';
    if (field.type === 'password') return undefined;
    return '<script>alert(1)</script>';
  };

  async function post(agent: request.Agent, form: FoundForm, values: Values) {
    const test = agent.post(form.action);
    if (form.multipart) {
      for (const [name, value] of Object.entries(values)) test.field(name, value);
      return test;
    }
    return test.type('form').send(values);
  }

  it('finds the forms of every role, and each answers bad input in people’s words', async () => {
    const found = new Map<string, FoundForm>();
    for (const email of ROLES) {
      for (const form of await crawl(email)) {
        if (!found.has(form.key)) found.set(form.key, form);
      }
    }
    // The crawl must at least reach the forms that exist today.
    expect([...found.keys()]).toEqual(
      expect.arrayContaining([
        'POST /actions/:id/progress',
        'POST /actions/:id/evidence',
        'POST /actions/:id/due-date',
        'POST /actions/:id/assign',
        'POST /actions',
        'POST /account/tokens',
        'POST /reports/issue',
        'POST /users',
      ]),
    );

    const problems: string[] = [];
    const walked = new Set<string>();
    const agents = new Map<string, request.Agent>();
    const fills: [string, (field: Field) => string | undefined][] = [
      ['empty', leftEmpty],
      ['too long', longText],
      ['bad values', badInput],
    ];
    // One kind of input across every form at a time: the first two must all be refused, so
    // nothing changes until the last, where text-only forms may accept "<script>" as text (and
    // so, say, cancel an action whose other forms are then rightly gone).
    for (const [what, fill] of fills) {
      for (const form of found.values()) {
        if (SKIPPED[form.key]) continue;
        let agent = agents.get(form.role);
        if (!agent) {
          agent = await agentFor(form.role);
          agents.set(form.role, agent);
        }
        // The CSRF token belongs to the session: read the form again in this one.
        const page = await agent.get(form.page);
        const fresh = formsOf(page.text, form.role, form.page).find((f) => f.key === form.key);
        if (!fresh) {
          if (what !== 'bad values') {
            problems.push(`${form.key}: not on ${form.page} any more (${page.status})`);
          }
          continue;
        }
        walked.add(form.key);
        const response = await post(agent, fresh, valuesFor(fresh, fill));
        const onlyText = !fresh.fields.some(
          (f) => f.type !== 'hidden' && !longText(f) && f.type !== 'submit',
        );
        // Text alone may be acceptable as "<script>": it is stored as text, never markup.
        if (what === 'bad values' && onlyText && response.status < 400) continue;
        // 422: what was typed is acceptable and a rule refused the change; it is shown the same way.
        if (response.status !== 400 && response.status !== 422) {
          problems.push(`${form.key} (${what}): status ${response.status}, not 400`);
          continue;
        }
        problems.push(...problemsIn(response.text, fresh, what));
        expect(response.text).not.toContain('<script>alert(1)</script>');
      }
    }
    expect(problems).toEqual([]);
    expect(walked.size).toBeGreaterThanOrEqual(8);
  });

  it('answers an empty sign-in in people’s words', async () => {
    const response = await request(server).post('/sign-in').type('form').send({ returnTo: '/' });
    expect(response.status).toBe(400);
    const form: FoundForm = {
      key: 'POST /sign-in',
      action: '/sign-in',
      multipart: false,
      fields: [],
      role: '',
      page: '/sign-in',
    };
    expect(problemsIn(response.text, form, 'empty')).toEqual([]);
    expect(response.text).toContain('Enter your email address');
  });
});
