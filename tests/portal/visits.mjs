// Portal rules for visits (portal-api.md §4, "Appointments"): what the
// server computes on every Appointment it answers, and what it refuses.
//
// - Computed on output (present()), never stored: urn:chartty:checkin-open,
//   cancel-allowed, join-url, copay, questionnaire and queue-position, so
//   they are right at any hour the portal has been running. A client that
//   sends them back has them dropped (stripComputed()).
// - Booking: POST Appointment for a free Slot (409 when it was taken
//   meanwhile); the slot turns busy and a copay Invoice is made.
// - Cancel: PUT with status cancelled and a cancelationReason; refused
//   within 24 hours of the visit; the slot is free again. A waitlist place
//   (On My Way) can always be left.
// - eCheck-in: POST Appointment/<id>/$check-in once every step is done
//   (checked-in with a patient's token, arrived with a kiosk's check-in
//   token; the kiosk's lookup is in kiosk.mjs).
// - On My Way: POST Appointment/$on-my-way.
// - The copay is paid with Invoice/<id>/$pay (billing.mjs).

import { checkOperation, checkRead, checkWrite } from './access.mjs';
import { badRequest, fail, fold, notFound } from './util.mjs';

export const VISIT_TYPE_SYSTEM = 'urn:chartty:visit-type';
export const QUESTIONNAIRE_PREVISIT = 'urn:chartty:questionnaire:previsit';
export const EXT = {
  checkinOpen: 'urn:chartty:checkin-open',
  cancelAllowed: 'urn:chartty:cancel-allowed',
  joinUrl: 'urn:chartty:join-url',
  copay: 'urn:chartty:copay',
  copayInvoice: 'urn:chartty:copay-invoice',
  questionnaire: 'urn:chartty:questionnaire',
  queuePosition: 'urn:chartty:queue-position',
  waitMinutes: 'urn:chartty:wait-minutes',
  queueLength: 'urn:chartty:queue-length',
  appointment: 'urn:chartty:appointment',
  typedSignature: 'urn:chartty:typed-signature',
  balanceDue: 'urn:chartty:balance-due',
  cardLast4: 'urn:chartty:card-last4',
  idempotencyKey: 'urn:chartty:idempotency-key',
};
/** Extensions the server works out on every answer; never stored. */
const COMPUTED = new Set([EXT.checkinOpen, EXT.cancelAllowed, EXT.joinUrl, EXT.copay, EXT.questionnaire, EXT.queuePosition]);

/**
 * Visit types: display, copay in USD, and whether the pre-visit
 * questions come with it. A video visit has a join link.
 */
export const VISIT_TYPES = {
  'office-visit': { display: 'Office visit', copay: 25, questions: true },
  'follow-up': { display: 'Follow-up visit', copay: 25, questions: true },
  'annual-physical': { display: 'Annual physical', copay: 0, questions: true },
  'video-visit': { display: 'Video visit', copay: 15, questions: false },
  'cardiology-consult': { display: 'Cardiology consult', copay: 40, questions: true },
  'well-child': { display: 'Well-child visit', copay: 0, questions: true },
  'lab-work': { display: 'Lab work', copay: 0, questions: false },
};
export const visitType = (code) => ({
  coding: [{ system: VISIT_TYPE_SYSTEM, code, display: VISIT_TYPES[code].display }], text: VISIT_TYPES[code].display,
});

const HOUR = 3600000;
const DAY = 24 * HOUR;
export const CHECKIN_OPENS_DAYS = 7;
export const CANCEL_CUTOFF_HOURS = 24;
const CLINIC_PHONE = '555-0100';
const MAX_REASON = 500;
const LIVE = new Set(['booked', 'pending', 'arrived', 'checked-in', 'waitlist']);

/** The visit type code of an appointment, or undefined. */
export function visitTypeOf(appt) {
  for (const st of appt?.serviceType ?? []) {
    const c = (st.coding ?? []).find((x) => x.system === VISIT_TYPE_SYSTEM && VISIT_TYPES[x.code]);
    if (c) {
      return c.code;
    }
  }
  return undefined;
}

/**
 * The kind of visit of the Schedule that a booking names, as the Schedule
 * has it: the entry of schedule.serviceType that shares a coding (system
 * and code) with the booking's first serviceType, or, where either has no
 * coding, the same text. Servers code visit types in their own systems,
 * or not at all (text only).
 */
export function offeredType(schedule, appt) {
  const asked = appt?.serviceType?.[0];
  const codes = (cc) => (cc?.coding ?? []).filter((c) => c?.code).map((c) => `${c.system ?? ''}|${c.code}`);
  const text = (cc) => String(cc?.text ?? '').trim().toLowerCase();
  if (!asked || typeof asked !== 'object') {
    return undefined;
  }
  return (schedule?.serviceType ?? []).find((st) => {
    const mine = codes(st);
    const theirs = codes(asked);
    if (mine.length && theirs.length) {
      return theirs.some((c) => mine.includes(c));
    }
    return text(st) !== '' && text(st) === text(asked);
  });
}

export const extOf = (r, url) => (r?.extension ?? []).find((e) => e.url === url);
export const withoutExt = (r, urls) => (r.extension ?? []).filter((e) => !urls.has(e.url));
const refOf = (appt, type) => (appt.participant ?? []).map((p) => p.actor?.reference ?? '').find((x) => x.startsWith(`${type}/`));
export const partOf = (params, name) => (params?.parameter ?? []).find((p) => p.name === name);

/** A copy of `r` without the extensions the server computes. */
export function stripComputed(r) {
  if (r?.resourceType !== 'Appointment' || !r.extension) {
    return r;
  }
  const extension = withoutExt(r, COMPUTED);
  const { extension: _e, ...rest } = r;
  return extension.length ? { ...rest, extension } : rest;
}

/** Waitlist places at `location` that are still waiting, oldest first. */
function queueAt(repo, location) {
  return repo.peekAll('Appointment')
    .filter((a) => a.status === 'waitlist' && refOf(a, 'Location') === location)
    .sort((a, b) => String(a.created).localeCompare(String(b.created)) || a.id.localeCompare(b.id));
}

/** People already waiting at an urgent-care location before the portal's own. */
const queueBase = (loc) => extOf(loc, EXT.queueLength)?.valueInteger ?? 0;
const MINUTES_EACH = 10;

/** What the server adds to a resource it answers (a new object). */
export function present(repo, r, now = new Date()) {
  if (r?.resourceType === 'Appointment') {
    return presentAppointment(repo, r, now);
  }
  if (r?.resourceType === 'Location' && extOf(r, EXT.waitMinutes)) {
    const waiting = queueAt(repo, `Location/${r.id}`).length;
    const base = extOf(r, EXT.waitMinutes).valueInteger;
    const extension = [...withoutExt(r, new Set([EXT.waitMinutes])), { url: EXT.waitMinutes, valueInteger: base + waiting * MINUTES_EACH }];
    return { ...r, extension };
  }
  return r;
}

function presentAppointment(repo, appt, now) {
  const extension = withoutExt(appt, COMPUTED);
  const start = Date.parse(appt.start ?? '');
  const type = visitTypeOf(appt);
  const booked = appt.status === 'booked';
  const ahead = start - now.getTime();
  if (appt.status === 'waitlist') {
    const loc = refOf(appt, 'Location');
    const queue = queueAt(repo, loc);
    const [, id] = String(loc).split('/');
    const place = queue.findIndex((a) => a.id === appt.id) + 1 + queueBase(repo.peek('Location', id));
    extension.push({ url: EXT.queuePosition, valueInteger: place });
    extension.push({ url: EXT.cancelAllowed, valueBoolean: true });
  } else if (Number.isFinite(start)) {
    extension.push({ url: EXT.checkinOpen, valueBoolean: booked && ahead <= CHECKIN_OPENS_DAYS * DAY && ahead > -HOUR });
    extension.push({ url: EXT.cancelAllowed, valueBoolean: booked && ahead >= CANCEL_CUTOFF_HOURS * HOUR });
  }
  if (type === 'video-visit' && LIVE.has(appt.status)) {
    extension.push({ url: EXT.joinUrl, valueUrl: `https://video.example.org/join/${appt.id}` });
  }
  if (type && VISIT_TYPES[type].copay > 0 && LIVE.has(appt.status)) {
    extension.push({ url: EXT.copay, valueMoney: { value: VISIT_TYPES[type].copay, currency: 'USD' } });
  }
  if (type && VISIT_TYPES[type].questions) {
    extension.push({ url: EXT.questionnaire, valueCanonical: QUESTIONNAIRE_PREVISIT });
  }
  return { ...appt, extension };
}

/* ------------------------------------------------------------------ */
/* Booking (POST Appointment)                                           */
/* ------------------------------------------------------------------ */

function reasonText(appt, what = 'Please say briefly why you are coming.') {
  const text = appt.reasonCode?.[0]?.text;
  if (typeof text !== 'string' || text.trim() === '') {
    badRequest(what);
  }
  if (text.length > MAX_REASON) {
    badRequest(`The reason can be at most ${MAX_REASON} characters.`);
  }
  return text;
}

/**
 * Throws unless `appt` books a free slot: 400 for a malformed booking,
 * 409 when the slot is taken (or taken by an earlier entry of the same
 * transaction). Fills in what the server decides: start, end, the
 * clinic, created.
 */
function checkBooking(ctx, repo, appt, pending, now) {
  if (appt.status !== 'booked') {
    badRequest('A new appointment must have status "booked".');
  }
  const slots = appt.slot ?? [];
  const [slotType, slotId] = String(slots[0]?.reference ?? '').split('/');
  const slot = slotType === 'Slot' && slots.length === 1 ? repo.peek('Slot', slotId) : undefined;
  if (!slot) {
    badRequest('A booking must name exactly one free time (slot: [{reference: "Slot/<id>"}]).');
  }
  if (Date.parse(slot.start) <= now.getTime()) {
    fail(409, 'conflict', 'That time has already passed. Please choose another time.');
  }
  const taken = slot.status !== 'free' || pending.some((p) => p.resourceType === 'Appointment' && p.slot?.[0]?.reference === `Slot/${slotId}`);
  if (taken) {
    fail(409, 'conflict', 'Someone else just booked that time. Please choose another time.');
  }
  const [, schedId] = String(slot.schedule?.reference ?? '').split('/');
  const schedule = repo.peek('Schedule', schedId);
  const clinician = schedule?.actor?.find((a) => a.reference?.startsWith('Practitioner/'));
  const patient = refOf(appt, 'Patient');
  if (!patient) {
    badRequest('A booking must name the patient among its participants.');
  }
  const named = refOf(appt, 'Practitioner');
  if (named && named !== clinician?.reference) {
    badRequest('The clinician of a booking must be the one whose time it is.');
  }
  const offered = offeredType(schedule, appt);
  if (!offered) {
    badRequest(`${clinician?.display ?? 'This clinician'} does not offer that kind of visit.`);
  }
  reasonText(appt);
  const location = schedule.actor.find((a) => a.reference?.startsWith('Location/'));
  Object.assign(appt, {
    start: slot.start, end: slot.end, minutesDuration: Math.round((Date.parse(slot.end) - Date.parse(slot.start)) / 60000),
    created: now.toISOString(), serviceType: [structuredClone(offered)],
    participant: [
      { actor: { reference: patient }, status: 'accepted' },
      { actor: clinician, status: 'accepted' },
      ...(location ? [{ actor: location, status: 'accepted' }] : []),
    ],
  });
  delete appt.extension;
}

/** After a booking: the slot is busy, and the copay has its Invoice. */
async function afterBooking(repo, appt) {
  const [, slotId] = String(appt.slot?.[0]?.reference ?? '').split('/');
  const slot = repo.peek('Slot', slotId);
  if (!slot || slot.status !== 'free') {
    // Taken between the check and the write: the journal undoes this booking.
    fail(409, 'conflict', 'Someone else just booked that time. Please choose another time.');
  }
  await repo.updateResource({ ...slot, status: 'busy' });
  const copay = VISIT_TYPES[visitTypeOf(appt)]?.copay ?? 0;
  if (copay > 0) {
    const pid = refOf(appt, 'Patient').split('/')[1];
    const account = repo.peek('Account', `acct-${pid}`) ? `Account/acct-${pid}` : undefined;
    const invoice = await repo.createResource(copayInvoice(appt, copay, undefined, account));
    await repo.updateResource({ ...appt, extension: [{ url: EXT.copayInvoice, valueReference: { reference: `Invoice/${invoice.id}` } }] });
  }
}

/**
 * The Invoice of a visit's copay (points back with urn:chartty:appointment),
 * on the patient's guarantor account when there is one.
 */
export function copayInvoice(appt, copay, id, account) {
  const patient = refOf(appt, 'Patient');
  const money = (value) => ({ value, currency: 'USD' });
  return {
    resourceType: 'Invoice', ...(id ? { id } : {}), status: 'issued', date: appt.created ?? new Date().toISOString(),
    type: { text: `Copay for ${appt.serviceType?.[0]?.text ?? 'a visit'}` }, subject: { reference: patient }, recipient: { reference: patient },
    ...(account ? { account: { reference: account } } : {}),
    issuer: { reference: 'Organization/org-main-street', display: 'Main Street Clinic' },
    lineItem: [{
      sequence: 1, chargeItemCodeableConcept: { text: `Copay: ${appt.serviceType?.[0]?.text ?? 'visit'}` },
      priceComponent: [{ type: 'base', amount: money(copay) }],
    }],
    totalGross: money(copay), totalNet: money(copay),
    extension: [
      { url: EXT.balanceDue, valueMoney: money(copay) },
      { url: EXT.appointment, valueReference: { reference: `Appointment/${appt.id}` } },
    ],
  };
}

/* ------------------------------------------------------------------ */
/* Cancelling (PUT Appointment)                                         */
/* ------------------------------------------------------------------ */

/** JSON of an appointment without what may change when it is cancelled. */
function fixedPart(appt) {
  const { meta: _m, status: _s, cancelationReason: _c, text: _t, ...rest } = stripComputed(appt);
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/**
 * The only change a patient makes to an appointment is cancelling it (or
 * leaving a waitlist). Within 24 hours of a visit, 400 with the clinic's
 * words; everything else about it must stay as it was.
 */
function checkCancel(ctx, repo, before, after, now) {
  if (after.status !== 'cancelled') {
    badRequest(before.status === after.status
      ? 'An appointment cannot be changed online; cancel it or reschedule it instead.'
      : 'You can only cancel an appointment here; check in with eCheck-in.');
  }
  if (fixedPart(before) !== fixedPart(after)) {
    badRequest('Only the status and the reason can change when you cancel an appointment.');
  }
  if (before.status === 'cancelled') {
    badRequest('This appointment is already cancelled.');
  }
  if (before.status === 'waitlist') {
    return;
  }
  if (before.status !== 'booked') {
    badRequest('This visit can no longer be cancelled online. Please call the clinic at ' + `${CLINIC_PHONE}.`);
  }
  if (Date.parse(before.start) - now.getTime() < CANCEL_CUTOFF_HOURS * HOUR) {
    badRequest(`Visits within ${CANCEL_CUTOFF_HOURS} hours cannot be cancelled online. Please call the clinic at ${CLINIC_PHONE}.`);
  }
  const reason = after.cancelationReason?.text ?? after.cancelationReason?.coding?.[0]?.display;
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON) {
    badRequest(`Please give a reason for cancelling (at most ${MAX_REASON} characters).`);
  }
}

/** After a cancellation: the slot is free again, and an unpaid copay is void. */
async function afterCancel(repo, appt) {
  if (appt.status !== 'cancelled') {
    return;
  }
  const [, slotId] = String(appt.slot?.[0]?.reference ?? '').split('/');
  const slot = slotId && repo.peek('Slot', slotId);
  if (slot && slot.status !== 'free') {
    await repo.updateResource({ ...slot, status: 'free' });
  }
  const [, invId] = String(extOf(appt, EXT.copayInvoice)?.valueReference?.reference ?? '').split('/');
  const inv = invId && repo.peek('Invoice', invId);
  if (inv && inv.status === 'issued') {
    await repo.updateResource({ ...inv, status: 'cancelled', extension: [...withoutExt(inv, new Set([EXT.balanceDue])), { url: EXT.balanceDue, valueMoney: { value: 0, currency: 'USD' } }] });
  }
}

/* ------------------------------------------------------------------ */
/* eCheck-in: QuestionnaireResponse, Consent, $check-in                 */
/* ------------------------------------------------------------------ */

/** The appointment a check-in record names (urn:chartty:appointment), readable by ctx. */
function appointmentNamed(ctx, repo, r, what) {
  const [type, id] = String(extOf(r, EXT.appointment)?.valueReference?.reference ?? '').split('/');
  const appt = type === 'Appointment' ? repo.peek(type, id) : undefined;
  if (!appt) {
    badRequest(`${what} must name its visit in extension ${EXT.appointment} (Appointment/<id>).`);
  }
  checkRead(ctx, appt, repo);
  return appt;
}

/** Items of a questionnaire, flattened through groups. */
function itemsOf(items, out = []) {
  for (const item of items ?? []) {
    if (item.type === 'group') {
      itemsOf(item.item, out);
    } else if (item.type !== 'display') {
      out.push(item);
    }
  }
  return out;
}

const ANSWER_KEY = {
  string: 'valueString', text: 'valueString', integer: 'valueInteger', decimal: 'valueDecimal', boolean: 'valueBoolean',
  date: 'valueDate', dateTime: 'valueDateTime', choice: 'valueCoding', 'open-choice': 'valueCoding',
};

function checkAnswer(q, a) {
  const key = ANSWER_KEY[q.type];
  const given = Object.keys(a).find((k) => k.startsWith('value'));
  const wrong = () => badRequest(`The answer to "${q.text}" is not the right kind.`);
  if (q.type === 'open-choice' && given === 'valueString') {
    return;
  }
  if (given !== key) {
    wrong();
  }
  const v = a[key];
  if (key === 'valueInteger') {
    const min = extOf(q, 'http://hl7.org/fhir/StructureDefinition/minValue')?.valueInteger;
    const max = extOf(q, 'http://hl7.org/fhir/StructureDefinition/maxValue')?.valueInteger;
    if (!Number.isInteger(v) || (min !== undefined && v < min) || (max !== undefined && v > max)) {
      badRequest(`The answer to "${q.text}" must be a whole number${min !== undefined ? ` from ${min} to ${max}` : ''}.`);
    }
  } else if (key === 'valueString' && (typeof v !== 'string' || v.trim() === '' || v.length > 2000)) {
    badRequest(`The answer to "${q.text}" must be text of at most 2,000 characters.`);
  } else if (key === 'valueBoolean' && typeof v !== 'boolean') {
    wrong();
  } else if (key === 'valueDate' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    badRequest(`The answer to "${q.text}" must be a date (YYYY-MM-DD).`);
  } else if (key === 'valueCoding' && !(q.answerOption ?? []).some((o) => o.valueCoding?.code === v?.code && o.valueCoding?.system === v?.system)) {
    badRequest(`"${v?.display ?? v?.code}" is not one of the choices for "${q.text}".`);
  }
}

/** Throws 400 unless `qr` answers its Questionnaire: kinds, choices, required items. */
function checkResponse(ctx, repo, qr) {
  appointmentNamed(ctx, repo, qr, 'A questionnaire response');
  const form = repo.peekAll('Questionnaire').find((q) => q.url === qr.questionnaire);
  if (!form) {
    badRequest('A questionnaire response must name a questionnaire of the portal (questionnaire: its url).');
  }
  if (!['completed', 'in-progress'].includes(qr.status)) {
    badRequest('A questionnaire response must be "completed" (or "in-progress" to keep answers for later).');
  }
  const items = itemsOf(form.item);
  const answered = new Map(itemsOf(qr.item).map((i) => [i.linkId, i]));
  for (const linkId of answered.keys()) {
    if (!items.some((q) => q.linkId === linkId)) {
      badRequest(`The questionnaire has no question "${linkId}".`);
    }
  }
  for (const q of items) {
    const answers = answered.get(q.linkId)?.answer ?? [];
    if (answers.length > 1 && !q.repeats) {
      badRequest(`"${q.text}" takes one answer.`);
    }
    answers.forEach((a) => checkAnswer(q, a));
    if (q.required && answers.length === 0 && qr.status === 'completed') {
      badRequest(`Please answer "${q.text}".`);
    }
  }
}

/** A response kept for later may be finished or changed; a finished one stays as sent. */
function checkResponseUpdate(ctx, repo, before, after) {
  if (before.status === 'completed') {
    badRequest('These answers were already sent. To change them, tell your care team at the visit.');
  }
  if (after.questionnaire !== before.questionnaire || extOf(after, EXT.appointment)?.valueReference?.reference !== extOf(before, EXT.appointment)?.valueReference?.reference) {
    badRequest('The questionnaire and the visit of a response cannot change.');
  }
  checkResponse(ctx, repo, after);
}

/** A typed name as compared: case, accents and spacing aside (a kiosk may have no key for ë). */
const words = (s) => fold(s);

/** Throws 400 unless `consent` carries the typed full name of the patient (or of whoever signs in for them). */
function checkConsent(ctx, repo, consent) {
  appointmentNamed(ctx, repo, consent, 'A consent');
  const signature = extOf(consent, EXT.typedSignature)?.valueString;
  const [, pid] = String(consent.patient?.reference ?? '').split('/');
  const patient = repo.peek('Patient', pid);
  const [ptype, pfid] = String(ctx.profile ?? '').split('/');
  const signer = repo.peek(ptype, pfid);
  const names = [patient, signer].filter(Boolean).flatMap((p) => (p.name ?? []).map((n) => n.text ?? [...(n.given ?? []), n.family].join(' ')));
  if (!signature || !names.some((n) => words(n) === words(signature))) {
    badRequest(`Please sign by typing the full name on the record (${names[0] ?? 'the patient'}).`);
  }
  if (consent.status !== 'active') {
    badRequest('A signed consent has status "active".');
  }
  consent.dateTime = new Date().toISOString();
}

/** What is still missing before `appt` can be checked in, as a sentence, or undefined. */
function missingStep(repo, appt, params) {
  const ref = `Appointment/${appt.id}`;
  const names = (r) => extOf(r, EXT.appointment)?.valueReference?.reference === ref;
  const confirmed = (name) => partOf(params, name)?.valueBoolean === true;
  const patient = refOf(appt, 'Patient');
  if (!confirmed('confirmed-contact')) {
    return 'Please confirm your address, phone and email first.';
  }
  const covered = repo.peekAll('Coverage').some((c) => c.status === 'active' && c.beneficiary?.reference === patient);
  if (covered && !confirmed('confirmed-coverage')) {
    return 'Please confirm your insurance first.';
  }
  const type = visitTypeOf(appt);
  if (type && VISIT_TYPES[type].questions
    && !repo.peekAll('QuestionnaireResponse').some((qr) => names(qr) && qr.status === 'completed' && qr.questionnaire === QUESTIONNAIRE_PREVISIT)) {
    return 'Please answer the pre-visit questions first.';
  }
  if (!repo.peekAll('Consent').some((c) => names(c) && c.status === 'active')) {
    return 'Please sign the consent form first.';
  }
  const [, invId] = String(extOf(appt, EXT.copayInvoice)?.valueReference?.reference ?? '').split('/');
  const inv = invId && repo.peek('Invoice', invId);
  if (inv && (extOf(inv, EXT.balanceDue)?.valueMoney?.value ?? 0) > 0) {
    return 'Please pay the copay first.';
  }
  return undefined;
}

/**
 * POST Appointment/<id>/$check-in: checked-in from home (a patient's
 * token), arrived on site (a kiosk's check-in token).
 */
async function checkIn(ctx, repo, id, params, now) {
  const appt = repo.peek('Appointment', id);
  if (!appt) {
    notFound('That appointment was not found.');
  }
  checkRead(ctx, appt, repo);
  checkWrite(ctx, 'PUT', appt, repo, { via: '$check-in' });
  const done = ctx.kind === 'checkin' ? 'arrived' : 'checked-in';
  if (appt.status === done || appt.status === 'arrived') {
    return appt; // already checked in: the same answer again
  }
  if (appt.status !== 'booked') {
    badRequest('Only a booked visit can be checked in.');
  }
  const ahead = Date.parse(appt.start) - now.getTime();
  if (ahead > CHECKIN_OPENS_DAYS * DAY) {
    badRequest(`eCheck-in opens ${CHECKIN_OPENS_DAYS} days before the visit.`);
  }
  if (ahead < -HOUR) {
    badRequest('This visit has passed; it can no longer be checked in.');
  }
  const missing = missingStep(repo, appt, params);
  if (missing) {
    badRequest(missing);
  }
  return repo.atomically(() => repo.updateResource({ ...appt, status: done }));
}

/* ------------------------------------------------------------------ */
/* On My Way (POST Appointment/$on-my-way)                              */
/* ------------------------------------------------------------------ */

async function onMyWay(ctx, repo, params, now) {
  const [ltype, lid] = String(partOf(params, 'location')?.valueReference?.reference ?? '').split('/');
  const loc = ltype === 'Location' ? repo.peek('Location', lid) : undefined;
  if (!loc || !(loc.type ?? []).some((t) => (t.coding ?? []).some((c) => c.code === 'urgent-care'))) {
    badRequest('Choose one of the urgent-care locations (Location?type=urgent-care).');
  }
  const patient = partOf(params, 'patient')?.valueReference?.reference ?? '';
  if (!/^Patient\/[^/]+$/.test(patient)) {
    badRequest('Name the patient (parameter patient, Patient/<id>).');
  }
  const reason = partOf(params, 'reason')?.valueString;
  const appt = {
    resourceType: 'Appointment', status: 'waitlist', created: now.toISOString(),
    serviceType: [{ text: 'Urgent care' }], reasonCode: [{ text: reason }],
    participant: [{ actor: { reference: patient }, status: 'accepted' }, { actor: { reference: `Location/${lid}`, display: loc.name }, status: 'accepted' }],
  };
  checkWrite(ctx, 'POST', appt, repo);
  reasonText(appt, 'Please say briefly what brings you in.');
  const already = repo.peekAll('Appointment').find((a) => a.status === 'waitlist' && refOf(a, 'Patient') === patient);
  if (already) {
    const where = (already.participant ?? []).find((p) => p.actor?.reference?.startsWith('Location/'))?.actor?.display;
    fail(409, 'conflict', `You are already in line${where ? ` at ${where}` : ''}. Leave that line first to join another.`);
  }
  return repo.atomically(() => repo.createResource(appt));
}

/* ------------------------------------------------------------------ */
/* Wiring                                                               */
/* ------------------------------------------------------------------ */

export function parametersOf(body) {
  if (body?.resourceType !== 'Parameters') {
    badRequest('This operation takes a Parameters resource.');
  }
  return body;
}

/** Registers $check-in and $on-my-way with the FHIR service. */
export function registerVisitOperations(fhir) {
  const repo = fhir.repo;
  fhir.addOperation('POST', /^Appointment\/([^/]+)\/\$check-in$/, async (ctx, r, m) => {
    checkOperation(ctx, '$check-in', `Appointment/${m[1]}`);
    const before = repo.peek('Appointment', m[1]);
    const appt = await checkIn(ctx, repo, m[1], r.body ?? { resourceType: 'Parameters' }, new Date());
    fhir.audit.change(ctx, 'update', appt, before); // none when it was checked in already
    return { status: 200, body: present(repo, appt), headers: fhir.resourceHeaders(appt) };
  });
  fhir.addOperation('POST', /^Appointment\/\$on-my-way$/, async (ctx, r) => {
    checkOperation(ctx, '$on-my-way');
    const appt = await onMyWay(ctx, repo, parametersOf(r.body), new Date());
    fhir.audit.change(ctx, 'create', appt);
    return { status: 201, body: present(repo, appt), headers: fhir.resourceHeaders(appt) };
  });
}

export const VISIT_CREATE_RULES = {
  Appointment: {
    check(ctx, repo, appt, pending = []) {
      checkBooking(ctx, repo, appt, pending, new Date());
    },
    after: afterBooking,
  },
  QuestionnaireResponse: {
    check(ctx, repo, qr) {
      checkResponse(ctx, repo, qr);
      qr.authored = new Date().toISOString();
    },
  },
  Consent: { check: (ctx, repo, c) => checkConsent(ctx, repo, c) },
};

export const VISIT_UPDATE_RULES = {
  Appointment: {
    check: (ctx, repo, before, after) => checkCancel(ctx, repo, before, after, new Date()),
    after: afterCancel,
  },
  QuestionnaireResponse: { check: checkResponseUpdate },
};
