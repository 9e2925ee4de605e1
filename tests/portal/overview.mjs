// Patient/<id>/$overview, an addition to the contract (README.md,
// "Additions to the contract"): what a portal's first page shows of a
// record, in one small Parameters, instead of nine searches: how many
// allergies, problems, medications, immunizations, reports and waiting
// refill requests, the messages not read yet, what is still owed, and the
// next visit. Each part is what the search of portal-api.md §4 it stands
// for would answer, through the same access checks.

import { checkOperation, checkRead } from './access.mjs';
import { HttpError, notFound } from './util.mjs';

export const OVERVIEW_DEFINITION = 'urn:chartty:OperationDefinition/Patient-overview';

/* The counts: the part's name, the type searched and its criteria (the patient is added). */
const COUNTS = [
  ['allergies', 'AllergyIntolerance', 'patient', 'clinical-status=active'],
  ['problems', 'Condition', 'patient', 'clinical-status=active&category=problem-list-item'],
  ['medications', 'MedicationRequest', 'patient', 'status=active'],
  ['immunizations', 'Immunization', 'patient', ''],
  ['reports', 'DiagnosticReport', 'patient', ''],
  ['refill-requests', 'Task', 'patient', 'code=fulfill&status=requested'],
];

const ext = (resource, url) => resource.extension?.find((e) => e.url === url);

/** Every match of a search, page by page (200 a page), as answered. */
async function allOf(fhir, ctx, type, query) {
  const q = new URLSearchParams(query);
  q.set('_count', '200');
  const found = [];
  for (let offset = 0; ; offset += 200) {
    q.set('_offset', String(offset));
    const { body } = await fhir.search(ctx, type, q);
    found.push(...(body.entry ?? []).map((e) => e.resource));
    if (!body.link?.some((l) => l.relation === 'next')) {
      return found;
    }
  }
}

/**
 * The parts for Patient/<id>: a part the token may not see (a limited
 * proxy's 403) is left out, and the first reason is the part `withheld`.
 */
async function overview(fhir, ctx, id, now) {
  const patient = `Patient/${id}`;
  const parameter = [];
  let withheld;
  /* One part, or its refusal noted. */
  const part = async (make) => {
    try {
      const p = await make();
      if (p) {
        parameter.push(p);
      }
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 403) {
        throw err;
      }
      withheld ??= err.body?.issue?.[0]?.details?.text ?? 'You do not have access to this information.';
    }
  };
  for (const [name, type, by, criteria] of COUNTS) {
    await part(async () => {
      const q = new URLSearchParams(criteria);
      q.set(by, patient);
      q.set('_summary', 'count');
      const { body } = await fhir.search(ctx, type, q);
      return { name, valueInteger: body.total };
    });
  }
  await part(async () => {
    const headers = await allOf(fhir, ctx, 'Communication', `subject=${patient}&part-of:missing=true`);
    const unread = headers.reduce((n, c) => n + (ext(c, 'urn:chartty:unread')?.valueInteger ?? 0), 0);
    return { name: 'unread', valueInteger: unread };
  });
  await part(async () => {
    const bills = await allOf(fhir, ctx, 'Invoice', `subject=${patient}&status=issued`);
    const due = bills.map((b) => ext(b, 'urn:chartty:balance-due')?.valueMoney).filter(Boolean);
    const cents = due.reduce((n, m) => n + Math.round((m.value ?? 0) * 100), 0);
    return { name: 'balance-due', valueMoney: { value: cents / 100, currency: due[0]?.currency ?? 'USD' } };
  });
  await part(async () => {
    const q = new URLSearchParams({ patient, status: 'booked,checked-in,arrived', date: `ge${now.toISOString()}`, _sort: 'date', _count: '1' });
    const visit = (await fhir.search(ctx, 'Appointment', q)).body.entry?.[0]?.resource;
    if (!visit) {
      return null;
    }
    const checkin = ext(visit, 'urn:chartty:checkin-open');
    return {
      name: 'next-visit',
      part: [
        { name: 'start', valueInstant: visit.start },
        ...(visit.serviceType?.[0] ? [{ name: 'type', valueCodeableConcept: visit.serviceType[0] }] : []),
        ...(checkin ? [{ name: 'checkin-open', valueBoolean: checkin.valueBoolean }] : []),
      ],
    };
  });
  if (withheld) {
    parameter.push({ name: 'withheld', valueString: withheld });
  }
  return { resourceType: 'Parameters', parameter };
}

/** Serves GET Patient/<id>/$overview on `fhir` (a FhirService). */
export function registerOverview(fhir) {
  fhir.addOperation('GET', /^Patient\/([^/$]+)\/\$overview$/, async (ctx, r, m) => {
    checkOperation(ctx, '$overview', `Patient/${m[1]}`);
    const stored = fhir.repo.peek('Patient', m[1]);
    if (!stored) {
      notFound();
    }
    checkRead(ctx, stored, fhir.repo);
    return { status: 200, body: await overview(fhir, ctx, m[1], new Date()) };
  });
}
