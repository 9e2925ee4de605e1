// Who may see and change what (portal-api.md §3). A patient token sees its
// own compartment and those of the patients listed in /auth/me; a limited
// proxy (parent of a 12-17 year old) gets 403 with the /auth/me note for the
// record types withheld from it; a kiosk device token reads nothing here
// (it may only call $kiosk-lookup); a check-in token (issued by a lookup for
// one visit) may do what the check-in of that visit needs and nothing else.

import { COMPARTMENT_PARAMS, referenceValues } from './repo.mjs';
import { badRequest, fail, forbidden, notFound } from './util.mjs';

/** Shared directory data: readable by any patient, no patient named. */
export const DIRECTORY_TYPES = new Set([
  'Practitioner', 'PractitionerRole', 'Organization', 'Location', 'Schedule', 'Slot',
  'HealthcareService', 'Questionnaire', 'Medication',
]);

/** Patient data types served (each search must name the patient). */
export const PATIENT_TYPES = new Set([
  'Patient', 'RelatedPerson', 'AllergyIntolerance', 'Condition', 'MedicationRequest', 'MedicationStatement',
  'Immunization', 'Observation', 'DiagnosticReport', 'Procedure', 'Encounter', 'Communication',
  'Appointment', 'CareTeam', 'Coverage', 'Account', 'Invoice', 'Task', 'DocumentReference', 'Binary',
  'QuestionnaireResponse', 'Consent', 'AuditEvent', 'Goal', 'CarePlan', 'ServiceRequest', 'PaymentNotice',
]);

export const SERVED_TYPES = new Set([...DIRECTORY_TYPES, ...PATIENT_TYPES]);

/** What a limited proxy may still see. Observation: vital signs only. */
const LIMITED_TYPES = new Set(['Patient', 'RelatedPerson', 'Immunization', 'AllergyIntolerance', 'Appointment', 'Invoice', 'Account', 'Coverage', 'CareTeam', 'Consent']);

/**
 * What a patient may change, and how (everything else is read-only).
 * AuditEvent is never here: only the portal writes them (audit.mjs).
 */
export const WRITABLE = {
  Patient: ['PUT', 'PATCH'],
  Observation: ['POST'],
  Task: ['POST'],
  Communication: ['POST', 'PUT', 'PATCH'],
  Appointment: ['POST', 'PUT', 'PATCH'],
  QuestionnaireResponse: ['POST', 'PUT'],
  Consent: ['POST'],
  Coverage: ['POST', 'PUT', 'PATCH'],
  Account: ['PUT', 'PATCH'],
};

const VISIT_EXT = 'urn:chartty:appointment';
export const KIOSK_DENIAL = 'A kiosk device may only use the check-in operations.';
export const CHECKIN_DENIAL = 'A check-in may only use what the check-in needs.';
const LOOKUP_DENIAL = 'Only a check-in kiosk may look up visits.';

/**
 * A check-in token: what it may read, per type (else 403). Questionnaires
 * are directory data; the rest is its patient's and its visit's only.
 */
const CHECKIN_READS = {
  Questionnaire: () => true,
  Patient: (ctx, r) => `Patient/${r.id}` === ctx.patient,
  Coverage: (ctx, r, repo) => onlyPatient(ctx, r, repo),
  QuestionnaireResponse: (ctx, r, repo) => onlyPatient(ctx, r, repo) && namesVisit(ctx, r),
  Consent: (ctx, r, repo) => onlyPatient(ctx, r, repo) && namesVisit(ctx, r),
  Appointment: (ctx, r) => `Appointment/${r.id}` === ctx.appointment,
  Invoice: (ctx, r) => ctx.invoice !== undefined && `Invoice/${r.id}` === ctx.invoice,
  PaymentNotice: (ctx, r) => ctx.invoice !== undefined && r.request?.reference === ctx.invoice,
};

/** A check-in token: the types it may search (each search names its patient). */
const CHECKIN_SEARCHES = new Set(['Questionnaire', 'Patient', 'Coverage', 'QuestionnaireResponse', 'Consent']);

/** A check-in token: what it may change, and how ($check-in: the operation's own write). */
const CHECKIN_WRITES = {
  Patient: ['PUT'],
  Coverage: ['POST', 'PUT'],
  QuestionnaireResponse: ['POST', 'PUT'],
  Consent: ['POST'],
  Appointment: ['$check-in'],
};

/** The operations a check-in token may call, each on its own visit's record. */
const CHECKIN_OPERATIONS = {
  '$check-in': (ctx, target) => target === ctx.appointment,
  '$pay': (ctx, target) => ctx.invoice !== undefined && target === ctx.invoice,
};

const VITAL_SIGNS = new Set(['vital-signs', 'http://terminology.hl7.org/codesystem/observation-category|vital-signs']);
const GENERIC_DENIAL = 'You do not have access to this information.';

function isVitalSigns(resource) {
  return (resource.category ?? []).some((c) => (c.coding ?? []).some((x) => x.code === 'vital-signs'));
}

/**
 * A billing statement (or its PDF, a Binary whose securityContext is the
 * statement): for the guarantor, even of a teenager's record.
 */
function isStatement(resource, repo) {
  if (resource.resourceType === 'Binary') {
    const [type, id] = String(resource.securityContext?.reference ?? '').split('/');
    const doc = type === 'DocumentReference' && repo.peek(type, id);
    return Boolean(doc) && isStatement(doc, repo);
  }
  return resource.resourceType === 'DocumentReference' && (resource.type?.coding ?? []).some((x) => x.code === 'statement');
}

/** The patients ("Patient/x") whose compartment holds `resource`. */
export function compartmentOf(resource, repo) {
  const out = new Set();
  if (resource.resourceType === 'Patient') {
    out.add(`Patient/${resource.id}`);
  } else if (resource.resourceType === 'Binary') {
    const target = resource.securityContext?.reference;
    if (target?.startsWith('Patient/')) {
      out.add(target);
    } else if (target) {
      const [type, id] = target.split('/');
      const owner = repo.peek(type, id);
      owner && type !== 'Binary' && compartmentOf(owner, repo).forEach((r) => out.add(r));
    }
  } else if (resource.resourceType === 'PaymentNotice') {
    // A payment belongs to whoever's bill it paid.
    const [type, id] = String(resource.request?.reference ?? '').split('/');
    const bill = type === 'Invoice' && repo.peek(type, id);
    bill && compartmentOf(bill, repo).forEach((r) => out.add(r));
  } else {
    for (const code of COMPARTMENT_PARAMS) {
      for (const ref of referenceValues(resource, code)) {
        if (ref.startsWith('Patient/')) {
          out.add(ref);
        }
      }
    }
    // A message that names no patient of its own belongs to its
    // conversation (portal-api.md: part-of= a conversation one may read).
    const [type, id] = String(resource.partOf?.[0]?.reference ?? '').split('/');
    if (out.size === 0 && resource.resourceType === 'Communication' && type === 'Communication' && id !== resource.id) {
      const header = repo.peek(type, id);
      header && !header.partOf?.length && compartmentOf(header, repo).forEach((r) => out.add(r));
    }
  }
  return out;
}

/** Does every patient whose compartment holds `resource` equal the check-in's patient? */
function onlyPatient(ctx, resource, repo) {
  const compartment = compartmentOf(resource, repo);
  return compartment.size > 0 && [...compartment].every((ref) => ref === ctx.patient);
}

/** Does a check-in record (QuestionnaireResponse, Consent) name the check-in's visit? */
function namesVisit(ctx, resource) {
  return (resource.extension ?? []).some((e) => e.url === VISIT_EXT && e.valueReference?.reference === ctx.appointment);
}

function requirePatientToken(ctx) {
  if (ctx.kind === 'kiosk') {
    forbidden(KIOSK_DENIAL);
  }
}

/**
 * Throws 403 unless `ctx` may call operation `name` ($check-in, $pay,
 * $kiosk-lookup, ...) on `target` ("Type/id", undefined for an operation
 * on a type): a device token only $kiosk-lookup; a check-in token only
 * $check-in and $pay of its own visit; a patient token all but
 * $kiosk-lookup (its records are checked by the operation).
 */
export function checkOperation(ctx, name, target) {
  if (ctx.kind === 'kiosk' && name !== '$kiosk-lookup') {
    forbidden(KIOSK_DENIAL);
  }
  if (ctx.kind === 'checkin' && !CHECKIN_OPERATIONS[name]?.(ctx, target)) {
    forbidden(CHECKIN_DENIAL);
  }
  if (ctx.kind === 'patient' && name === '$kiosk-lookup') {
    forbidden(LOOKUP_DENIAL);
  }
}

/** Throws 404 for record types the portal does not serve. */
export function requireServed(type) {
  if (!SERVED_TYPES.has(type)) {
    notFound(`This portal does not serve ${type} records.`);
  }
}

/** Why `ctx` may not read `resource` (a sentence), or undefined when it may. */
export function readDenial(ctx, resource, repo) {
  if (ctx.kind === 'kiosk') {
    return KIOSK_DENIAL;
  }
  const type = resource.resourceType;
  if (ctx.kind === 'checkin') {
    return CHECKIN_READS[type]?.(ctx, resource, repo) ? undefined : CHECKIN_DENIAL;
  }
  if (DIRECTORY_TYPES.has(type)) {
    return undefined;
  }
  if (!PATIENT_TYPES.has(type)) {
    return GENERIC_DENIAL;
  }
  let note;
  for (const ref of compartmentOf(resource, repo)) {
    const grant = ctx.patients.get(ref);
    if (grant?.access === 'full' || (grant && (LIMITED_TYPES.has(type) || (type === 'Observation' && isVitalSigns(resource)) || isStatement(resource, repo)))) {
      return undefined;
    }
    note ??= grant?.note;
  }
  return note ?? GENERIC_DENIAL;
}

/** Throws 403 unless `ctx` may read `resource`. */
export function checkRead(ctx, resource, repo) {
  const denial = readDenial(ctx, resource, repo);
  if (denial) {
    forbidden(denial);
  }
}

/** Normalizes a patient search value ("x" or "Patient/x") to "Patient/x", or undefined. */
function patientRef(value) {
  if (!value.includes('/')) {
    return `Patient/${value}`;
  }
  return value.startsWith('Patient/') && value.split('/').length === 2 ? value : undefined;
}

/**
 * Throws 403 unless `ctx` may run this search: patient data must name
 * patients the token may act for (patient=, subject=, beneficiary=, or
 * _id= on Patient); Communication?part-of= needs a readable conversation.
 * A check-in token searches only the types of CHECKIN_SEARCHES.
 */
export function checkSearch(ctx, type, params, repo) {
  requirePatientToken(ctx);
  requireServed(type);
  if (ctx.kind === 'checkin' && !CHECKIN_SEARCHES.has(type)) {
    forbidden(CHECKIN_DENIAL);
  }
  if (DIRECTORY_TYPES.has(type)) {
    return;
  }
  const named = [];
  for (const [key, value] of params) {
    if (COMPARTMENT_PARAMS.includes(key) || (type === 'Patient' && key === '_id')) {
      named.push(...value.split(','));
    }
  }
  if (named.length === 0) {
    const partOf = type === 'Communication' && params.get('part-of');
    if (partOf) {
      const [t, id] = partOf.split('/');
      const header = t === 'Communication' && repo.peek('Communication', id);
      if (header) {
        checkRead(ctx, header, repo);
        return;
      }
      notFound('That conversation was not found.');
    }
    forbidden(`Searches of ${type} records must name the patient, for example patient=Patient/<id>.`);
  }
  for (const value of named) {
    const ref = patientRef(value);
    const grant = ref && ctx.patients.get(ref);
    if (!grant) {
      forbidden("You do not have access to this patient's records.");
    }
    if (grant.access !== 'full' && !LIMITED_TYPES.has(type)) {
      const categories = params.getAll('category').flatMap((v) => v.toLowerCase().split(','));
      const vitalsOnly = type === 'Observation' && categories.length > 0 && categories.every((c) => VITAL_SIGNS.has(c));
      const docTypes = params.getAll('type').flatMap((v) => v.split(','));
      const statementsOnly = type === 'DocumentReference' && docTypes.length > 0 && docTypes.every((t) => t === 'statement' || t.endsWith('|statement'));
      if (!vitalsOnly && !statementsOnly) {
        forbidden(grant.note ?? GENERIC_DENIAL);
      }
    }
  }
}

/**
 * The patients ("Patient/x") whose records a search that checkSearch
 * allowed reads: those it names (patient=, subject=, beneficiary=, _id= on
 * Patient), or the compartment of the conversation of part-of=. Directory
 * searches read none.
 */
export function patientsOfSearch(type, params, repo) {
  const out = new Set();
  if (DIRECTORY_TYPES.has(type)) {
    return out;
  }
  for (const [key, value] of params) {
    if (COMPARTMENT_PARAMS.includes(key) || (type === 'Patient' && key === '_id')) {
      value.split(',').map(patientRef).forEach((ref) => ref && out.add(ref));
    }
  }
  const partOf = out.size === 0 && type === 'Communication' && params.get('part-of');
  if (partOf) {
    const [t, id] = partOf.split('/');
    const header = t === 'Communication' && repo.peek(t, id);
    header && compartmentOf(header, repo).forEach((ref) => out.add(ref));
  }
  return out;
}

/**
 * Throws unless `ctx` may write `resource` with `method` (POST, PUT, PATCH).
 * `via` names the operation that writes it ($check-in): a check-in token
 * may change its visit only that way. References to urn:uuid:
 * placeholders (transactions) are ignored.
 */
export function checkWrite(ctx, method, resource, repo, { via } = {}) {
  requirePatientToken(ctx);
  const type = resource?.resourceType;
  requireServed(type);
  if (ctx.kind === 'checkin' && !CHECKIN_WRITES[type]?.includes(via ?? method)) {
    forbidden(CHECKIN_DENIAL);
  }
  if (!WRITABLE[type]?.includes(method)) {
    fail(403, 'forbidden', `The portal does not let you ${method === 'POST' ? 'create' : 'change'} ${type} records.`);
  }
  const compartment = compartmentOf(resource, repo);
  if (compartment.size === 0) {
    badRequest(`A ${type} must name the patient it belongs to.`);
  }
  for (const ref of compartment) {
    const grant = ctx.patients.get(ref);
    if (!grant) {
      forbidden("You do not have access to this patient's records.");
    }
    if (grant.access !== 'full' && !LIMITED_TYPES.has(type)) {
      forbidden(grant.note ?? GENERIC_DENIAL);
    }
  }
}
