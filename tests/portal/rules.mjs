// Portal rules (portal-api.md §4, "Medications and refills"): what the
// server computes and what it refuses on the patient's behalf.
//
// - Refill eligibility: the urn:chartty:refill-eligible extension of every
//   MedicationRequest, recomputed and stored whenever it could change.
// - Refill requests: POST Task with code task-code|fulfill.
// - Readings a patient enters: POST Observation of blood glucose, body
//   weight or blood pressure.
// - Moving a Task as the care team would (the /_test/task-status control).
// - Messages (portal-api.md §4, "Messages"): unread counts and the time of
//   each conversation kept on its header, replies and new conversations,
//   marking the care team's messages read, and the care team's replies
//   (the /_test/reply control).

import { checkRead } from './access.mjs';
import { badRequest, fail, forbidden, notFound } from './util.mjs';
import { BILLING_UPDATE_RULES } from './billing.mjs';
import { VISIT_CREATE_RULES, VISIT_UPDATE_RULES } from './visits.mjs';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const OBS_CAT = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const TASK_CODE_SYSTEM = 'http://hl7.org/fhir/CodeSystem/task-code';
export const REFILL_ELIGIBLE = 'urn:chartty:refill-eligible';
/** The coding that marks an Organization as a pharmacy (Organization?type=pharmacy). */
export const PHARMACY_TYPE = { system: 'urn:chartty:organization-type', code: 'pharmacy', display: 'Pharmacy' };

/** FHIR R4 task-status codes. */
export const TASK_STATUSES = [
  'draft', 'requested', 'received', 'accepted', 'rejected', 'ready', 'cancelled', 'in-progress', 'on-hold',
  'failed', 'completed', 'entered-in-error',
];
/** A refill request in any of these is still open (waiting on the care team); the others are final. */
export const OPEN_TASK_STATUSES = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);

const MAX_NOTE = 2000;
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/* ------------------------------------------------------------------ */
/* Refill eligibility                                                   */
/* ------------------------------------------------------------------ */

/** Is `task` a refill request (code task-code|fulfill)? */
export function isRefillTask(task) {
  return (task?.code?.coding ?? []).some((c) => c.system === TASK_CODE_SYSTEM && c.code === 'fulfill');
}

/**
 * Refills left on a prescription. The portal keeps
 * dispenseRequest.numberOfRepeatsAllowed as the number still left:
 * completing a refill request counts it down (see moveTask).
 */
export function refillsLeft(med) {
  const n = med?.dispenseRequest?.numberOfRepeatsAllowed;
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** The open refill request for `med` among `tasks`, or undefined. */
export function openRefillTask(med, tasks) {
  const ref = `MedicationRequest/${med.id}`;
  return tasks.find((t) => isRefillTask(t) && OPEN_TASK_STATUSES.has(t.status) && t.focus?.reference === ref);
}

/** The rule: active, at least one refill left, and no refill request still open. */
export function refillEligible(med, tasks) {
  return med.status === 'active' && refillsLeft(med) > 0 && !openRefillTask(med, tasks);
}

/** A copy of `med` whose urn:chartty:refill-eligible extension says `eligible`. */
function withEligibility(med, eligible) {
  const others = (med.extension ?? []).filter((e) => e.url !== REFILL_ELIGIBLE);
  return { ...med, extension: [...others, { url: REFILL_ELIGIBLE, valueBoolean: eligible }] };
}

/** Sets the extension on the seed's MedicationRequests (before they are stored). */
export function seedEligibility(resources) {
  const tasks = resources.filter((r) => r.resourceType === 'Task');
  resources.forEach((r, i) => {
    if (r.resourceType === 'MedicationRequest') {
      resources[i] = withEligibility(r, refillEligible(r, tasks));
    }
  });
}

/**
 * Applies `change` to the stored MedicationRequest `ref` and recomputes its
 * eligibility; writes a new version through the repository (so ETags,
 * history and indexes follow) only when something changed.
 */
export async function updateMedication(repo, ref, change = (m) => m) {
  const [type, id] = String(ref ?? '').split('/');
  const med = type === 'MedicationRequest' ? repo.peek(type, id) : undefined;
  if (!med) {
    return undefined;
  }
  const changed = change(med);
  const next = withEligibility(changed, refillEligible(changed, repo.peekAll('Task')));
  if (JSON.stringify(next) === JSON.stringify(med)) {
    return med;
  }
  return repo.updateResource(next);
}

/* ------------------------------------------------------------------ */
/* Refill requests (POST Task)                                          */
/* ------------------------------------------------------------------ */

/** Is the stored Organization a pharmacy of the directory? */
export function isPharmacy(org) {
  return (org?.type ?? []).some((t) => (t.coding ?? []).some((c) => c.system === PHARMACY_TYPE.system && c.code === PHARMACY_TYPE.code));
}

/**
 * Throws 400 unless `task` is a well-formed refill request, then fills in
 * what the server decides (authoredOn, lastModified, requester, owner,
 * focus display). Access to the patient in `for` is checkWrite's (403).
 * @returns the MedicationRequest it names (stored, not cloned)
 */
function checkRefillRequest(ctx, repo, task, now) {
  if (!isRefillTask(task)) {
    badRequest(`The portal takes only refill requests: a Task with code ${TASK_CODE_SYSTEM}|fulfill.`);
  }
  if (task.status !== 'requested') {
    badRequest('A new refill request must have status "requested".');
  }
  if (task.intent !== 'order') {
    badRequest('A refill request must have intent "order".');
  }
  const patient = task.for?.reference;
  if (!/^Patient\/[^/]+$/.test(patient ?? '')) {
    badRequest('A refill request must name the patient in "for" (Patient/<id>).');
  }
  const [focusType, focusId] = String(task.focus?.reference ?? '').split('/');
  const med = focusType === 'MedicationRequest' ? repo.peek(focusType, focusId) : undefined;
  if (!med || med.subject?.reference !== patient) {
    badRequest('A refill request must name one of the patient\'s prescriptions in "focus" (MedicationRequest/<id>).');
  }
  if (task.requester && task.requester.reference !== ctx.profile) {
    badRequest(`The requester of a refill request must be the signed-in person (${ctx.profile}).`);
  }
  for (const input of task.input ?? []) {
    const [orgType, orgId] = String(input.valueReference?.reference ?? '').split('/');
    if (orgType !== 'Organization' || !isPharmacy(repo.peek(orgType, orgId))) {
      badRequest('The pharmacy of a refill request must be one of the directory\'s (Organization?type=pharmacy).');
    }
  }
  for (const note of task.note ?? []) {
    if (typeof note.text !== 'string' || note.text.length > MAX_NOTE) {
      badRequest(`A note to the care team must be text of at most ${MAX_NOTE.toLocaleString('en-US')} characters.`);
    }
  }
  const when = now.toISOString();
  task.authoredOn = when;
  task.lastModified = when;
  task.requester ??= { reference: ctx.profile };
  if (!task.focus.display && med.medicationCodeableConcept?.text) {
    task.focus.display = med.medicationCodeableConcept.text;
  }
  if (!task.owner && med.requester) {
    task.owner = med.requester;
  }
  return med;
}

/**
 * Throws 409 while a refill request for `med` is open, 422 when the
 * prescription cannot be refilled (not active, no refills left).
 * `pending` are refill Tasks accepted earlier in the same transaction.
 */
function checkRefillAllowed(repo, med, pending = []) {
  const tasks = [...repo.peekAll('Task'), ...pending];
  if (openRefillTask(med, tasks)) {
    fail(409, 'duplicate', 'A refill request for this medication is already waiting for your care team.');
  }
  if (!refillEligible(med, tasks)) {
    fail(422, 'business-rule', 'This medication cannot be refilled online. Please call your pharmacy or care team.');
  }
}

/* ------------------------------------------------------------------ */
/* Readings a patient enters (POST Observation)                         */
/* ------------------------------------------------------------------ */

/** UCUM code -> {unit shown, names accepted in Quantity.unit when code is absent}. */
const UNITS = {
  'mg/dL': { unit: 'mg/dL', names: ['mg/dl'] },
  kg: { unit: 'kg', names: ['kg', 'kgs', 'kilogram', 'kilograms'] },
  '[lb_av]': { unit: 'lb', names: ['lb', 'lbs', 'pound', 'pounds', '[lb_av]'] },
  'mm[Hg]': { unit: 'mmHg', names: ['mmhg', 'mm hg', 'mm[hg]'] },
};

/** What a patient may enter: LOINC code -> categories (first is the default), value rules. */
export const READINGS = {
  '2339-0': {
    what: 'Blood glucose', categories: ['laboratory', 'vital-signs'],
    value: { 'mg/dL': [20, 600] },
  },
  '29463-7': {
    what: 'Body weight', categories: ['vital-signs'],
    value: { kg: [2, 350], '[lb_av]': [4.4, 772] },
  },
  '85354-9': {
    what: 'Blood pressure', categories: ['vital-signs'],
    components: {
      '8480-6': { what: 'systolic pressure', units: { 'mm[Hg]': [60, 260] } },
      '8462-4': { what: 'diastolic pressure', units: { 'mm[Hg]': [30, 160] } },
    },
  },
};

const DATE_TIME = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$/;

/** The LOINC code of a CodeableConcept that is one of `allowed`, or undefined. */
function loincOf(concept, allowed) {
  return (concept?.coding ?? []).find((c) => c.system === LOINC && allowed.includes(c.code))?.code;
}

/** Range text for messages: "between 20 and 600 mg/dL". */
const rangeText = ([lo, hi], code) => `between ${lo} and ${hi} ${UNITS[code].unit}`;

/**
 * Checks one Quantity against `rules` ({ucumCode: [low, high]}) and
 * normalizes it to UCUM; `what` names it in messages.
 */
function checkQuantity(q, rules, what) {
  const codes = Object.keys(rules);
  const unitsText = codes.map((c) => UNITS[c].unit).join(' or ');
  if (!q || typeof q.value !== 'number' || !Number.isFinite(q.value) || q.comparator) {
    badRequest(`${what} needs a number with its unit (${unitsText}).`);
  }
  if (q.system && q.system !== UCUM) {
    badRequest(`${what} must use UCUM units (${unitsText}).`);
  }
  const code = q.code !== undefined
    ? codes.find((c) => c === q.code)
    : codes.find((c) => UNITS[c].names.includes(String(q.unit ?? '').trim().toLowerCase()));
  if (!code) {
    badRequest(`${what} must be in ${unitsText}, not "${q.code ?? q.unit ?? 'no unit'}".`);
  }
  const [lo, hi] = rules[code];
  if (q.value < lo || q.value > hi) {
    badRequest(`${what} ${q.value} ${UNITS[code].unit} is not plausible: it must be ${rangeText(rules[code], code)}.`);
  }
  q.system = UCUM;
  q.code = code;
  q.unit ??= UNITS[code].unit;
  return q.value;
}

/** Throws 400 unless `obs` is a reading the patient may enter; normalizes units and category. */
function checkReading(ctx, repo, obs, now) {
  const code = loincOf(obs.code, Object.keys(READINGS));
  if (!code) {
    badRequest('You can enter blood glucose (LOINC 2339-0), body weight (29463-7) or blood pressure (85354-9) readings only.');
  }
  const rule = READINGS[code];
  if (obs.status !== 'final') {
    badRequest('A reading you enter must have status "final".');
  }
  const patient = obs.subject?.reference;
  if (!/^Patient\/[^/]+$/.test(patient ?? '')) {
    badRequest('A reading must name the patient in "subject" (Patient/<id>).');
  }
  if (!(obs.performer ?? []).some((p) => p.reference === patient)) {
    badRequest(`A reading you enter must name the patient (${patient}) as performer.`);
  }
  checkWhen(obs, now);
  if (obs.category === undefined) {
    obs.category = [{ coding: [{ system: OBS_CAT, code: rule.categories[0] }] }];
  }
  const categories = (obs.category ?? []).map((c) => (c.coding ?? []).find((x) => x.system === OBS_CAT)?.code);
  if (categories.length === 0 || !categories.every((c) => rule.categories.includes(c))) {
    badRequest(`${rule.what} readings must have category ${rule.categories.join(' or ')}.`);
  }
  if (rule.value) {
    if (obs.component) {
      badRequest(`${rule.what} is one value (valueQuantity), without components.`);
    }
    const other = Object.keys(obs).find((k) => k.startsWith('value') && k !== 'valueQuantity');
    if (other) {
      badRequest(`${rule.what} is a valueQuantity, not ${other}.`);
    }
    checkQuantity(obs.valueQuantity, rule.value, rule.what);
  } else {
    checkComponents(obs, rule);
  }
}

/** effectiveDateTime: present, a FHIR dateTime, not in the future. */
function checkWhen(obs, now) {
  if (obs.effectivePeriod || obs.effectiveInstant || obs.effectiveTiming) {
    badRequest('Give the time of a reading as effectiveDateTime.');
  }
  const when = obs.effectiveDateTime;
  if (typeof when !== 'string' || !DATE_TIME.test(when)) {
    badRequest('A reading needs the date and time it was taken (effectiveDateTime, e.g. 2024-05-01T08:30:00Z).');
  }
  if (Date.parse(when) > now.getTime() + CLOCK_SKEW_MS) {
    badRequest('The time of the reading (effectiveDateTime) is in the future.');
  }
}

/** Blood pressure: exactly systolic and diastolic, in mm[Hg], systolic above diastolic. */
function checkComponents(obs, rule) {
  if (Object.keys(obs).some((k) => k.startsWith('value'))) {
    badRequest(`${rule.what} carries its values in component (systolic 8480-6, diastolic 8462-4), not in value[x].`);
  }
  const codes = Object.keys(rule.components);
  const values = {};
  for (const c of obs.component ?? []) {
    const code = loincOf(c.code, codes);
    if (!code || values[code] !== undefined) {
      badRequest(`${rule.what} has exactly two components: systolic (LOINC 8480-6) and diastolic (8462-4) pressure.`);
    }
    const part = rule.components[code];
    values[code] = checkQuantity(c.valueQuantity, part.units, `The ${part.what}`);
  }
  if (codes.some((c) => values[c] === undefined)) {
    badRequest(`${rule.what} has exactly two components: systolic (LOINC 8480-6) and diastolic (8462-4) pressure.`);
  }
  if (values['8480-6'] <= values['8462-4']) {
    badRequest(`The systolic pressure (${values['8480-6']}) must be higher than the diastolic (${values['8462-4']}).`);
  }
}

/* ------------------------------------------------------------------ */
/* Messages (Communication)                                             */
/* ------------------------------------------------------------------ */

/** Extension on a conversation header: messages from the care team not read yet (valueInteger). */
export const UNREAD = 'urn:chartty:unread';
/** Code system of conversation categories. */
export const MESSAGE_CATEGORY_SYSTEM = 'urn:chartty:message-category';
/** The categories a new conversation may have: code and display (the stored text). */
export const MESSAGE_CATEGORIES = [
  { code: 'medical-question', display: 'Medical question' },
  { code: 'billing', display: 'Billing' },
  { code: 'prescription', display: 'Prescription' },
  { code: 'appointment', display: 'Appointment' },
];
export const MAX_MESSAGE = 10000;
export const MAX_TOPIC = 200;

/** A dateTime with a time and a zone (what sent and received must be). */
const INSTANT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/;

/** The stored category for a code: coding and text. */
export function messageCategory(code) {
  const c = MESSAGE_CATEGORIES.find((x) => x.code === code);
  return { coding: [{ system: MESSAGE_CATEGORY_SYSTEM, code: c.code, display: c.display }], text: c.display };
}

/** Is `c` a conversation header (a Communication without partOf)? */
export const isHeader = (c) => !(c?.partOf?.length > 0);

/** Is `ref` the patient's side of a conversation (a Patient or a RelatedPerson)? */
const isPatientSide = (ref) => /^(Patient|RelatedPerson)\//.test(ref ?? '');

/** Is the message from the care team: a sender that is neither a Patient nor a RelatedPerson? */
export function fromCareTeam(msg) {
  const ref = msg?.sender?.reference;
  return typeof ref === 'string' && ref !== '' && !isPatientSide(ref);
}

/** Is the message from the care team and not read yet (no received)? */
const unread = (msg) => fromCareTeam(msg) && !msg.received;

/** The messages of the conversation `headerId` among `all` Communications. */
function messagesOf(headerId, all) {
  const ref = `Communication/${headerId}`;
  return all.filter((c) => (c.partOf ?? []).some((p) => p.reference === ref));
}

/**
 * A copy of `header` with what the server keeps on it: urn:chartty:unread
 * (the care team's messages without received) and sent (the latest
 * message's; the header's own while it has none).
 */
function withConversationState(header, messages) {
  let sent = header.sent;
  let latest = -Infinity;
  for (const m of messages) {
    const t = Date.parse(m.sent ?? '');
    if (Number.isFinite(t) && t > latest) {
      latest = t;
      sent = m.sent;
    }
  }
  const others = (header.extension ?? []).filter((e) => e.url !== UNREAD);
  const count = messages.filter(unread).length;
  return { ...header, ...(sent ? { sent } : {}), extension: [...others, { url: UNREAD, valueInteger: count }] };
}

/** Sets unread counts and times on the seed's conversation headers (before they are stored). */
export function seedConversations(resources) {
  const comms = resources.filter((r) => r.resourceType === 'Communication');
  resources.forEach((r, i) => {
    if (r.resourceType === 'Communication' && isHeader(r)) {
      resources[i] = withConversationState(r, messagesOf(r.id, comms));
    }
  });
}

/**
 * Recomputes the unread count and time of the conversation `ref`
 * ("Communication/<id>" of a header) and writes a new version through the
 * repository (new ETag, history, indexes) only when something changed.
 */
export async function updateConversation(repo, ref) {
  const [type, id] = String(ref ?? '').split('/');
  const header = type === 'Communication' ? repo.peek(type, id) : undefined;
  if (!header || !isHeader(header)) {
    return undefined;
  }
  const next = withConversationState(header, messagesOf(id, repo.peekAll('Communication')));
  if (JSON.stringify(next) === JSON.stringify(header)) {
    return header;
  }
  return repo.updateResource(next);
}

/** The conversation a message belongs to ("Communication/<id>"), or undefined. */
const conversationOf = (msg) => msg?.partOf?.[0]?.reference;

/**
 * The clinicians of the active CareTeams of patient `ref`: each member that
 * is a Practitioner ("Practitioner/x") or a PractitionerRole (then both
 * "PractitionerRole/r" and its practitioner), as a message may be sent to
 * either.
 */
export function careTeamOf(repo, ref) {
  const out = new Set();
  for (const team of repo.peekAll('CareTeam')) {
    if (team.status === 'active' && team.subject?.reference === ref) {
      for (const p of team.participant ?? []) {
        const m = p.member?.reference;
        if (m?.startsWith('Practitioner/')) {
          out.add(m);
        } else if (m?.startsWith('PractitionerRole/')) {
          out.add(m);
          const role = repo.peek('PractitionerRole', m.split('/')[1]);
          if (role?.practitioner?.reference?.startsWith('Practitioner/')) {
            out.add(role.practitioner.reference);
          }
        }
      }
    }
  }
  return out;
}

/** Throws 400 unless every recipient is a Practitioner of the patient's active care team. */
function checkRecipients(repo, c, patient) {
  const team = careTeamOf(repo, patient);
  const name = (ref) => repo.peek('Practitioner', ref.split('/')[1])?.name?.[0]?.text;
  const list = [...team].map((ref) => (name(ref) ? `${name(ref)} (${ref})` : ref)).join(', ') || 'no one';
  if (!Array.isArray(c.recipient) || c.recipient.length === 0) {
    badRequest(`Choose who the message is for: recipient must name a member of your care team (CareTeam?patient=${patient}&status=active: ${list}).`);
  }
  for (const r of c.recipient) {
    if (!team.has(r?.reference)) {
      badRequest(`${r?.reference ?? 'That recipient'} is not a member of your care team; you can write to ${list}.`);
    }
  }
}

/**
 * Throws 400 unless sender is the signed-in person (profile of /auth/me)
 * or the conversation's patient (whom the token acts for, as checkWrite
 * made sure). Accounts are Patients here: no RelatedPerson qualifies.
 */
function checkSender(ctx, c, patient) {
  const ref = c.sender?.reference;
  if (ref !== ctx.profile && ref !== patient) {
    badRequest(`The sender of a message must be you (${ctx.profile})${patient !== ctx.profile ? ` or ${patient}` : ''}.`);
  }
}

/** Validates a dateTime field (with time and zone, not in the future) and stores it in UTC. */
function checkInstant(c, field, what, now) {
  const v = c[field];
  if (typeof v !== 'string' || !INSTANT.test(v) || !Number.isFinite(Date.parse(v))) {
    badRequest(`${what} (${field}) must be a date and time with a time zone, e.g. 2024-05-01T08:30:00Z.`);
  }
  if (Date.parse(v) > now.getTime() + CLOCK_SKEW_MS) {
    badRequest(`${what} (${field}) is in the future.`);
  }
  c[field] = new Date(Date.parse(v)).toISOString();
}

/** status: absent (becomes completed) or completed. */
function checkStatus(c, what) {
  c.status ??= 'completed';
  if (c.status !== 'completed') {
    badRequest(`${what} has status "completed", not "${c.status}".`);
  }
}

/** The subject patient reference "Patient/<id>", or a 400. */
function subjectOf(c, what) {
  const patient = c.subject?.reference;
  if (!/^Patient\/[^/]+$/.test(patient ?? '')) {
    badRequest(`${what} must name the patient in "subject" (Patient/<id>).`);
  }
  return patient;
}

/** Finds the category of a new conversation by coding or text, or a 400. */
function categoryCode(header) {
  const names = MESSAGE_CATEGORIES.map((c) => `"${c.display}"`).join(', ');
  const help = `A new conversation needs one category: ${names} (as text, or as a coding of ${MESSAGE_CATEGORY_SYSTEM} with code ${MESSAGE_CATEGORIES.map((c) => c.code).join(', ')}).`;
  if (!Array.isArray(header.category) || header.category.length !== 1) {
    badRequest(help);
  }
  const cat = header.category[0];
  const codes = new Set();
  for (const coding of cat.coding ?? []) {
    const known = coding.system === MESSAGE_CATEGORY_SYSTEM && MESSAGE_CATEGORIES.find((c) => c.code === coding.code);
    if (!known) {
      badRequest(help);
    }
    codes.add(known.code);
  }
  if (typeof cat.text === 'string') {
    const t = cat.text.trim().toLowerCase();
    const known = MESSAGE_CATEGORIES.find((c) => c.display.toLowerCase() === t || c.code === t);
    if (!known) {
      badRequest(help);
    }
    codes.add(known.code);
  }
  if (codes.size !== 1) {
    badRequest(help);
  }
  return [...codes][0];
}

/**
 * A new conversation header (POST Communication without partOf, alone or
 * in a transaction): topic.text, one category, the patient as subject,
 * the sender, recipients from the care team. The server sets the
 * category's coding and text, status, sent (now unless given) and
 * urn:chartty:unread.
 */
function checkHeader(ctx, repo, header, now) {
  const patient = subjectOf(header, 'A conversation');
  const topic = header.topic?.text;
  if (typeof topic !== 'string' || topic.trim() === '') {
    badRequest('A new conversation needs a subject line in topic.text.');
  }
  if (topic.length > MAX_TOPIC) {
    badRequest(`The subject line (topic.text) can be at most ${MAX_TOPIC} characters.`);
  }
  const code = categoryCode(header);
  checkSender(ctx, header, patient);
  checkRecipients(repo, header, patient);
  checkStatus(header, 'A conversation');
  if (header.payload !== undefined) {
    badRequest('A conversation carries no text itself: send the first message as its own Communication whose partOf points to the conversation.');
  }
  if (header.received !== undefined) {
    badRequest('A new conversation cannot be marked as received.');
  }
  if (header.sent === undefined) {
    header.sent = now.toISOString();
  } else {
    checkInstant(header, 'sent', 'The time of the conversation', now);
  }
  header.category = [messageCategory(code)];
  header.extension = [...(header.extension ?? []).filter((e) => e.url !== UNREAD), { url: UNREAD, valueInteger: 0 }];
}

/**
 * A reply or first message (POST Communication with partOf): the
 * conversation must exist and be readable (403 otherwise), and the message
 * must have its subject, a sender the token may speak as, recipients from
 * the care team, sent, and text of 1 to 10,000 characters in
 * payload[0].contentString. `placeholders` maps the fullUrls of a
 * transaction's entries to their resources (new or found).
 */
function checkMessage(ctx, repo, msg, now, placeholders) {
  if (msg.partOf.length !== 1) {
    badRequest('A message belongs to exactly one conversation: give one reference in partOf.');
  }
  const ref = msg.partOf[0]?.reference ?? '';
  let header;
  if (ref.startsWith('urn:uuid:')) {
    if (!/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(ref)) {
      // The library resolves only these; anything else would be stored as is.
      badRequest(`The placeholder ${ref} must be urn:uuid: followed by a UUID in lower case.`);
    }
    header = placeholders?.get(ref);
  } else {
    const [type, id, ...more] = ref.split('/');
    header = type === 'Communication' && more.length === 0 ? repo.peek(type, id) : undefined;
  }
  if (!header || header.resourceType !== 'Communication') {
    badRequest(`The conversation in partOf (${ref || 'none'}) was not found; it must be Communication/<id> of a conversation.`);
  }
  if (!isHeader(header)) {
    badRequest('A reply must point (partOf) to the conversation, its first Communication without partOf, not to another message.');
  }
  checkRead(ctx, header, repo);
  const patient = header.subject?.reference;
  if (msg.subject?.reference !== patient) {
    badRequest(`A message must have the subject of its conversation (${patient}).`);
  }
  checkSender(ctx, msg, patient);
  checkRecipients(repo, msg, patient);
  checkStatus(msg, 'A message you send');
  const payload = msg.payload;
  const text = payload?.[0]?.contentString;
  if (!Array.isArray(payload) || typeof text !== 'string' || text.trim() === '') {
    badRequest('The message is empty: put its text in payload[0].contentString.');
  }
  if (text.length > MAX_MESSAGE) {
    badRequest(`A message can be at most ${MAX_MESSAGE.toLocaleString('en-US')} characters; this one has ${text.length.toLocaleString('en-US')}.`);
  }
  if (payload.length > 1 || Object.keys(payload[0]).some((k) => k !== 'contentString' && k !== 'id' && k !== 'extension')) {
    badRequest('A message you send is text only (payload[0].contentString); attachments cannot be sent through the portal.');
  }
  checkInstant(msg, 'sent', 'The time the message was sent', now);
  if (msg.received !== undefined) {
    badRequest('A new message cannot be marked as received.');
  }
  if (msg.extension) {
    msg.extension = msg.extension.filter((e) => e.url !== UNREAD);
  }
}

/** Key order-independent JSON, for comparing two versions of a resource. */
function canonical(value) {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).filter((k) => value[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * An update of a Communication (PUT or PATCH, checked on the new version
 * before the write is kept): the only change allowed is setting received
 * on a message from the care team that has none (marking it read).
 */
function checkCommunicationUpdate(before, after, now) {
  if (isHeader(before)) {
    forbidden('A conversation cannot be changed; the server keeps its time and unread count. To mark messages read, update each message.');
  }
  const { meta: _m1, received: r1, ...rest1 } = before;
  const { meta: _m2, received: r2, ...rest2 } = after;
  if (canonical(rest1) !== canonical(rest2)) {
    forbidden('A message cannot be changed after it is sent. You can only mark a message from your care team as read (set received).');
  }
  if (r1 === r2) {
    return;
  }
  if (!fromCareTeam(before)) {
    badRequest('Only messages from your care team can be marked as read.');
  }
  if (r1 !== undefined) {
    badRequest('This message is already marked as read; its received time cannot be changed or removed.');
  }
  const probe = { received: r2 };
  checkInstant(probe, 'received', 'The time you read the message', now);
}

/* ------------------------------------------------------------------ */
/* The care team's side (POST /_test/reply)                             */
/* ------------------------------------------------------------------ */

/**
 * Who replies for the care team by default: the conversation's first
 * Practitioner recipient, else its sender when a Practitioner, else the
 * first Practitioner of the patient's active care team.
 */
function defaultReplier(repo, header) {
  const practitioner = (r) => (r?.reference?.startsWith('Practitioner/') ? r.reference : undefined);
  return (header.recipient ?? []).map(practitioner).find(Boolean) ?? practitioner(header.sender) ??
    [...careTeamOf(repo, header.subject?.reference)].find((r) => r.startsWith('Practitioner/'));
}

/**
 * The care team replies in a conversation: a new message, not read yet,
 * sent now, from `from` (a Practitioner; default as defaultReplier) to the
 * patient's side of the conversation; the header's unread count and time
 * follow.
 * @returns the new message
 */
export async function careTeamReply(repo, { conversation, text, from } = {}) {
  const id = String(conversation ?? '').replace(/^Communication\//, '');
  const header = id && repo.peek('Communication', id);
  if (!header) {
    notFound(`There is no conversation "${id}".`);
  }
  if (!isHeader(header)) {
    badRequest('conversation must be the first Communication of a conversation (one without partOf), not a message.');
  }
  if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_MESSAGE) {
    badRequest(`text must be a non-empty string of at most ${MAX_MESSAGE.toLocaleString('en-US')} characters.`);
  }
  let sender = defaultReplier(repo, header);
  if (from !== undefined) {
    sender = String(from).includes('/') ? String(from) : `Practitioner/${from}`;
  }
  const [type, pid] = String(sender ?? '').split('/');
  const who = type === 'Practitioner' ? repo.peek(type, pid) : undefined;
  if (!who) {
    badRequest(from === undefined ? 'The conversation names no care team member; give from (Practitioner/<id>).' : `from must be a Practitioner of the directory, not "${from}".`);
  }
  const patientSide = isPatientSide(header.sender?.reference) ? header.sender : header.subject;
  return repo.atomically(async () => {
    const msg = await repo.createResource({
      resourceType: 'Communication', status: 'completed', partOf: [{ reference: `Communication/${id}` }],
      subject: header.subject, sender: { reference: sender, ...(who.name?.[0]?.text ? { display: who.name[0].text } : {}) },
      recipient: [patientSide], sent: new Date().toISOString(), payload: [{ contentString: text }],
    });
    await updateConversation(repo, `Communication/${id}`);
    return msg;
  });
}

/* ------------------------------------------------------------------ */
/* The rules on creates, as FhirService uses them                       */
/* ------------------------------------------------------------------ */

/**
 * Per resource type: check(ctx, repo, body, pending, placeholders) throws
 * 400/403/409/422 and may fill in server-decided fields (it runs after the
 * access check and after an If-None-Exist lookup found nothing; in a
 * transaction `pending` holds the bodies accepted before and
 * `placeholders` maps entry fullUrls to their resources); after(repo,
 * created) runs inside the same write journal.
 */
export const CREATE_RULES = {
  Task: {
    check(ctx, repo, task, pending = []) {
      const med = checkRefillRequest(ctx, repo, task, new Date());
      checkRefillAllowed(repo, med, pending);
    },
    after: (repo, task) => updateMedication(repo, task.focus?.reference),
  },
  Observation: {
    check: (ctx, repo, obs) => checkReading(ctx, repo, obs, new Date()),
  },
  Communication: {
    check(ctx, repo, comm, pending, placeholders) {
      return isHeader(comm) ? checkHeader(ctx, repo, comm, new Date()) : checkMessage(ctx, repo, comm, new Date(), placeholders);
    },
    after: (repo, comm) => updateConversation(repo, isHeader(comm) ? `Communication/${comm.id}` : conversationOf(comm)),
  },
  ...VISIT_CREATE_RULES,
};

/**
 * Per resource type, for PUT and PATCH: check(ctx, repo, before, after)
 * runs on the new version inside the write journal (a throw undoes the
 * write); after(repo, updated) follows in the same journal.
 */
export const UPDATE_RULES = {
  Communication: {
    check: (ctx, repo, before, after) => checkCommunicationUpdate(before, after, new Date()),
    after: (repo, comm) => updateConversation(repo, isHeader(comm) ? `Communication/${comm.id}` : conversationOf(comm)),
  },
  ...VISIT_UPDATE_RULES,
  ...BILLING_UPDATE_RULES,
};

/* ------------------------------------------------------------------ */
/* The care team's side (POST /_test/task-status)                       */
/* ------------------------------------------------------------------ */

/**
 * Moves a Task as the care team would: new status, statusReason from
 * `reason` (cleared without one), lastModified now. A refill request that
 * becomes completed counts down the refills left of its prescription;
 * eligibility is recomputed either way.
 * @returns the new version of the Task
 */
export async function moveTask(repo, { id, status, reason } = {}) {
  const taskId = String(id ?? '').replace(/^Task\//, '');
  const stored = repo.peek('Task', taskId);
  if (!stored) {
    notFound(`There is no Task "${taskId}".`);
  }
  if (!TASK_STATUSES.includes(status)) {
    badRequest(`Unknown Task status "${status}"; use one of ${TASK_STATUSES.join(', ')}.`);
  }
  if (reason !== undefined && (typeof reason !== 'string' || reason === '')) {
    badRequest('reason must be a non-empty string.');
  }
  return repo.atomically(async () => {
    const { statusReason: _old, ...rest } = stored;
    const task = await repo.updateResource({
      ...rest, status, lastModified: new Date().toISOString(), ...(reason ? { statusReason: { text: reason } } : {}),
    });
    if (isRefillTask(task)) {
      const filled = status === 'completed' && stored.status !== 'completed';
      await updateMedication(repo, task.focus?.reference, (med) => (filled && refillsLeft(med) > 0
        ? { ...med, dispenseRequest: { ...med.dispenseRequest, numberOfRepeatsAllowed: refillsLeft(med) - 1 } }
        : med));
    }
    return task;
  });
}
