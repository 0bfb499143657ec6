import fc from 'fast-check';
import type { ActionStatus } from '../src/actions/action.entity';
import { addDays } from '../src/common/dates';
import {
  DeliveryFacts,
  deliveryReason,
  deliveryStatusOfReason,
} from '../src/delivery/delivery-status';
import { londonDate, londonEndOfDay, londonStartOfDay, realClock, setClock } from './clock';
import { buildAction, buildCoreService, buildFinding, buildOrganisation } from './factories';
import { createTestApp, TestApp } from './test-app';

/**
 * Property (issue 16): for random histories of an action, what the database derives as at a
 * day (the list with `asOf`, filtered by delivery status in SQL) is what the pure rules of
 * src/delivery/delivery-status.ts say about facts folded here, in TypeScript, from the same
 * history. Histories mix progress with status changes and off-track flags, due-date moves,
 * re-links to findings of other core services and moves of those services' reinspection
 * dates, written through the API with the clock set to chosen instants: London midnight, the
 * hour after it, midday and the last millisecond of the day, across the change to BST on
 * 29 March 2026; due dates fall on the as-at days checked.
 */
const BASE = '2026-03-20';
const DAYS = 40;
const MOMENTS = ['start', 'firstHour', 'midday', 'end'] as const;
type Moment = (typeof MOMENTS)[number];

function instantOf(day: number, moment: Moment): string {
  const date = addDays(BASE, day);
  const start = Date.parse(londonStartOfDay(date));
  switch (moment) {
    case 'start':
      return londonStartOfDay(date);
    case 'firstHour':
      return new Date(start + 30 * 60 * 1000).toISOString();
    case 'midday':
      return new Date(start + 12 * 60 * 60 * 1000).toISOString();
    case 'end':
      return londonEndOfDay(date);
  }
}

type Step =
  | { kind: 'progress'; progress: number; status?: 'IN_PROGRESS' | 'COMPLETED'; offTrack: boolean }
  | { kind: 'dueDate'; day: number }
  | { kind: 'relink'; findings: number[] }
  | { kind: 'reinspection'; service: number; day: number | null }
  | { kind: 'cancel' };

interface Timed {
  day: number;
  moment: Moment;
  step: Step;
}

const day = fc.integer({ min: 0, max: DAYS });
const moment = fc.constantFrom(...MOMENTS);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('progress' as const),
      progress: fc.constantFrom(0, 20, 49, 50, 80, 100),
      status: fc.option(fc.constantFrom('IN_PROGRESS' as const, 'COMPLETED' as const), {
        nil: undefined,
      }),
      offTrack: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dueDate' as const), day }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('relink' as const),
      findings: fc.subarray([0, 1, 2], { minLength: 1 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reinspection' as const),
      service: fc.constantFrom(0, 1),
      day: fc.option(day, { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const) }) },
);

const history = fc.record({
  created: fc.record({ day: fc.integer({ min: 0, max: 5 }), moment }),
  dueDay: day,
  reinspectionDays: fc.tuple(fc.option(day, { nil: null }), fc.option(day, { nil: null })),
  steps: fc.array(fc.record({ day, moment, step }), { maxLength: 8 }),
  extraDays: fc.array(fc.integer({ min: -2, max: DAYS + 2 }), { maxLength: 2 }),
});
type History = typeof history extends fc.Arbitrary<infer T> ? T : never;

/** What was accepted and when: the history the facts are folded from. */
interface Recorded {
  createdAt: string;
  originalDueDate: string;
  progress: { at: string; progress: number; statusTo: ActionStatus | null; offTrack: boolean }[];
  dueDates: { at: string; dueDate: string }[];
  links: { at: string; findings: number[] }[];
  reinspections: { at: string; service: number; date: string | null }[];
  initialReinspection: (string | null)[];
  /** The core service of each finding (null: trust-wide). */
  findingService: (number | null)[];
}

/** The latest entry made by the end of the London day `asOf`; ties go to the later write. */
function latest<T extends { at: string }>(entries: T[], asOf: string): T | undefined {
  const end = londonEndOfDay(asOf);
  return entries.filter((e) => e.at <= end).at(-1);
}

function factsAsAt(recorded: Recorded, asOf: string): DeliveryFacts | undefined {
  if (recorded.createdAt > londonEndOfDay(asOf)) return undefined;
  const entries = recorded.progress.filter((e) => e.at <= londonEndOfDay(asOf));
  const last = entries.at(-1);
  const statusChanges = entries.filter((e) => e.statusTo !== null);
  const links = latest(recorded.links, asOf)?.findings ?? [0];
  const reinspectionOf = (service: number) => {
    const moves = recorded.reinspections.filter((r) => r.service === service);
    const move = latest(moves, asOf);
    return move ? move.date : recorded.initialReinspection[service];
  };
  const reinspections = links
    .map((finding) => recorded.findingService[finding])
    .filter((service): service is number => service !== null)
    .map(reinspectionOf)
    .filter((date): date is string => date !== null)
    .sort();
  return {
    status: statusChanges.at(-1)?.statusTo ?? 'NOT_STARTED',
    progress: last?.progress ?? 0,
    dueDate: latest(recorded.dueDates, asOf)?.dueDate ?? recorded.originalDueDate,
    flaggedOffTrack: last?.offTrack ?? false,
    lastActivityAt: last?.at ?? recorded.createdAt,
    reinspectionDate: reinspections[0] ?? null,
  };
}

describe('delivery status as at a date: the SQL derivation against the pure rules', () => {
  let t: TestApp;
  let organisationId: number;
  let run = 0;

  beforeAll(async () => {
    t = await createTestApp();
    try {
      setClock(`${addDays(BASE, -30)}T12:00:00.000Z`);
      organisationId = (await buildOrganisation(t.http)).id;
    } finally {
      realClock();
    }
  });
  afterAll(async () => {
    realClock();
    await t.close();
  });

  /** Writes one history through the API at its chosen instants; returns what was accepted. */
  async function write(h: History, reference: string): Promise<{ id: number; recorded: Recorded }> {
    const http = t.http;
    try {
      setClock(`${addDays(BASE, -10)}T12:00:00.000Z`);
      const initialReinspection = h.reinspectionDays.map((d) =>
        d === null ? null : addDays(BASE, d),
      );
      const services: number[] = [];
      for (const [index, date] of initialReinspection.entries()) {
        const service = await buildCoreService(http, organisationId, {
          name: `${reference} service ${index}`,
          ...(date ? { reinspectionDate: date } : {}),
        });
        services.push(service.id);
      }
      const findingService = [0, 1, null];
      const findings: number[] = [];
      for (const service of findingService) {
        const finding = await buildFinding(http, organisationId, {
          coreServiceId: service === null ? null : services[service],
        });
        findings.push(finding.id);
      }

      const createdAt = instantOf(h.created.day, h.created.moment);
      setClock(createdAt);
      const originalDueDate = addDays(BASE, h.dueDay);
      const { id } = await buildAction(http, [findings[0]], {
        reference,
        dueDate: originalDueDate,
      });

      const recorded: Recorded = {
        createdAt,
        originalDueDate,
        progress: [],
        dueDates: [],
        links: [],
        reinspections: [],
        initialReinspection,
        findingService,
      };
      const steps = h.steps
        .map((s: Timed) => ({ ...s, at: instantOf(s.day, s.moment) }))
        .filter((s) => s.at >= createdAt)
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      for (const { at, step: s } of steps) {
        setClock(at);
        switch (s.kind) {
          case 'progress':
          case 'cancel':
            // Accepted or refused by the action's rules; the history says which, below.
            await (s.kind === 'cancel'
              ? http.post(`/api/v1/actions/${id}/cancel`).send({ reason: 'Cancelled at random' })
              : http.post(`/api/v1/actions/${id}/progress`).send({
                  note: `Update at ${at}`,
                  progress: s.progress,
                  offTrack: s.offTrack,
                  ...(s.status ? { status: s.status } : {}),
                }));
            break;
          case 'dueDate':
            await http
              .post(`/api/v1/actions/${id}/due-date`)
              .send({ dueDate: addDays(BASE, s.day), reason: `Moved at ${at}` });
            break;
          case 'relink': {
            const response = await http
              .patch(`/api/v1/actions/${id}`)
              .send({ findingIds: s.findings.map((f) => findings[f]) });
            if (response.status === 200) recorded.links.push({ at, findings: s.findings });
            break;
          }
          case 'reinspection': {
            const date = s.day === null ? null : addDays(BASE, s.day);
            const response = await http
              .patch(`/api/v1/core-services/${services[s.service]}`)
              .send({ reinspectionDate: date });
            if (response.status === 200) {
              recorded.reinspections.push({ at, service: s.service, date });
            }
            break;
          }
        }
      }
      realClock();

      const entries = (await http.get(`/api/v1/actions/${id}/progress`).expect(200)).body as {
        createdAt: string;
        progress: number;
        statusTo: ActionStatus | null;
        offTrack: boolean;
      }[];
      recorded.progress = entries.map((e) => ({
        at: e.createdAt,
        progress: e.progress,
        statusTo: e.statusTo,
        offTrack: e.offTrack,
      }));
      const moves = (await http.get(`/api/v1/actions/${id}/due-date-changes`).expect(200)).body as {
        createdAt: string;
        newDueDate: string;
      }[];
      recorded.dueDates = moves.map((m) => ({ at: m.createdAt, dueDate: m.newDueDate }));
      // The history was written at the chosen instants, or the property proves nothing.
      const chosen = new Set(steps.map((s) => s.at));
      for (const at of [...recorded.progress, ...recorded.dueDates].map((e) => e.at)) {
        expect({ at, chosen: chosen.has(at) }).toEqual({ at, chosen: true });
      }
      return { id, recorded };
    } finally {
      realClock();
    }
  }

  /** The days to check: each event's London day and the one before, due dates, and a few more. */
  function daysToCheck(h: History, recorded: Recorded): string[] {
    const days = new Set<string>();
    for (const at of [
      recorded.createdAt,
      ...recorded.progress.map((e) => e.at),
      ...recorded.dueDates.map((e) => e.at),
      ...recorded.links.map((e) => e.at),
      ...recorded.reinspections.map((e) => e.at),
    ]) {
      days.add(londonDate(at));
      days.add(addDays(londonDate(at), -1));
    }
    days.add(recorded.originalDueDate);
    for (const move of recorded.dueDates) days.add(move.dueDate);
    for (const extra of h.extraDays) days.add(addDays(BASE, extra));
    // The clocks go forward at 01:00 UTC on 29 March 2026: that day has 23 hours.
    days.add('2026-03-29');
    days.add('2026-03-30');
    return [...days].sort();
  }

  it('agree for random histories, on every day that matters', async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const reference = `P${++run}`;
        const { id, recorded } = await write(h, reference);
        const list = (asOf: string, extra = '') =>
          t.http
            .get(
              `/api/v1/actions?organisationId=${organisationId}&q=${reference}&asOf=${asOf}${extra}`,
            )
            .expect(200);
        for (const asOf of daysToCheck(h, recorded)) {
          const facts = factsAsAt(recorded, asOf);
          const items = (await list(asOf)).body.items as Record<string, unknown>[];
          if (!facts) {
            expect({ asOf, listed: items.map((a) => a.id) }).toEqual({ asOf, listed: [] });
            continue;
          }
          const reason = deliveryReason(facts, asOf);
          const expected = {
            asOf,
            id,
            status: facts.status,
            progress: facts.progress,
            dueDate: facts.dueDate,
            reinspectionDate: facts.reinspectionDate,
            deliveryStatus: deliveryStatusOfReason(reason),
            deliveryReason: reason,
          };
          const [item] = items;
          expect(
            item && {
              asOf,
              id: item.id,
              status: item.status,
              progress: item.progress,
              dueDate: item.dueDate,
              reinspectionDate: item.reinspectionDate,
              deliveryStatus: item.deliveryStatus,
              deliveryReason: item.deliveryReason,
            },
          ).toEqual(expected);
          // The same status from the SQL CASE the lists filter and count by.
          const filtered = await list(asOf, `&deliveryStatus=${expected.deliveryStatus}`);
          expect({
            asOf,
            sqlDeliveryStatus: filtered.body.total === 1 ? expected.deliveryStatus : 'other',
          }).toEqual({
            asOf,
            sqlDeliveryStatus: expected.deliveryStatus,
          });
        }
      }),
      // Bounded so `npm test` stays quick; a failure prints its seed and shrunk history.
      { numRuns: 30, interruptAfterTimeLimit: 120_000 },
    );
  }, 300_000);
});
