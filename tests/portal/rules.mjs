// Portal rules (portal-api.md §4, "Medications and refills"): what the
// server computes and what it refuses on the patient's behalf.
//
// - Refill eligibility: the urn:chartty:refill-eligible extension of every
//   MedicationRequest, recomputed and stored whenever it could change.
// - Refill requests: POST Task with code task-code|fulfill.
// - Readings a patient enters: POST Observation of blood glucose, body
//   weight or blood pressure.
// - Moving a Task as the care team would (the /_test/task-status control).

import { badRequest, fail, notFound } from './util.mjs';

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
/* The rules on creates, as FhirService uses them                       */
/* ------------------------------------------------------------------ */

/**
 * Per resource type: check(ctx, repo, body, pending) throws 400/409/422
 * and may fill in server-decided fields (it runs after the access check
 * and after an If-None-Exist lookup found nothing); after(repo, created)
 * runs inside the same write journal.
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
