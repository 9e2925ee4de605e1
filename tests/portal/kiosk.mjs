// Kiosk check-in (portal-api.md §4, "Kiosk"): a lobby kiosk signs in as a
// device (client_credentials) and a patient finds today's visits with
// POST Appointment/$kiosk-lookup.
//
// - Only a device token may look up; the answer is a Parameters with one
//   `appointment` per visit in the window, each with its own check-in token
//   (auth.mjs; what it may do is in access.mjs). No match is an empty
//   Parameters: the same status and shape, so a lookup never says which
//   detail was wrong.
// - Names are compared folded: case, accents and the letters NFD does not
//   split (ł, ø, ß, æ, đ, ı) aside.
// - A kiosk whose lookups found nothing 6 times in a row is throttled
//   (429) until 10 minutes after its last miss; a hit clears the count.

import { checkOperation } from './access.mjs';
import { badRequest, fold } from './util.mjs';
import { EXT, extOf, parametersOf, partOf, present } from './visits.mjs';

const MINUTE = 60000;
/** Visits a lookup finds: starting from this long ago ... */
export const WINDOW_BEFORE = 60 * MINUTE;
/** ... up to this long ahead. */
export const WINDOW_AHEAD = 12 * 60 * MINUTE;
/** Statuses a lookup finds: arrived too, so that a second lookup finds a visit already checked in. */
const FOUND_STATUSES = new Set(['booked', 'arrived']);
const MIN_PREFIX = 2;

/** Does `family` (folded) name the family of HumanName `n`: all of it, or one of its words? */
function familyMatches(family, n) {
  const whole = fold(n.family);
  return whole !== '' && (family === whole || whole.split(' ').includes(family));
}

/** Does `given` (folded) equal one of the given names of `n`, or begin one (2 letters or more)? */
function givenMatches(given, n) {
  const names = (n.given ?? []).map(fold).filter(Boolean);
  const candidates = [...names, names.join(' ')];
  return candidates.some((g) => g === given || ([...given].length >= MIN_PREFIX && g.startsWith(given)));
}

/** Is `s` a real calendar date written YYYY-MM-DD? */
function isDate(s) {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    return false;
  }
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * The lookup's parameters, folded: {family, birthDate, given?, location}
 * (location "Location/<id>", by default the kiosk's own), or 400 in one
 * sentence.
 */
function lookupQuery(ctx, params) {
  const family = partOf(params, 'family')?.valueString;
  if (typeof family !== 'string' || fold(family) === '') {
    badRequest('Please give the family name (parameter family, valueString).');
  }
  const born = partOf(params, 'birthDate');
  const birthDate = born?.valueDate ?? born?.valueString;
  if (!isDate(birthDate)) {
    badRequest('Please give the date of birth as YYYY-MM-DD (parameter birthDate).');
  }
  const given = partOf(params, 'given');
  if (given && typeof given.valueString !== 'string') {
    badRequest('The given name (parameter given) must be a valueString.');
  }
  const location = partOf(params, 'location');
  const where = location ? location.valueReference?.reference : ctx.location;
  if (!/^Location\/[^/]+$/.test(String(where ?? ''))) {
    badRequest('The location must be a reference to a Location (Location/<id>).');
  }
  return { family: fold(family), birthDate, given: fold(given?.valueString) || undefined, location: where };
}

/** The patients ("Patient/x") whose name and birth date match the query. */
function matchingPatients(repo, q) {
  return repo.peekAll('Patient')
    .filter((p) => p.birthDate === q.birthDate)
    .filter((p) => (p.name ?? []).some((n) => familyMatches(q.family, n) && (q.given === undefined || givenMatches(q.given, n))))
    .map((p) => `Patient/${p.id}`);
}

/** Their visits at `location` starting within the window around `now`, soonest first. */
function visitsInWindow(repo, patients, location, now) {
  const from = now.getTime() - WINDOW_BEFORE;
  const to = now.getTime() + WINDOW_AHEAD;
  const names = (appt, ref) => (appt.participant ?? []).some((p) => p.actor?.reference === ref);
  return repo.peekAll('Appointment')
    .filter((a) => FOUND_STATUSES.has(a.status) && names(a, location) && patients.some((p) => names(a, p)))
    .filter((a) => Date.parse(a.start) >= from && Date.parse(a.start) <= to)
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id));
}

/** One `appointment` parameter: the visit as the patient API answers it, and its check-in token. */
function visitParameter(fhir, ctx, appt, now) {
  const patient = (appt.participant ?? []).map((p) => p.actor?.reference ?? '').find((r) => r.startsWith('Patient/'));
  const copay = extOf(appt, EXT.copayInvoice)?.valueReference?.reference;
  const invoice = copay?.startsWith('Invoice/') ? copay : undefined;
  const { token, expiresIn } = fhir.auth.issueCheckinToken(ctx, { patient, appointment: `Appointment/${appt.id}`, invoice });
  return {
    name: 'appointment',
    part: [
      { name: 'appointment', resource: present(fhir.repo, appt, now) },
      { name: 'checkin-token', valueString: token },
      { name: 'expires-in', valueInteger: expiresIn },
      ...(invoice ? [{ name: 'copay-invoice', valueReference: { reference: invoice } }] : []),
    ],
  };
}

/** POST Appointment/$kiosk-lookup: today's visits of the person at the kiosk, or nothing. */
function kioskLookup(fhir, ctx, params, now) {
  fhir.auth.checkKioskThrottle(ctx.clientId);
  const q = lookupQuery(ctx, params);
  const visits = visitsInWindow(fhir.repo, matchingPatients(fhir.repo, q), q.location, now);
  fhir.auth.noteKioskLookup(ctx.clientId, visits.length > 0);
  const body = { resourceType: 'Parameters' };
  if (visits.length) {
    body.parameter = visits.map((appt) => visitParameter(fhir, ctx, appt, now));
  }
  return { status: 200, body, headers: { 'Cache-Control': 'no-store' } };
}

/** Registers $kiosk-lookup with the FHIR service. */
export function registerKioskOperations(fhir) {
  fhir.addOperation('POST', /^Appointment\/\$kiosk-lookup$/, async (ctx, r) => {
    checkOperation(ctx, '$kiosk-lookup');
    return kioskLookup(fhir, ctx, parametersOf(r.body), new Date());
  });
}
