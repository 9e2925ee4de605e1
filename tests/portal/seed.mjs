// Synthetic seed data for the test portal: patients, clinical records,
// accounts and codes. Everything is fictional; dates are relative to `now`
// so the data never ages. Ids are stable so tests can name them.

import { messageCategory, PHARMACY_TYPE, seedConversations, seedEligibility, TASK_CODE_SYSTEM } from './rules.mjs';
import { planExtension } from './billing.mjs';
import { authEvent } from './audit.mjs';
import { copayInvoice, EXT, QUESTIONNAIRE_PREVISIT, VISIT_TYPE_SYSTEM, VISIT_TYPES, visitType } from './visits.mjs';

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const CVX = 'http://hl7.org/fhir/sid/cvx';
const UCUM = 'http://unitsofmeasure.org';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
const SSN = 'http://hl7.org/fhir/sid/us-ssn';
const MRN = 'http://main-street-clinic.example.org/mrn';
const NPI = 'http://hl7.org/fhir/sid/us-npi';
const OBS_CAT = 'http://terminology.hl7.org/CodeSystem/observation-category';
const INTERP = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const DIAG_SERVICE = 'http://terminology.hl7.org/CodeSystem/v2-0074';
const ORG_TYPE = 'http://terminology.hl7.org/CodeSystem/organization-type';
const REQUEST_ID = 'urn:chartty:request';

/** The kiosk devices that may use client_credentials. */
export const KIOSK_CLIENTS = [
  { clientId: 'kiosk-main-street', secret: 'kiosk-demo-secret', location: 'Location/loc-main-street', name: 'Main Street Clinic lobby kiosk' },
];

/** James's TOTP secret (base32), fixed so demo users can add it to an app. */
export const JAMES_TOTP_SECRET = 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA';

const NOAH_NOTE = 'Because Noah is 15, some of his health information is private to him. Ask his care team if you need it.';

/** Portal accounts (passwords in clear here; the server hashes them). */
export const ACCOUNTS = [
  { email: 'maria@example.org', password: 'Chartty-demo-1', patient: 'maria-lopez' },
  {
    email: 'james@example.org', password: 'Chartty-demo-2', patient: 'james-carter', mfaSecret: JAMES_TOTP_SECRET,
    proxies: [
      { patient: 'lily-carter', relationship: 'parent', access: 'full' },
      { patient: 'noah-carter', relationship: 'parent', access: 'limited', note: NOAH_NOTE },
    ],
  },
  {
    email: 'linda@example.org', password: 'Chartty-demo-3', patient: 'linda-nguyen',
    proxies: [{ patient: 'harold-nguyen', relationship: 'caregiver', access: 'full' }],
  },
  { email: 'long@example.org', password: 'Chartty-test-9', patient: 'walter-long', testOnly: true },
  { email: 'mallory@example.org', password: 'Chartty-test-9', patient: 'mallory-tester', testOnly: true },
];

/* ---------------- small builders ---------------- */

const cc = (system, code, display, text) => ({ coding: [{ system, code, display }], text: text ?? display });
const ref = (type, id, display) => ({ reference: `${type}/${id}`, ...(display ? { display } : {}) });
const qty = (value, unit, code = unit) => ({ value, unit, system: UCUM, code });
const ext = (name, value) => ({ url: `urn:chartty:${name}`, ...value });

/** Deterministic pseudo-random numbers (so the seed is the same every run). */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The seed's clock for the day `now`: at(daysAgo, hour, minute) is that
 * many days before `now` at that time of day UTC (ISO), date(daysAgo) its
 * day. Harbor Clinic (harbor.mjs) dates its records the same way, so a
 * record both clinics hold has the same time at both.
 */
export function dayClock(now) {
  const at = (daysAgo, hour = 9, minute = 0) => {
    const d = new Date(now.getTime() - daysAgo * 86400000);
    d.setUTCHours(hour, minute, 0, 0);
    return d.toISOString();
  };
  return { at, date: (daysAgo) => at(daysAgo).slice(0, 10) };
}

/**
 * Builds the seed for the day `now`.
 * @returns {{resources: object[], activationCodes: object[]}}
 */
export function buildSeed(now = new Date(), { big = true } = {}) {
  const day = 86400000;
  const { at, date } = dayClock(now);
  const born = (years, extraDays) => {
    const d = new Date(now.getTime() - extraDays * day);
    d.setUTCFullYear(d.getUTCFullYear() - years);
    return d.toISOString().slice(0, 10);
  };

  const out = [];
  const add = (r) => {
    out.push(r);
    return r;
  };

  /* ---- directory: organization, locations, practitioners ---- */
  add({
    resourceType: 'Organization', id: 'org-main-street', active: true, name: 'Main Street Clinic',
    type: [cc('http://terminology.hl7.org/CodeSystem/organization-type', 'prov', 'Healthcare Provider')],
    telecom: [{ system: 'phone', value: '555-0100', use: 'work' }],
    address: [{ line: ['100 Main Street'], city: 'Springfield', state: 'IL', postalCode: '62701' }],
  });
  // Pharmacies: Organization?type=pharmacy lists them (PHARMACY_TYPE, rules.mjs).
  const pharmacy = (id, name, phone, line, postalCode) => add({
    resourceType: 'Organization', id, active: true, name,
    type: [{ coding: [{ system: ORG_TYPE, code: 'prov', display: 'Healthcare Provider' }, PHARMACY_TYPE], text: 'Pharmacy' }],
    telecom: [{ system: 'phone', value: phone }],
    address: [{ line: [line], city: 'Springfield', state: 'IL', postalCode }],
  });
  pharmacy('org-elm-pharmacy', 'Elm Street Pharmacy', '555-0142', '42 Elm Street', '62702');
  pharmacy('org-oak-pharmacy', 'Oak Avenue Pharmacy (open 24 hours)', '555-0177', '310 Oak Avenue', '62704');
  add({
    resourceType: 'Organization', id: 'org-acme-health', active: true, name: 'Acme Health Plan',
    type: [cc('http://terminology.hl7.org/CodeSystem/organization-type', 'pay', 'Payer')],
  });
  add({
    resourceType: 'Location', id: 'loc-main-street', status: 'active', name: 'Main Street Clinic',
    managingOrganization: ref('Organization', 'org-main-street'),
    type: [cc('http://terminology.hl7.org/CodeSystem/v3-RoleCode', 'OF', 'Outpatient facility')],
    telecom: [{ system: 'phone', value: '555-0100' }],
    address: { line: ['100 Main Street'], city: 'Springfield', state: 'IL', postalCode: '62701' },
  });
  // Urgent care (On My Way): the wait and the people already in line
  // before the portal's own; each place taken adds 10 minutes (visits.mjs).
  const urgentCare = (id, name, line, wait, waiting) => add({
    resourceType: 'Location', id, status: 'active', name,
    managingOrganization: ref('Organization', 'org-main-street'),
    type: [{ coding: [{ code: 'urgent-care', display: 'Urgent care' }], text: 'Urgent care' }],
    telecom: [{ system: 'phone', value: '555-0190' }],
    address: { line: [line], city: 'Springfield', state: 'IL', postalCode: '62703' },
    hoursOfOperation: [{ daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], openingTime: '08:00:00', closingTime: '22:00:00' }],
    extension: [ext('wait-minutes', { valueInteger: wait }), ext('queue-length', { valueInteger: waiting })],
  });
  urgentCare('loc-urgent-north', 'Main Street Urgent Care North', '900 North Avenue', 25, 3);
  urgentCare('loc-urgent-east', 'Main Street Urgent Care East', '15 East Road', 50, 6);

  const practitioner = (id, given, family, suffix, npi, specialty) => add({
    resourceType: 'Practitioner', id, active: true,
    name: [{ given: [given], family, suffix: suffix ? [suffix] : undefined, text: `${given} ${family}${suffix ? ', ' + suffix : ''}` }],
    identifier: [{ system: NPI, value: npi }],
    qualification: [{ code: { text: specialty } }],
  });
  practitioner('pr-anita-patel', 'Anita', 'Patel', 'MD', '1234567893', 'Family medicine');
  practitioner('pr-robert-kim', 'Robert', 'Kim', 'MD', '1245319599', 'Pediatrics');
  practitioner('pr-elena-garcia', 'Elena', 'Garcia', 'MD', '1538246375', 'Cardiology');
  practitioner('pr-david-chen', 'David', 'Chen', 'NP', '1679576722', 'Family nurse practitioner');
  practitioner('pr-samir-haddad', 'Samir', 'Haddad', 'MD', '1487653290', 'Diagnostic radiology');
  practitioner('pr-julia-weber', 'Julia', 'Weber', 'MD', '1093817465', 'Anatomic pathology');
  practitioner('pr-karen-brooks', 'Karen', 'Brooks', undefined, '1456820392', 'Patient billing');
  add({
    resourceType: 'Practitioner', id: 'pr-zoe-unal', active: true,
    name: [{ given: ['Zoë'], family: 'Ünal-Şahin 李', text: 'Zoë Ünal-Şahin 李' }],
    identifier: [{ system: NPI, value: '1962474541' }],
    qualification: [{ code: { text: 'Dermatology — Hautärztin' } }],
  });
  // The nurse of the kiosk check-in visit: letters NFD does not split (Ł).
  practitioner('pr-lukasz-wisniewski', 'Łukasz', 'Wiśniewski', 'RN', '1749583021', 'Registered nurse');
  const doctors = {
    patel: ref('Practitioner', 'pr-anita-patel', 'Anita Patel, MD'),
    kim: ref('Practitioner', 'pr-robert-kim', 'Robert Kim, MD'),
    garcia: ref('Practitioner', 'pr-elena-garcia', 'Elena Garcia, MD'),
    chen: ref('Practitioner', 'pr-david-chen', 'David Chen, NP'),
    zoe: ref('Practitioner', 'pr-zoe-unal', 'Zoë Ünal-Şahin 李'),
    haddad: ref('Practitioner', 'pr-samir-haddad', 'Samir Haddad, MD'),
    weber: ref('Practitioner', 'pr-julia-weber', 'Julia Weber, MD'),
    brooks: ref('Practitioner', 'pr-karen-brooks', 'Karen Brooks'),
    wisniewski: ref('Practitioner', 'pr-lukasz-wisniewski', 'Łukasz Wiśniewski, RN'),
  };

  /* ---- patients ---- */
  const patient = (id, given, family, gender, birthDate, opts = {}) => add({
    resourceType: 'Patient', id, active: true,
    identifier: [
      { system: MRN, value: opts.mrn },
      ...(opts.ssn ? [{ system: SSN, value: `XXX-XX-${opts.ssn}` }] : []),
    ],
    name: [{ use: 'official', given: [given], family, text: `${given} ${family}` }],
    gender, birthDate,
    telecom: [
      ...(opts.phone ? [{ system: 'phone', value: opts.phone, use: 'mobile' }] : []),
      ...(opts.email ? [{ system: 'email', value: opts.email }] : []),
    ],
    address: [opts.address ?? { line: ['12 Oak Lane'], city: 'Springfield', state: 'IL', postalCode: '62704' }],
    generalPractitioner: [opts.gp ?? doctors.patel],
    managingOrganization: ref('Organization', 'org-main-street', 'Main Street Clinic'),
  });
  patient('maria-lopez', 'Maria', 'Lopez', 'female', '1971-03-14',
    { mrn: 'MSC-100234', ssn: '4321', phone: '555-0111', email: 'maria@example.org', address: { line: ['48 Cedar Street'], city: 'Springfield', state: 'IL', postalCode: '62704' } });
  patient('james-carter', 'James', 'Carter', 'male', '1984-09-02', { mrn: 'MSC-100311', ssn: '5522', phone: '555-0122', email: 'james@example.org' });
  patient('lily-carter', 'Lily', 'Carter', 'female', born(6, 95), { mrn: 'MSC-100312', gp: doctors.kim });
  patient('noah-carter', 'Noah', 'Carter', 'male', born(15, 120), { mrn: 'MSC-100313', gp: doctors.kim });
  patient('linda-nguyen', 'Linda', 'Nguyen', 'female', '1962-05-20', { mrn: 'MSC-100401', ssn: '7781', phone: '555-0133', email: 'linda@example.org' });
  patient('harold-nguyen', 'Harold', 'Nguyen', 'male', born(84, 60), { mrn: 'MSC-100402', ssn: '1180', phone: '555-0134' });
  patient('walter-long', 'Walter', 'Long', 'male', '1950-11-30', { mrn: 'MSC-109999', ssn: '9090', email: 'long@example.org' });
  patient('mallory-tester', 'Mallory', 'Tester', 'female', '1993-01-01', {
    mrn: 'MSC-666000', ssn: '6660', email: 'mallory@example.org', gp: doctors.zoe,
    address: { line: ['Große Straße 12', 'Wohnung 3 — Hinterhaus'], city: 'İstanbul', country: 'Türkiye' },
  });
  patient('grace-okafor', 'Grace', 'Okafor', 'female', '1988-04-12', { mrn: 'MSC-100550', ssn: '2468' });
  patient('samuel-reyes', 'Samuel', 'Reyes', 'male', '1990-07-23', { mrn: 'MSC-100551', ssn: '6789' });
  patient('zoe-pena', 'Zoë', 'Peña', 'female', '1990-06-15', {
    mrn: 'MSC-100560', ssn: '3579', phone: '555-0155', email: 'zoe.pena@example.org',
    address: { line: ['7 Birch Court'], city: 'Springfield', state: 'IL', postalCode: '62702' },
  });

  /* ---- clinical builders ---- */
  const careTeam = (pid, name, members) => add({
    resourceType: 'CareTeam', id: `ct-${pid}`, status: 'active', name,
    subject: ref('Patient', pid), managingOrganization: [ref('Organization', 'org-main-street')],
    participant: members.map(([member, role]) => ({ member, role: [{ text: role }] })),
  });
  const condition = (pid, key, code, display, icd, onsetDaysAgo, status = 'active', extra = {}) => add({
    resourceType: 'Condition', id: `cond-${pid}-${key}`,
    clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/condition-clinical', status, status === 'active' ? 'Active' : 'Resolved'),
    verificationStatus: cc('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed', 'Confirmed'),
    category: [cc('http://terminology.hl7.org/CodeSystem/condition-category', 'problem-list-item', 'Problem List Item')],
    code: { coding: [{ system: SNOMED, code, display }, ...(icd ? [{ system: ICD10, code: icd }] : [])], text: display },
    subject: ref('Patient', pid), onsetDateTime: at(onsetDaysAgo), recordedDate: at(onsetDaysAgo),
    ...(status === 'resolved' ? { abatementDateTime: at(Math.max(onsetDaysAgo - 14, 1)) } : {}),
    ...extra,
  });
  const allergy = (pid, key, system, code, display, category, criticality, reaction) => add({
    resourceType: 'AllergyIntolerance', id: `allergy-${pid}-${key}`,
    clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', 'active', 'Active'),
    verificationStatus: cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', 'confirmed', 'Confirmed'),
    type: 'allergy', category: [category], criticality,
    code: cc(system, code, display), patient: ref('Patient', pid), recordedDate: at(900),
    reaction: reaction ? [{ manifestation: [cc(SNOMED, reaction[0], reaction[1])], severity: reaction[2] }] : undefined,
  });
  const medication = (pid, key, rxcui, display, dosage, requester, repeats, opts = {}) => add({
    resourceType: 'MedicationRequest', id: `medrx-${pid}-${key}`,
    status: opts.status ?? 'active', intent: 'order',
    medicationCodeableConcept: cc(RXNORM, rxcui, display, opts.text ?? display),
    subject: ref('Patient', pid), authoredOn: at(opts.authoredDaysAgo ?? 120), requester,
    dosageInstruction: [{ text: dosage }],
    dispenseRequest: {
      numberOfRepeatsAllowed: repeats, quantity: qty(opts.quantity ?? 30, opts.unit ?? 'tablet', '{tbl}'),
      expectedSupplyDuration: { value: 30, unit: 'days', system: UCUM, code: 'd' },
    },
    // urn:chartty:refill-eligible is computed at the end (seedEligibility).
  });
  const immunization = (pid, key, cvx, display, daysAgo) => add({
    resourceType: 'Immunization', id: `imm-${pid}-${key}`, status: 'completed',
    vaccineCode: cc(CVX, cvx, display), patient: ref('Patient', pid), occurrenceDateTime: at(daysAgo, 10),
    primarySource: true, location: ref('Location', 'loc-main-street', 'Main Street Clinic'),
  });

  let obsSeq = 0;
  const observation = (pid, category, code, display, daysAgo, value, extra = {}) => add({
    resourceType: 'Observation', id: extra.id ?? `obs-${pid}-${++obsSeq}`, status: 'final',
    category: [cc(OBS_CAT, category, category === 'vital-signs' ? 'Vital Signs' : 'Laboratory')],
    code: cc(LOINC, code, display), subject: ref('Patient', pid),
    effectiveDateTime: typeof daysAgo === 'string' ? daysAgo : at(daysAgo, 9, 30), issued: typeof daysAgo === 'string' ? daysAgo : at(daysAgo, 11),
    ...value, ...extra,
  });
  const flag = (code) => [cc(INTERP, code, { H: 'High', L: 'Low', N: 'Normal', HH: 'Critical high', LL: 'Critical low', A: 'Abnormal' }[code])];
  const vitals = (pid, daysAgo, v, performer = doctors.patel) => {
    const p = { performer: [performer] };
    observation(pid, 'vital-signs', '85354-9', 'Blood pressure panel with all children optional', daysAgo, {
      component: [
        { code: cc(LOINC, '8480-6', 'Systolic blood pressure'), valueQuantity: qty(v.sys, 'mmHg', 'mm[Hg]') },
        { code: cc(LOINC, '8462-4', 'Diastolic blood pressure'), valueQuantity: qty(v.dia, 'mmHg', 'mm[Hg]') },
      ],
      ...(v.sys >= 140 ? { interpretation: flag('H') } : {}),
    }, p);
    observation(pid, 'vital-signs', '8867-4', 'Heart rate', daysAgo, { valueQuantity: qty(v.hr, 'beats/minute', '/min') }, p);
    observation(pid, 'vital-signs', '29463-7', 'Body weight', daysAgo, { valueQuantity: qty(v.kg, 'kg') }, p);
    if (v.cm) {
      observation(pid, 'vital-signs', '8302-2', 'Body height', daysAgo, { valueQuantity: qty(v.cm, 'cm') }, p);
      const bmi = Math.round((v.kg / (v.cm / 100) ** 2) * 10) / 10;
      observation(pid, 'vital-signs', '39156-5', 'Body mass index (BMI) [Ratio]', daysAgo, { valueQuantity: qty(bmi, 'kg/m2', 'kg/m2') }, p);
    }
    observation(pid, 'vital-signs', '8310-5', 'Body temperature', daysAgo, { valueQuantity: qty(v.temp ?? 36.8, 'Cel') }, p);
  };
  // extra.interp overrides the H/L/N flag computed from the range (e.g. LL).
  const lab = (pid, code, display, daysAgo, value, unit, low, high, { interp: given, ...extra } = {}) => {
    const interp = given ?? (high !== undefined && value > high ? 'H' : low !== undefined && value < low ? 'L' : 'N');
    return observation(pid, 'laboratory', code, display, daysAgo, {
      valueQuantity: qty(value, unit),
      referenceRange: [{
        ...(low !== undefined ? { low: qty(low, unit) } : {}), ...(high !== undefined ? { high: qty(high, unit) } : {}),
        text: low !== undefined && high !== undefined ? `${low}–${high} ${unit}` : high !== undefined ? `< ${high} ${unit}` : `> ${low} ${unit}`,
      }],
      interpretation: flag(interp),
    }, extra);
  };
  // opts: status, category ([code, display] of v2-0074), issued, performer,
  // interpreter, conclusion, narrative ({title, text}: presentedForm), reviewed.
  const report = (pid, key, code, display, daysAgo, results, opts = {}) => add({
    resourceType: 'DiagnosticReport', id: `dr-${pid}-${key}`, status: opts.status ?? 'final',
    category: [cc(DIAG_SERVICE, ...(opts.category ?? ['LAB', 'Laboratory']))],
    code: cc(LOINC, code, display), subject: ref('Patient', pid),
    effectiveDateTime: at(daysAgo, 9, 30), issued: opts.issued ?? at(daysAgo, 15),
    performer: [opts.performer ?? ref('Organization', 'org-main-street', 'Main Street Clinic Laboratory')],
    resultsInterpreter: opts.interpreter ? [opts.interpreter] : undefined,
    result: results.length ? results.map((o) => ref('Observation', o.id, o.code.text)) : undefined,
    conclusion: opts.conclusion,
    presentedForm: opts.narrative ? [{
      contentType: 'text/plain', language: 'en-US', title: opts.narrative.title,
      data: Buffer.from(opts.narrative.text, 'utf8').toString('base64'), creation: opts.issued ?? at(daysAgo, 15),
    }] : undefined,
    extension: opts.reviewed ? [ext('reviewed', { valueBoolean: true })] : undefined,
  });
  // A refill request as the portal stores it (rules.mjs checks new ones).
  const refillTask = (pid, key, medKey, status, daysAgo, opts = {}) => {
    const med = out.find((r) => r.id === `medrx-${pid}-${medKey}`);
    const who = out.find((r) => r.resourceType === 'Patient' && r.id === pid).name[0].text;
    return add({
      resourceType: 'Task', id: `task-${pid}-${key}`,
      identifier: [{ system: REQUEST_ID, value: opts.uuid }],
      status, intent: 'order', priority: 'routine',
      ...(opts.reason ? { statusReason: { text: opts.reason } } : {}),
      ...(opts.business ? { businessStatus: { text: opts.business } } : {}),
      code: { coding: [{ system: TASK_CODE_SYSTEM, code: 'fulfill', display: 'Fulfill the focal request' }], text: 'Refill request' },
      focus: ref('MedicationRequest', med.id, med.medicationCodeableConcept.text),
      for: ref('Patient', pid, who),
      authoredOn: at(daysAgo, 8, 10), lastModified: at(opts.modifiedDaysAgo ?? daysAgo, 16, 45),
      requester: ref('Patient', pid, who), owner: med.requester,
      ...(opts.pharmacy ? { input: [{ type: { text: 'Pharmacy' }, valueReference: ref('Organization', ...opts.pharmacy) }] } : {}),
      ...(opts.notes ? { note: opts.notes } : {}),
    });
  };
  // A visit: daysFromNow at hour:minute UTC, moved on to the Monday when
  // that is a weekend (or start, an ISO time), of a visit type of
  // VISIT_TYPES. Its slot is made busy (seedSchedules) and a booked visit
  // with a copay gets its copay Invoice.
  const weekday = (iso) => {
    const d = new Date(iso);
    while (d.getUTCDay() === 0 || d.getUTCDay() === 6) {
      d.setUTCDate(d.getUTCDate() + 1);
    }
    return d.toISOString();
  };
  const appointment = (pid, key, daysFromNow, hour, practitionerRef, type, reason, status, opts = {}) => {
    const start = opts.start ?? weekday(at(-daysFromNow, hour, opts.minute ?? 0));
    const appt = add({
      resourceType: 'Appointment', id: `appt-${pid}-${key}`, status,
      serviceType: [visitType(type)], reasonCode: [{ text: reason }],
      start, end: new Date(Date.parse(start) + 30 * 60000).toISOString(), minutesDuration: 30,
      created: at(Math.max(daysFromNow * -1, 0) + 14, 10),
      participant: [
        { actor: ref('Patient', pid), status: 'accepted' },
        { actor: practitionerRef, status: 'accepted' },
        ...(type === 'video-visit' ? [] : [{ actor: ref('Location', 'loc-main-street', 'Main Street Clinic'), status: 'accepted' }]),
      ],
      ...(opts.cancelled ? { cancelationReason: { text: opts.cancelled } } : {}),
      ...(opts.instructions ? { patientInstruction: opts.instructions } : {}),
    });
    if (status === 'booked' && VISIT_TYPES[type].copay > 0) {
      const inv = add(copayInvoice(appt, VISIT_TYPES[type].copay, `inv-${pid}-${key}-copay`));
      appt.extension = [{ url: EXT.copayInvoice, valueReference: ref('Invoice', inv.id) }];
    }
    return appt;
  };
  // A conversation: the header comm-<pid>-<key> (category a code of
  // MESSAGE_CATEGORIES) and its messages comm-<pid>-<key>-<n>. A message
  // with read: true has received an hour after sent; attachment:
  // {binary, contentType, title, size} adds a contentAttachment. The
  // header's sent and urn:chartty:unread are computed (seedConversations).
  const thread = (pid, key, topic, messages, category = 'medical-question') => {
    const header = add({
      resourceType: 'Communication', id: `comm-${pid}-${key}`, status: 'completed',
      category: [messageCategory(category)], topic: { text: topic },
      subject: ref('Patient', pid), recipient: [messages[0].to], sender: messages[0].from,
    });
    messages.forEach((m, i) => add({
      resourceType: 'Communication', id: `comm-${pid}-${key}-${i + 1}`, status: 'completed',
      partOf: [ref('Communication', header.id)], subject: ref('Patient', pid),
      sender: m.from, recipient: [m.to], sent: at(m.daysAgo, m.hour ?? 14, m.minute ?? 0),
      ...(m.read ? { received: at(m.daysAgo, (m.hour ?? 14) + 1, m.minute ?? 0) } : {}),
      payload: [
        { contentString: m.text },
        ...(m.attachment ? [{
          contentAttachment: {
            contentType: m.attachment.contentType, url: `Binary/${m.attachment.binary}`, title: m.attachment.title,
            size: m.attachment.size, creation: at(m.daysAgo, m.hour ?? 14, m.minute ?? 0),
          },
        }] : []),
      ],
    }));
  };
  // Billing: a guarantor account (paperless off, an optional payment
  // plan), and invoices by visit. Each line is [text, billed, paid by
  // insurance, adjustment]; the patient's share is what is left, and
  // `paid` of it was paid before (balance due = share - paid).
  const usd = (value) => ({ value, currency: 'USD' });
  const account = (pid, guarantor, plan) => add({
    resourceType: 'Account', id: `acct-${pid}`, status: 'active', name: 'Main Street Clinic guarantor account',
    subject: [ref('Patient', pid)], owner: ref('Organization', 'org-main-street'),
    guarantor: [{ party: ref('Patient', guarantor) }],
    extension: [ext('paperless', { valueBoolean: false }), ...(plan ? [planExtension(plan.monthly, plan.months, date(-plan.dueInDays))] : [])],
  });
  const invoice = (pid, guarantor, key, daysAgo, visit, lines, paid = 0) => {
    const cents = (v) => Math.round(v * 100);
    const sum = (i) => lines.reduce((t, l) => t + cents(l[i] ?? 0), 0) / 100;
    const share = (cents(sum(1)) - cents(sum(2)) - cents(sum(3))) / 100;
    const due = (cents(share) - cents(paid)) / 100;
    return add({
      resourceType: 'Invoice', id: `inv-${pid}-${key}`, status: due > 0 ? 'issued' : 'balanced', date: at(daysAgo),
      type: { text: visit }, subject: ref('Patient', pid), recipient: ref('Patient', guarantor), account: ref('Account', `acct-${pid}`),
      issuer: ref('Organization', 'org-main-street', 'Main Street Clinic'),
      lineItem: lines.map(([text, billed, insurance, adjustment], i) => ({
        sequence: i + 1, chargeItemCodeableConcept: { text },
        priceComponent: [
          { type: 'base', amount: usd(billed) },
          ...(insurance ? [{ type: 'deduction', code: { text: 'Paid by insurance' }, amount: usd(insurance) }] : []),
          ...(adjustment ? [{ type: 'discount', code: { text: 'Adjustment' }, amount: usd(adjustment) }] : []),
        ],
      })),
      totalGross: usd(sum(1)), totalNet: usd(share),
      extension: [ext('balance-due', { valueMoney: usd(due) })],
    });
  };
  const billing = (pid, guarantor, invoiceKey, daysAgo, billed, insurance, balance) => {
    account(pid, guarantor);
    invoice(pid, guarantor, invoiceKey, daysAgo, 'Office visit', [['Office visit, established patient', billed, insurance]], billed - insurance - balance);
  };
  // A monthly statement: a PDF (Binary) and its DocumentReference.
  const statementDoc = (pid, key, daysAgo, binary, title, size) => add({
    resourceType: 'DocumentReference', id: `doc-${pid}-${key}`, status: 'current',
    type: { coding: [{ system: 'urn:chartty:document-type', code: 'statement', display: 'Statement' }], text: 'Statement' },
    subject: ref('Patient', pid), date: at(daysAgo), description: `Statement ${title.replace(/^statement-|\.pdf$/g, '')}`,
    content: [{ attachment: { contentType: 'application/pdf', url: `Binary/${binary}`, title, size, creation: at(daysAgo) } }],
  });
  const coverage = (pid, subscriber, memberId) => add({
    resourceType: 'Coverage', id: `cov-${pid}`, status: 'active',
    type: cc('http://terminology.hl7.org/CodeSystem/v3-ActCode', 'HIP', 'health insurance plan policy'),
    beneficiary: ref('Patient', pid), subscriber: ref('Patient', subscriber), subscriberId: memberId,
    relationship: cc('http://terminology.hl7.org/CodeSystem/subscriber-relationship', pid === subscriber ? 'self' : 'child', pid === subscriber ? 'Self' : 'Child'),
    payor: [ref('Organization', 'org-acme-health', 'Acme Health Plan')],
    period: { start: date(400) },
    class: [{ type: cc('http://terminology.hl7.org/CodeSystem/coverage-class', 'group', 'Group'), value: 'ACME-GRP-20', name: 'Acme Silver PPO' }],
  });

  /**
   * Maria's other results: the rest of her HbA1c series, a CBC with a
   * critical value, a metabolic panel, imaging and pathology narratives,
   * urinalysis (text, coded and range values), a preliminary culture, a
   * corrected TSH and an ANA titer (ratio). Observation ids are explicit
   * (obs-maria-lopez-<key>) so the generated ids of the rest never move.
   */
  const mariaResults = (M) => {
    const id = (key) => ({ id: `obs-${M}-${key}` });
    const mlab = (key, code, display, daysAgo, value, unit, low, high, extra = {}) =>
      lab(M, code, display, daysAgo, value, unit, low, high, { ...id(key), ...extra });
    const coded = (system, code, display) => ({ valueCodeableConcept: cc(system, code, display) });

    // HbA1c 7 to 9: the series then spans about 3.5 years.
    [[650, 8.3], [960, 8.8], [1300, 9.4]].forEach(([d, v], i) => {
      const o = mlab(`a1c-${i + 7}`, '4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', d, v, '%', undefined, 5.7, {
        note: [{ text: i === 2 ? 'Your diabetes is not well controlled yet. We will start metformin today.' : 'Above goal; we will adjust metformin.' }],
      });
      report(M, `a1c-${i + 7}`, '4548-4', 'Hemoglobin A1c', d, [o], { reviewed: true, interpreter: doctors.patel });
    });

    // CBC with a critically low platelet count and the clinician's comment.
    const cbc = [
      mlab('cbc-wbc', '6690-2', 'Leukocytes [#/volume] in Blood by Automated count', 5, 6.8, '10*3/uL', 4.0, 11.0),
      mlab('cbc-hgb', '718-7', 'Hemoglobin [Mass/volume] in Blood', 5, 11.6, 'g/dL', 12.0, 15.5),
      mlab('cbc-hct', '4544-3', 'Hematocrit [Volume Fraction] of Blood by Automated count', 5, 36.4, '%', 36.0, 46.0),
      mlab('cbc-plt', '777-3', 'Platelets [#/volume] in Blood by Automated count', 5, 38, '10*3/uL', 150, 400, {
        interp: 'LL',
        note: [{
          authorReference: doctors.patel, time: at(5, 16, 20),
          text: 'Critical value: your platelet count is very low. I called you about it the same afternoon. Avoid aspirin and ibuprofen, and go to urgent care if you notice unusual bleeding or bruising. We will repeat the test next week.',
        }],
      }),
    ];
    report(M, 'cbc', '58410-2', 'CBC panel - Blood by Automated count', 5, cbc,
      { reviewed: true, interpreter: doctors.patel, conclusion: 'Severe thrombocytopenia (critical value, called to the patient). Mild anemia.' });

    // Comprehensive metabolic panel, same draw as the newest HbA1c: high glucose.
    const cmp = [
      ['glucose', '2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 182, 'mg/dL', 70, 99],
      ['bun', '3094-0', 'Urea nitrogen [Mass/volume] in Serum or Plasma', 16, 'mg/dL', 7, 20],
      ['creatinine', '2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 0.9, 'mg/dL', 0.6, 1.1],
      ['sodium', '2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 139, 'mmol/L', 136, 145],
      ['potassium', '2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 4.3, 'mmol/L', 3.5, 5.1],
      ['chloride', '2075-0', 'Chloride [Moles/volume] in Serum or Plasma', 101, 'mmol/L', 98, 107],
      ['co2', '2028-9', 'Carbon dioxide, total [Moles/volume] in Serum or Plasma', 25, 'mmol/L', 22, 29],
      ['calcium', '17861-6', 'Calcium [Mass/volume] in Serum or Plasma', 9.5, 'mg/dL', 8.6, 10.3],
    ].map(([key, code, display, v, unit, low, high]) => mlab(`cmp-${key}`, code, display, 20, v, unit, low, high));
    report(M, 'cmp', '24323-8', 'Comprehensive metabolic panel - Serum or Plasma', 20, cmp, { interpreter: doctors.patel });

    // Imaging: no results, a narrative and a conclusion.
    report(M, 'chest-xray', '36643-5', 'XR Chest 2 Views', 698, [], {
      category: ['RAD', 'Radiology'], reviewed: true, interpreter: doctors.haddad,
      performer: ref('Organization', 'org-main-street', 'Main Street Clinic Radiology'),
      conclusion: 'No acute cardiopulmonary process. No evidence of pneumonia.',
      narrative: {
        title: 'Chest X-ray report',
        text: [
          'EXAMINATION: XR chest, 2 views (PA and lateral).',
          'CLINICAL HISTORY: Cough for 10 days and low-grade fever. Evaluate for pneumonia.',
          'COMPARISON: None.',
          'FINDINGS:\nLungs: The lungs are clear. No focal consolidation, pleural effusion or pneumothorax.\n' +
            'Heart and mediastinum: The heart size is normal. The mediastinal contours are within normal limits.\n' +
            'Bones and soft tissues: Mild degenerative changes of the thoracic spine. No acute bony abnormality.',
          'IMPRESSION:\n1. No acute cardiopulmonary process. No evidence of pneumonia.\n2. Mild thoracic spondylosis.',
          'Electronically signed by Samir Haddad, MD.',
        ].join('\n\n'),
      },
    });

    // Pathology: a skin biopsy, narrative only.
    report(M, 'skin-biopsy', '60567-5', 'Skin biopsy pathology report', 320, [], {
      category: ['PAT', 'Pathology'], reviewed: true, interpreter: doctors.weber, issued: at(316, 14),
      performer: ref('Organization', 'org-main-street', 'Main Street Clinic Pathology'),
      conclusion: 'Seborrheic keratosis, irritated (benign). Negative for dysplasia and malignancy.',
      narrative: {
        title: 'Surgical pathology report',
        text: [
          'SPECIMEN: Skin, left upper back, shave biopsy.',
          'CLINICAL HISTORY: Pigmented lesion, 6 mm, recently darker. Rule out dysplastic nevus.',
          'GROSS DESCRIPTION: Received in formalin, labeled with the patient\'s name and "left upper back", is a tan-brown ' +
            'shave of skin measuring 0.7 x 0.6 x 0.2 cm. The specimen is inked, bisected and entirely submitted in one cassette.',
          'MICROSCOPIC DESCRIPTION: Sections show an exophytic proliferation of basaloid keratinocytes with horn pseudocysts ' +
            'and hyperpigmentation, with focal inflammation. There is no cytologic atypia. No melanocytic proliferation is identified.',
          'DIAGNOSIS:\nSkin, left upper back, shave biopsy: seborrheic keratosis, irritated.\n' +
            'The lesion does not extend to the margins. Negative for dysplasia and malignancy.',
          'Electronically signed by Julia Weber, MD.',
        ].join('\n\n'),
      },
    });

    // Urinalysis: text, coded and range values; not reviewed yet.
    const ua = [
      observation(M, 'laboratory', '5778-6', 'Color of Urine', 2, { valueString: 'Yellow' }, id('ua-color')),
      observation(M, 'laboratory', '5767-9', 'Appearance of Urine', 2, { valueString: 'Slightly cloudy', interpretation: flag('A'), referenceRange: [{ text: 'Clear' }] }, id('ua-appearance')),
      observation(M, 'laboratory', '25428-4', 'Glucose [Presence] in Urine by Test strip', 2,
        { ...coded(SNOMED, '260385009', 'Negative'), interpretation: flag('N'), referenceRange: [{ text: 'Negative' }] }, id('ua-glucose')),
      observation(M, 'laboratory', '13945-1', 'Erythrocytes [#/area] in Urine sediment by Microscopy high power field', 2, {
        valueRange: { low: qty(0, '/[HPF]'), high: qty(2, '/[HPF]') },
        referenceRange: [{ high: qty(2, '/[HPF]'), text: '0–2 /[HPF]' }], interpretation: flag('N'),
      }, id('ua-rbc')),
      observation(M, 'laboratory', '5821-4', 'Leukocytes [#/area] in Urine sediment by Microscopy high power field', 2, {
        valueRange: { low: qty(10, '/[HPF]'), high: qty(20, '/[HPF]') },
        referenceRange: [{ high: qty(5, '/[HPF]'), text: '0–5 /[HPF]' }], interpretation: flag('H'),
      }, id('ua-wbc')),
    ];
    report(M, 'urinalysis', '24356-8', 'Urinalysis complete panel - Urine', 2, ua, {});

    // Urine culture, preliminary: results preliminary too, not reviewed.
    const culture = observation(M, 'laboratory', '630-4', 'Bacteria identified in Urine by Culture', 2, {
      status: 'preliminary', ...coded(SNOMED, '264868006', 'No growth'), issued: at(1, 8),
      note: [{ text: 'Preliminary: no growth after 24 hours. The final result follows after 48 hours.' }],
    }, id('urine-culture'));
    report(M, 'urine-culture', '630-4', 'Urine culture', 2, [culture], {
      status: 'preliminary', category: ['MB', 'Microbiology'], issued: at(1, 8),
    });

    // A corrected TSH: the observation says what was corrected.
    const tsh = mlab('tsh', '3016-3', 'Thyrotropin [Units/volume] in Serum or Plasma', 60, 2.1, 'm[IU]/L', 0.4, 4.0, {
      status: 'corrected', issued: at(57, 10),
      note: [{ text: `Corrected result: the value first reported on ${date(59)}, 0.21 m[IU]/L (low), was a transcription error. The correct value is 2.1 m[IU]/L, which is normal.` }],
    });
    report(M, 'tsh', '3016-3', 'Thyrotropin (TSH)', 60, [tsh], {
      status: 'corrected', issued: at(57, 10), reviewed: true, interpreter: doctors.patel,
      conclusion: 'Corrected report: thyroid function is normal.',
    });

    // ANA titer 1:80, a Ratio value.
    const ana = observation(M, 'laboratory', '5048-4', 'Nuclear Ab [Titer] in Serum by Immunofluorescence', 60, {
      valueRatio: { numerator: { value: 1 }, denominator: { value: 80 } },
      referenceRange: [{ text: 'Negative: less than 1:40' }], interpretation: flag('A'),
      note: [{ text: 'A low positive ANA (1:80) is common in healthy people and does not by itself mean an autoimmune disease. We will talk about it at your next visit.' }],
    }, id('ana'));
    report(M, 'ana', '5048-4', 'Antinuclear antibody (ANA) titer', 60, [ana], { reviewed: true, interpreter: doctors.patel });
  };

  /* ---- Maria Lopez ---- */
  const M = 'maria-lopez';
  careTeam(M, 'Maria Lopez care team', [[doctors.patel, 'Primary care physician'], [doctors.garcia, 'Cardiologist'], [doctors.chen, 'Nurse practitioner'], [doctors.brooks, 'Billing office']]);
  condition(M, 'diabetes', '44054006', 'Type 2 diabetes mellitus', 'E11.9', 3650);
  condition(M, 'hypertension', '59621000', 'Essential hypertension', 'I10', 4700);
  condition(M, 'bronchitis', '10509002', 'Acute bronchitis', 'J20.9', 700, 'resolved');
  allergy(M, 'penicillin', RXNORM, '70618', 'Penicillin', 'medication', 'high', ['247472004', 'Hives', 'moderate']);
  allergy(M, 'peanut', SNOMED, '256349002', 'Peanut', 'food', 'high', ['39579001', 'Anaphylaxis', 'severe']);
  medication(M, 'metformin', '861007', 'metformin hydrochloride 500 MG Oral Tablet', 'Take 1 tablet by mouth twice daily with meals.', doctors.patel, 3, { quantity: 60, text: 'Metformin 500 mg tablet' });
  medication(M, 'lisinopril', '314076', 'lisinopril 10 MG Oral Tablet', 'Take 1 tablet by mouth once daily.', doctors.patel, 5, { text: 'Lisinopril 10 mg tablet' });
  medication(M, 'ibuprofen', '197806', 'ibuprofen 400 MG Oral Tablet', 'Take 1 tablet by mouth every 6 hours as needed for pain.', doctors.chen, 0, { status: 'completed', authoredDaysAgo: 700, text: 'Ibuprofen 400 mg tablet' });
  // Active but not refillable online: no refills left.
  medication(M, 'prednisone', '312617', 'predniSONE 10 MG Oral Tablet', 'Take 1 tablet by mouth once daily with breakfast.', doctors.chen, 0, { authoredDaysAgo: 21, text: 'Prednisone 10 mg tablet' });
  immunization(M, 'flu', '150', 'Influenza, injectable, quadrivalent, preservative free', 35);
  immunization(M, 'covid', '213', 'SARS-COV-2 (COVID-19) vaccine, UNSPECIFIED FORMULATION', 210);
  immunization(M, 'tdap', '115', 'Tdap', 1900);
  [[20, 138, 86, 72, 81.2], [110, 142, 90, 76, 82.0], [200, 136, 84, 70, 82.9], [380, 146, 92, 78, 84.1], [560, 150, 94, 80, 85.0]]
    .forEach(([d, sys, dia, hr, kg], i) => vitals(M, d, { sys, dia, hr, kg, cm: i === 0 || i === 4 ? 162 : undefined, temp: 36.7 + (i % 3) / 10 }));
  [[20, 7.2], [110, 6.9], [200, 7.1], [290, 7.4], [380, 7.6], [470, 7.9]].forEach(([d, v], i) => {
    const o = lab(M, '4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', d, v, '%', undefined, 5.7,
      i === 0 ? {} : { note: [{ text: v > 7.5 ? 'Above goal; we will adjust metformin.' : 'Close to your goal of 7%. Keep it up.' }] });
    report(M, `a1c-${i + 1}`, '4548-4', 'Hemoglobin A1c', d, [o], { reviewed: i > 0, interpreter: doctors.patel });
  });
  [[110, [205, 48, 128, 160]], [470, [232, 44, 151, 190]]].forEach(([d, [tc, hdl, ldl, tg]], i) => {
    const res = [
      lab(M, '2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma', d, tc, 'mg/dL', undefined, 200),
      lab(M, '2085-9', 'HDL Cholesterol', d, hdl, 'mg/dL', 40, undefined),
      lab(M, '13457-7', 'LDL Cholesterol (calculated)', d, ldl, 'mg/dL', undefined, 100,
        { note: [{ text: 'LDL is above target. Let us talk about diet and whether to start a statin.' }] }),
      lab(M, '2571-8', 'Triglyceride [Mass/volume] in Serum or Plasma', d, tg, 'mg/dL', undefined, 150),
    ];
    report(M, `lipid-${i + 1}`, '24331-1', 'Lipid panel', d, res, { reviewed: true, interpreter: doctors.patel, conclusion: 'Cholesterol above goal.' });
  });
  mariaResults(M);
  appointment(M, 'followup', 4, 15, doctors.patel, 'follow-up', 'Three-month diabetes check', 'booked', {
    instructions: 'Please bring your glucose meter and a list of your medicines. Do not eat for 8 hours before the visit: we will draw blood.',
  });
  appointment(M, 'video', 2, 14, doctors.chen, 'video-visit', 'Review of home blood sugar readings', 'booked', {
    instructions: 'Join 5 minutes early from a quiet place with your readings at hand.',
  });
  // Tomorrow, less than 24 hours away: too late to cancel online.
  appointment(M, 'lab', 0, 0, doctors.patel, 'lab-work', 'Fasting blood draw', 'booked', {
    start: new Date(Math.floor((now.getTime() + 20 * 3600000) / 1800000) * 1800000).toISOString(),
    instructions: 'Do not eat or drink anything but water for 8 hours before.',
  });
  appointment(M, 'cardio', 40, 10, doctors.garcia, 'cardiology-consult', 'Blood pressure review', 'booked');
  const lastVisit = appointment(M, 'past', -20, 9, doctors.patel, 'office-visit', 'Diabetes and blood pressure check', 'fulfilled');
  // Dr. Patel's note of that visit: plain text, as a DocumentReference.
  const noteWritten = new Date(Date.parse(lastVisit.start) + 2 * 3600000).toISOString();
  add({
    resourceType: 'DocumentReference', id: `doc-${M}-visit-note`, status: 'current', docStatus: 'final',
    type: cc('http://loinc.org', '11506-3', 'Progress note'),
    category: [cc('http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category', 'clinical-note', 'Clinical Note')],
    subject: ref('Patient', M), date: noteWritten, author: [doctors.patel],
    description: 'Visit note: diabetes and blood pressure check',
    content: [{
      attachment: {
        contentType: 'text/plain; charset=utf-8', language: 'en', title: 'Visit note', creation: noteWritten,
        data: Buffer.from('Diabetes and blood pressure check.\n\n'
          + 'HbA1c is 7.2 %, up from 6.9 % in August. Blood pressure in the office 138/86.\n\n'
          + 'Plan: keep metformin 500 mg twice daily with meals and walk 30 minutes a day. '
          + 'Repeat HbA1c in three months. Blood pressure is reviewed at the cardiology consult.', 'utf8').toString('base64'),
      },
    }],
    context: { related: [ref('Appointment', lastVisit.id)] },
  });
  appointment(M, 'skipped', -45, 11, doctors.chen, 'office-visit', 'Cough', 'cancelled', { cancelled: 'Feeling better' });
  thread(M, 'metformin', 'Question about metformin', [
    { from: ref('Patient', M, 'Maria Lopez'), to: doctors.patel, daysAgo: 3, hour: 9, read: true, text: 'Should I take metformin before or after breakfast?' },
    { from: doctors.patel, to: ref('Patient', M, 'Maria Lopez'), daysAgo: 2, hour: 16, read: true, text: 'Take it with breakfast and with dinner. It upsets the stomach less that way.' },
  ]);
  // Two replies from the cardiologist, neither read yet.
  thread(M, 'bp', 'Home blood pressure readings', [
    { from: ref('Patient', M, 'Maria Lopez'), to: doctors.garcia, daysAgo: 4, hour: 19, minute: 20, read: true,
      text: 'My home blood pressure readings have been around 145/92 in the mornings this week, even with lisinopril. Should I be worried?' },
    { from: doctors.garcia, to: ref('Patient', M, 'Maria Lopez'), daysAgo: 1, hour: 10, minute: 5,
      text: 'Thank you for sending these. Readings around 145/92 are above your goal of 130/80, so I would like to adjust your treatment before it causes harm.' },
    { from: doctors.garcia, to: ref('Patient', M, 'Maria Lopez'), daysAgo: 1, hour: 10, minute: 12,
      text: 'Please keep measuring every morning for the next two weeks and bring your log to your cardiology consult.\n\nCall 911 if you ever see 180/120 or higher together with chest pain, shortness of breath or a severe headache.' },
  ]);
  // The billing office answers with the statement attached (a Binary only Maria can read).
  const statement = statementPdf();
  add({
    resourceType: 'Binary', id: `bin-${M}-statement`, contentType: 'application/pdf',
    securityContext: ref('Patient', M), data: statement.toString('base64'),
  });
  thread(M, 'billing', 'Billing question', [
    { from: ref('Patient', M, 'Maria Lopez'), to: doctors.brooks, daysAgo: 9, hour: 11, read: true,
      text: 'I received a bill for $50.00 for my office visit. I thought my insurance covered it. Can you explain?' },
    { from: doctors.brooks, to: ref('Patient', M, 'Maria Lopez'), daysAgo: 8, hour: 15, minute: 30, read: true,
      text: 'Acme Health Plan paid $130.00 of the $180.00 visit; the $50.00 left is your share under your deductible. I attached your statement.',
      attachment: { binary: `bin-${M}-statement`, contentType: 'application/pdf', title: 'statement-2026-10.pdf', size: statement.length } },
    { from: ref('Patient', M, 'Maria Lopez'), to: doctors.brooks, daysAgo: 7, hour: 9, read: true,
      text: 'Thank you, that makes sense. I will pay it online.' },
  ], 'billing');
  coverage(M, M, 'ACM-55501');
  // Maria's bills: $225.00 due over three visits, one paid in full (the
  // copays of her booked visits join the account at the end).
  account(M, M);
  invoice(M, M, 'visit1', 20, 'Office visit', [['Office visit, established patient', 180, 130]]);
  invoice(M, M, 'labs', 45, 'Lab work', [['Complete blood count', 45, 30], ['Comprehensive metabolic panel', 60, 40, 5]], 10);
  invoice(M, M, 'urgent', 90, 'Urgent care visit', [['Urgent care visit, moderate', 350, 200, 25], ['X-ray of the wrist, 2 views', 120, 90]]);
  invoice(M, M, 'physical', 200, 'Annual physical', [['Preventive visit, 40 to 64 years', 250, 250]]);
  statementDoc(M, 'statement-1', 8, `bin-${M}-statement`, 'statement-2026-10.pdf', statement.length);
  for (const [n, daysAgo, month] of [[2, 38, 'September 2026'], [3, 68, 'August 2026']]) {
    const pdf = statementPdf(month);
    add({ resourceType: 'Binary', id: `bin-${M}-statement-${n}`, contentType: 'application/pdf', securityContext: ref('Patient', M), data: pdf.toString('base64') });
    statementDoc(M, `statement-${n}`, daysAgo, `bin-${M}-statement-${n}`, `statement-2026-${String(11 - n).padStart(2, '0')}.pdf`, pdf.length);
  }
  // Refill requests in each state; metformin's is still open, so metformin
  // is not refill-eligible until the care team finishes it.
  refillTask(M, 'refill-metformin-1', 'metformin', 'completed', 95, {
    uuid: '5f0c2a8e-3b1d-4c7a-9e21-6d4b8f0a1c01', modifiedDaysAgo: 94, pharmacy: ['org-elm-pharmacy', 'Elm Street Pharmacy'],
  });
  refillTask(M, 'refill-lisinopril-1', 'lisinopril', 'completed', 35, {
    uuid: '5f0c2a8e-3b1d-4c7a-9e21-6d4b8f0a1c02', modifiedDaysAgo: 34, pharmacy: ['org-elm-pharmacy', 'Elm Street Pharmacy'],
    business: 'Ready for pick-up',
  });
  refillTask(M, 'refill-prednisone-1', 'prednisone', 'rejected', 6, {
    uuid: '5f0c2a8e-3b1d-4c7a-9e21-6d4b8f0a1c03', modifiedDaysAgo: 5,
    reason: 'Prednisone is meant as a short course. Please book a visit with Dr. Patel before taking more.',
    notes: [{ authorReference: ref('Patient', M, 'Maria Lopez'), time: at(6, 8, 10), text: 'I have 2 tablets left.' }],
  });
  refillTask(M, 'refill-metformin-2', 'metformin', 'in-progress', 2, {
    uuid: '5f0c2a8e-3b1d-4c7a-9e21-6d4b8f0a1c04', modifiedDaysAgo: 1, pharmacy: ['org-oak-pharmacy', 'Oak Avenue Pharmacy (open 24 hours)'],
    business: 'Sent to the pharmacy',
    notes: [
      { authorReference: ref('Patient', M, 'Maria Lopez'), time: at(2, 8, 10), text: 'I leave for a trip on Friday. Could it be ready before then?' },
      { authorReference: doctors.chen, time: at(1, 16, 45), text: 'Approved and sent to Oak Avenue Pharmacy.' },
    ],
  });

  /* ---- James, Lily and Noah Carter ---- */
  const J = 'james-carter';
  careTeam(J, 'James Carter care team', [[doctors.patel, 'Primary care physician']]);
  condition(J, 'hyperlipidemia', '55822004', 'Hyperlipidemia', 'E78.5', 1200);
  medication(J, 'atorvastatin', '617312', 'atorvastatin 20 MG Oral Tablet', 'Take 1 tablet by mouth at bedtime.', doctors.patel, 4, { text: 'Atorvastatin 20 mg tablet' });
  immunization(J, 'flu', '150', 'Influenza, injectable, quadrivalent, preservative free', 50);
  vitals(J, 60, { sys: 124, dia: 80, hr: 64, kg: 88.5, cm: 183 });
  vitals(J, 420, { sys: 128, dia: 82, hr: 66, kg: 90.1 });
  lab(J, '13457-7', 'LDL Cholesterol (calculated)', 60, 118, 'mg/dL', undefined, 100);
  coverage(J, J, 'ACM-66102');

  const L = 'lily-carter';
  careTeam(L, 'Lily Carter care team', [[doctors.kim, 'Pediatrician']]);
  condition(L, 'otitis', '65363002', 'Otitis media', 'H66.90', 300, 'resolved');
  allergy(L, 'amoxicillin', RXNORM, '723', 'Amoxicillin', 'medication', 'low', ['271807003', 'Skin rash', 'mild']);
  immunization(L, 'dtap', '20', 'DTaP', 800);
  immunization(L, 'mmr', '03', 'MMR', 800);
  immunization(L, 'varicella', '21', 'varicella', 800);
  immunization(L, 'ipv', '10', 'IPV', 800);
  immunization(L, 'flu', '150', 'Influenza, injectable, quadrivalent, preservative free', 40);
  vitals(L, 90, { sys: 98, dia: 62, hr: 92, kg: 21.0, cm: 117, temp: 36.9 }, doctors.kim);
  appointment(L, 'wellchild', 12, 11, doctors.kim, 'well-child', 'Annual check-up', 'booked');
  coverage(L, J, 'ACM-66103');

  const N = 'noah-carter';
  careTeam(N, 'Noah Carter care team', [[doctors.kim, 'Pediatrician']]);
  condition(N, 'asthma', '195967001', 'Asthma', 'J45.909', 2000);
  allergy(N, 'dustmite', SNOMED, '260147004', 'House dust mite', 'environment', 'low', ['267101005', 'Sneezing', 'mild']);
  medication(N, 'albuterol', '745679', '200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler', 'Inhale 2 puffs every 4 to 6 hours as needed for wheezing.', doctors.kim, 2, { quantity: 1, unit: 'inhaler', text: 'Albuterol inhaler' });
  immunization(N, 'tdap', '115', 'Tdap', 1100);
  immunization(N, 'hpv', '165', 'HPV9', 1000);
  immunization(N, 'menacwy', '114', 'meningococcal MCV4P', 1100);
  vitals(N, 70, { sys: 112, dia: 70, hr: 68, kg: 58.2, cm: 171 }, doctors.kim);
  lab(N, '718-7', 'Hemoglobin [Mass/volume] in Blood', 70, 14.6, 'g/dL', 13.0, 17.0);
  appointment(N, 'sports', 9, 16, doctors.kim, 'office-visit', 'Sports physical for school clearance', 'booked');
  thread(N, 'private', 'Private question', [
    { from: ref('Patient', N, 'Noah Carter'), to: doctors.kim, daysAgo: 6, text: 'Can I ask you something without my parents seeing it?' },
    { from: doctors.kim, to: ref('Patient', N, 'Noah Carter'), daysAgo: 5, text: 'Yes. Messages about your health are private to you. What is on your mind?' },
  ]);
  coverage(N, J, 'ACM-66104');
  account(N, J, { monthly: 10, months: 3, dueInDays: 12 });
  invoice(N, J, 'sports', 70, 'Office visit', [['Office visit, established patient', 150, 120]]);
  // Noah's statement goes to James, his guarantor, though Noah is 15: its
  // PDF belongs to the statement (securityContext), not to Noah's record.
  const noahPdf = statementPdf('October 2026');
  add({ resourceType: 'Binary', id: `bin-${N}-statement`, contentType: 'application/pdf', securityContext: ref('DocumentReference', `doc-${N}-statement-1`), data: noahPdf.toString('base64') });
  statementDoc(N, 'statement-1', 9, `bin-${N}-statement`, 'statement-2026-10.pdf', noahPdf.length);

  /* ---- Linda and Harold Nguyen ---- */
  const LN = 'linda-nguyen';
  careTeam(LN, 'Linda Nguyen care team', [[doctors.patel, 'Primary care physician']]);
  condition(LN, 'hypothyroidism', '40930008', 'Hypothyroidism', 'E03.9', 2500);
  medication(LN, 'levothyroxine', '966247', 'levothyroxine sodium 0.05 MG Oral Tablet', 'Take 1 tablet by mouth every morning on an empty stomach.', doctors.patel, 5, { text: 'Levothyroxine 50 mcg tablet' });
  vitals(LN, 150, { sys: 122, dia: 78, hr: 70, kg: 63.5, cm: 160 });
  lab(LN, '3016-3', 'Thyrotropin [Units/volume] in Serum or Plasma', 150, 2.1, 'm[IU]/L', 0.4, 4.0);

  const H = 'harold-nguyen';
  careTeam(H, 'Harold Nguyen care team', [[doctors.patel, 'Primary care physician'], [doctors.garcia, 'Cardiologist']]);
  condition(H, 'afib', '49436004', 'Atrial fibrillation', 'I48.91', 2900);
  condition(H, 'ckd3', '433144002', 'Chronic kidney disease stage 3', 'N18.30', 1500);
  condition(H, 'oa-knee', '239873007', 'Osteoarthritis of knee', 'M17.9', 5000);
  allergy(H, 'sulfa', SNOMED, '387406002', 'Sulfonamide', 'medication', 'high', ['271807003', 'Skin rash', 'moderate']);
  medication(H, 'apixaban', '1364445', 'apixaban 5 MG Oral Tablet', 'Take 1 tablet by mouth twice daily.', doctors.garcia, 5, { quantity: 60, text: 'Apixaban 5 mg tablet' });
  medication(H, 'amlodipine', '197361', 'amlodipine 5 MG Oral Tablet', 'Take 1 tablet by mouth once daily.', doctors.patel, 5, { text: 'Amlodipine 5 mg tablet' });
  immunization(H, 'flu', '197', 'influenza, high-dose, quadrivalent', 30);
  immunization(H, 'pcv20', '216', 'Pneumococcal conjugate PCV20', 400);
  immunization(H, 'zoster', '187', 'zoster recombinant', 900);
  vitals(H, 30, { sys: 134, dia: 76, hr: 82, kg: 71.4, cm: 170 });
  vitals(H, 210, { sys: 141, dia: 79, hr: 88, kg: 72.9 });
  const hLabs = [
    lab(H, '2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 30, 1.7, 'mg/dL', 0.7, 1.3),
    lab(H, '33914-3', 'Glomerular filtration rate/1.73 sq M.predicted', 30, 38, 'mL/min/{1.73_m2}', 60, undefined),
  ];
  report(H, 'renal', '24362-6', 'Renal function panel', 30, hLabs, { interpreter: doctors.patel });
  appointment(H, 'cardio', 8, 14, doctors.garcia, 'follow-up', 'Atrial fibrillation check', 'booked');
  coverage(H, H, 'ACM-70010');

  /* ---- Mallory Tester: hostile strings ---- */
  const MT = 'mallory-tester';
  careTeam(MT, 'Équipe de soins — Mallory 🩺', [[doctors.zoe, 'Dermatologist — Hautärztin']]);
  allergy(MT, 'latex', SNOMED, '111088007', 'Latex', 'environment', 'high', ['247472004', 'Hives', 'severe']);
  out.at(-1).code.text = 'Latex\u001b[2J\u001b]0;pwned\u0007 \u009b31m\u0000\u007f\u0085 red';
  out.at(-1).note = [{ text: 'Carriage\rreturn, tab\there, bell\u0007, backspace\b\b\b, RTL \u202eevil\u202c, emoji 🧤' }];
  condition(MT, 'long', '402387002', 'Allergic contact dermatitis', 'L23.9', 300, 'active');
  const sentence = 'This is a very long problem description written to test how the client wraps, scrolls and truncates text. ';
  out.at(-1).code.text = sentence.repeat(Math.ceil(5000 / sentence.length)).slice(0, 5000);
  medication(MT, 'cream', '106258', 'hydrocortisone 10 MG/ML Topical Cream', 'Apply a thin layer twice daily 💊 — nicht auf offene Wunden.', doctors.zoe, 1, { unit: 'tube', quantity: 1, text: 'Hydrocortisone 1% cream — Şifa 軟膏' });
  vitals(MT, 15, { sys: 118, dia: 76, hr: 71, kg: 61.0, cm: 168 }, doctors.zoe);
  thread(MT, 'escape', 'Üñíçødé subject \u001b[31mred\u001b[0m', [
    { from: doctors.zoe, to: ref('Patient', MT, 'Mallory Tester'), daysAgo: 1, text: 'Hello \u001b]8;;http://evil.example\u0007click\u001b]8;;\u0007 — line one\nline two\r\nzero\u200bwidth, 李 📎' },
  ]);

  /* ---- Walter Long: a very long history ---- */
  const W = 'walter-long';
  careTeam(W, 'Walter Long care team', [[doctors.patel, 'Primary care physician']]);
  condition(W, 'diabetes', '44054006', 'Type 2 diabetes mellitus', 'E11.9', 6000);
  walterConversations(thread, ref('Patient', W, 'Walter Long'), doctors.patel);
  if (big) {
    generateLongHistory(out, W, now);
  }

  /* ---- Zoë Peña: kiosk check-in (no portal account) ---- */
  // Her visit today at Main Street with Łukasz Wiśniewski, RN: the first
  // :00 or :30 at least 90 minutes after startup (tomorrow's date late at
  // night, never moved to a weekday), an office visit with a copay and the
  // pre-visit questions, so every eCheck-in step applies at the kiosk.
  const Z = 'zoe-pena';
  const halfHour = 30 * 60000;
  appointment(Z, 'today', 0, 0, doctors.wisniewski, 'office-visit', 'Blood pressure check', 'booked', {
    start: new Date(Math.ceil((now.getTime() + 90 * 60000) / halfHour) * halfHour).toISOString(),
    instructions: 'Please check in at the lobby kiosk when you arrive.',
  });
  coverage(Z, Z, 'ACM-80560');

  seedSchedules(out, now, doctors);
  // Copays join the patient's guarantor account, when there is one.
  for (const inv of out.filter((r) => r.resourceType === 'Invoice' && !r.account)) {
    const acct = `acct-${inv.subject.reference.split('/')[1]}`;
    if (out.some((r) => r.resourceType === 'Account' && r.id === acct)) {
      inv.account = ref('Account', acct);
    }
  }
  // Account activity for the demo: Maria's last three sign-ins, from a
  // documentation address (RFC 5737), so her list is not empty at first.
  [[3, 18, 42], [11, 7, 55], [24, 20, 10]].forEach(([daysAgo, hour, minute], i) => {
    const recorded = at(daysAgo, hour, minute);
    add({
      ...authEvent(ref('Patient', 'maria-lopez', 'Maria Lopez'), { id: `audit-maria-lopez-signin-${i + 1}`, kind: 'login', address: '203.0.113.7', recorded }),
      meta: { lastUpdated: recorded },
    });
  });
  seedEligibility(out);
  seedConversations(out);
  return { resources: out, activationCodes: activationCodes(now) };
}

/** Walter's topics, in turn: [category, topic, question, answer]. */
/**
 * Schedules of the clinicians patients can book with, free slots on
 * weekdays for the next 4 weeks (9:00 to 16:30 UTC, no lunch hour), some
 * already taken, and the busy slot of every booked visit.
 */
function seedSchedules(out, now, doctors) {
  const rand = rng(7);
  // [key, clinician, visit types, open: free times to book online]
  const offers = [
    ['patel', doctors.patel, ['office-visit', 'follow-up', 'annual-physical', 'video-visit', 'lab-work'], true],
    ['garcia', doctors.garcia, ['cardiology-consult', 'follow-up'], true],
    ['chen', doctors.chen, ['office-visit', 'follow-up', 'video-visit'], true],
    ['kim', doctors.kim, ['well-child', 'office-visit', 'video-visit'], true],
    // The kiosk visit's nurse: no times online, only the busy slot of her visits.
    ['wisniewski', doctors.wisniewski, ['office-visit'], false],
  ];
  const appts = out.filter((r) => r.resourceType === 'Appointment' && r.status === 'booked');
  const clinic = { reference: 'Location/loc-main-street', display: 'Main Street Clinic' };
  const horizon = new Date(now.getTime() + 29 * 86400000).toISOString();
  for (const [key, who, types, open] of offers) {
    const sched = `sched-${key}`;
    out.push({
      resourceType: 'Schedule', id: sched, active: true, actor: [who, clinic],
      serviceType: types.map((t) => ({ coding: [{ system: VISIT_TYPE_SYSTEM, code: t, display: VISIT_TYPES[t].display }], text: VISIT_TYPES[t].display })),
      planningHorizon: { start: now.toISOString(), end: horizon },
      comment: `${who.display}: visits of 30 minutes`,
    });
    const starts = new Set();
    for (let d = 1; open && d <= 28; d++) {
      const day = new Date(now.getTime() + d * 86400000);
      if (day.getUTCDay() === 0 || day.getUTCDay() === 6) {
        continue;
      }
      for (let h = 9; h < 17; h++) {
        for (const m of h === 12 ? [] : [0, 30]) {
          day.setUTCHours(h, m, 0, 0);
          starts.add(day.toISOString());
        }
      }
    }
    for (const a of appts.filter((x) => x.participant.some((p) => p.actor.reference === who.reference))) {
      starts.add(a.start);
    }
    for (const start of [...starts].sort()) {
      const id = `slot-${key}-${start.slice(0, 16).replace(/[-:T]/g, '')}`;
      const appt = appts.find((a) => a.start === start && a.participant.some((p) => p.actor.reference === who.reference));
      out.push({
        resourceType: 'Slot', id, schedule: { reference: `Schedule/${sched}` }, status: appt || rand() < 0.3 ? 'busy' : 'free',
        start, end: new Date(Date.parse(start) + 30 * 60000).toISOString(),
      });
      if (appt) {
        appt.slot = [{ reference: `Slot/${id}` }];
      }
    }
  }
  // The questions a patient answers before an in-person visit.
  const option = (code, display) => ({ valueCoding: { system: 'urn:chartty:answer', code, display } });
  out.push({
    resourceType: 'Questionnaire', id: 'q-previsit', url: QUESTIONNAIRE_PREVISIT, status: 'active', title: 'Before your visit',
    item: [
      { linkId: 'concern', type: 'text', required: true, text: 'What would you like to talk about at this visit?' },
      {
        linkId: 'pain', type: 'integer', required: true, text: 'How much pain are you in today, from 0 (none) to 10 (the worst)?',
        extension: [
          { url: 'http://hl7.org/fhir/StructureDefinition/minValue', valueInteger: 0 },
          { url: 'http://hl7.org/fhir/StructureDefinition/maxValue', valueInteger: 10 },
        ],
      },
      { linkId: 'new-meds', type: 'boolean', required: true, text: 'Have you started any new medicines since your last visit?' },
      {
        linkId: 'feeling', type: 'choice', required: true, text: 'How have you been feeling overall?',
        answerOption: [option('good', 'Good'), option('fair', 'Fair'), option('poor', 'Poor')],
      },
      {
        linkId: 'symptoms', type: 'choice', repeats: true, text: 'Have you had any of these in the past 2 weeks?',
        answerOption: [option('fever', 'Fever'), option('cough', 'Cough'), option('breath', 'Shortness of breath'), option('chest', 'Chest pain'), option('dizzy', 'Dizziness')],
      },
      { linkId: 'flu-shot', type: 'date', text: 'When was your last flu shot, if you know?' },
    ],
  });
}

const WALTER_TOPICS = [
  ['medical-question', 'Morning glucose', 'My fasting glucose was 168 today. Should I change anything?', 'One high morning is not a worry. Keep logging; we will look at the trend at your next visit.'],
  ['prescription', 'Metformin supply', 'I am running low on metformin. Is a refill on its way?', 'Yes, it was sent to your pharmacy this morning.'],
  ['appointment', 'Lab visit time', 'Can I come to the lab visit an hour later?', 'Yes, the lab is open until 4 pm. No need to book again.'],
  ['medical-question', 'Dizzy after standing', 'I felt dizzy when I stood up quickly yesterday.', 'Stand up slowly and drink enough water. Call us if it happens again or you faint.'],
  ['billing', 'Lab bill', 'I got a bill for a lab test. Is that right?', 'That one is covered by your plan; the bill will be corrected within two weeks.'],
  ['medical-question', 'Weight trend', 'I lost two kilograms this month without trying.', 'Thank you for telling us. Let us check it at the next visit; write if you lose more.'],
  ['appointment', 'Flu shot', 'When can I get this year\'s flu shot?', 'Any weekday morning at the Main Street Clinic, no appointment needed.'],
  ['prescription', 'Blood pressure pill', 'Should I take my blood pressure pill before the lab draw?', 'Yes, take it as usual with a little water.'],
  ['medical-question', 'Foot check', 'My left foot feels numb in the evening.', 'Please book a foot check; numbness is worth looking at with diabetes.'],
];

/**
 * Walter's 45 conversations with Dr. Patel (comm-walter-long-01 ... -45,
 * 01 the newest), one every 9 days, so that his list has three pages of
 * 20. Every fifth has no answer yet; the newest two answers are unread.
 */
function walterConversations(thread, walter, patel) {
  for (let i = 1; i <= 45; i++) {
    const [category, topic, question, answer] = WALTER_TOPICS[(i - 1) % WALTER_TOPICS.length];
    const daysAgo = 2 + (i - 1) * 9;
    const messages = [{ from: walter, to: patel, daysAgo, hour: 8, read: true, text: question }];
    if (i % 5 !== 0) {
      messages.push({ from: patel, to: walter, daysAgo: daysAgo - 1, hour: 12, read: i > 2, text: answer });
    }
    thread('walter-long', String(i).padStart(2, '0'), `${topic} (${i})`, messages, category);
  }
}

/** A small one-page PDF: Maria's statement (the attachment of her billing conversation). */
function statementPdf(month = 'October 2026') {
  return textPdf([
    'Main Street Clinic - Patient statement',
    `Statement period: ${month}`,
    'Patient: Maria Lopez    Account: acct-maria-lopez',
    'Office visit, established patient        $180.00',
    'Paid by insurance (Acme Health Plan)    -$130.00',
    'Amount due                                $50.00',
    'Questions? Call 555-0100 or write to us in chartty.',
  ]);
}

/**
 * A one-page PDF showing `lines` (Latin-1, no parentheses or backslashes),
 * built byte by byte so the cross-reference offsets are right.
 */
export function textPdf(lines) {
  const text = lines.map((l, i) => `BT /F1 12 Tf 72 ${720 - i * 20} Td (${l}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const at = Buffer.byteLength(pdf);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = Buffer.byteLength(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** Pending activation codes (the clinic hands them out on paper). */
function activationCodes(now) {
  const issued = new Date(now.getTime() - 2 * 86400000);
  return [{
    code: 'ACT-7Q4M-2KD9', patient: 'grace-okafor', birthDate: '1988-04-12',
    issued: issued.toISOString(), expires: new Date(issued.getTime() + 30 * 86400000).toISOString(),
  }];
}

/** Walter's lab panels: report code and display, then [code, display, min, max, unit, low, high] per result. */
const WALTER_PANELS = [
  ['51990-0', 'Basic metabolic panel - Blood', [
    ['2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 88, 168, 'mg/dL', 70, 99],
    ['3094-0', 'Urea nitrogen [Mass/volume] in Serum or Plasma', 9, 27, 'mg/dL', 7, 20],
    ['2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 0.8, 1.6, 'mg/dL', 0.7, 1.3],
    ['2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 134, 144, 'mmol/L', 136, 145],
    ['2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 3.6, 5.0, 'mmol/L', 3.5, 5.1],
    ['2075-0', 'Chloride [Moles/volume] in Serum or Plasma', 97, 108, 'mmol/L', 98, 107],
    ['2028-9', 'Carbon dioxide, total [Moles/volume] in Serum or Plasma', 21, 30, 'mmol/L', 22, 29],
    ['17861-6', 'Calcium [Mass/volume] in Serum or Plasma', 8.5, 10.4, 'mg/dL', 8.6, 10.3],
  ]],
  ['4548-4', 'Hemoglobin A1c', [['4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', 6.2, 8.6, '%', undefined, 5.7]]],
  ['58410-2', 'CBC panel - Blood by Automated count', [
    ['6690-2', 'Leukocytes [#/volume] in Blood by Automated count', 4.5, 10.5, '10*3/uL', 4.0, 11.0],
    ['718-7', 'Hemoglobin [Mass/volume] in Blood', 12.8, 16.2, 'g/dL', 13.5, 17.5],
    ['4544-3', 'Hematocrit [Volume Fraction] of Blood by Automated count', 38, 49, '%', 41, 53],
    ['777-3', 'Platelets [#/volume] in Blood by Automated count', 145, 380, '10*3/uL', 150, 400],
  ]],
  ['24331-1', 'Lipid panel', [
    ['2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma', 150, 230, 'mg/dL', undefined, 200],
    ['2085-9', 'HDL Cholesterol', 35, 60, 'mg/dL', 40, undefined],
    ['13457-7', 'LDL Cholesterol (calculated)', 70, 150, 'mg/dL', undefined, 100],
    ['2571-8', 'Triglyceride [Mass/volume] in Serum or Plasma', 90, 220, 'mg/dL', undefined, 150],
  ]],
  ['24325-3', 'Hepatic function panel - Serum or Plasma', [
    ['1742-6', 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma', 12, 60, 'U/L', 7, 56],
    ['1920-8', 'Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma', 12, 44, 'U/L', 10, 40],
    ['6768-6', 'Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma', 45, 150, 'U/L', 44, 147],
    ['1975-2', 'Bilirubin.total [Mass/volume] in Serum or Plasma', 0.2, 1.3, 'mg/dL', 0.1, 1.2],
    ['1751-7', 'Albumin [Mass/volume] in Serum or Plasma', 3.3, 4.9, 'g/dL', 3.5, 5.0],
  ]],
  ['3016-3', 'Thyrotropin (TSH)', [['3016-3', 'Thyrotropin [Units/volume] in Serum or Plasma', 0.6, 4.6, 'm[IU]/L', 0.4, 4.0]]],
  ['14959-1', 'Microalbumin/Creatinine ratio - Urine', [['14959-1', 'Microalbumin/Creatinine [Mass Ratio] in Urine', 5, 60, 'mg/g', undefined, 30]]],
];
/** Which panel each lab visit draws, in turn (metabolic panel three times a cycle). */
const WALTER_ROTATION = [0, 1, 2, 0, 3, 4, 0, 5, 6];
const WALTER_LAB_EVERY_DAYS = 8;

/**
 * Ten years of daily home readings (6 a day) and a lab visit every 8
 * days for Walter Long: about 23,900 Observations and 456
 * DiagnosticReports of 1 to 8 results each; the newest two reports are
 * not reviewed yet.
 */
function generateLongHistory(out, pid, now) {
  const rand = rng(42);
  const subject = { reference: `Patient/${pid}` };
  const vital = { coding: [{ system: OBS_CAT, code: 'vital-signs', display: 'Vital Signs' }] };
  const labCat = { coding: [{ system: OBS_CAT, code: 'laboratory', display: 'Laboratory' }] };
  const labService = { coding: [{ system: DIAG_SERVICE, code: 'LAB', display: 'Laboratory' }], text: 'Laboratory' };
  const code = (c, d) => ({ coding: [{ system: LOINC, code: c, display: d }], text: d });
  const q = (value, unit, ucum = unit) => ({ value, unit, system: UCUM, code: ucum });
  const interpretation = (c) => [{ coding: [{ system: INTERP, code: c, display: { H: 'High', L: 'Low', N: 'Normal' }[c] }] }];
  const kinds = [
    ['8867-4', 'Heart rate', () => ({ valueQuantity: q(60 + Math.round(rand() * 30), 'beats/minute', '/min') })],
    ['29463-7', 'Body weight', (d) => ({ valueQuantity: q(Math.round((92 - d / 600 + rand()) * 10) / 10, 'kg') })],
    ['59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry', () => ({ valueQuantity: q(93 + Math.round(rand() * 6), '%') })],
    ['8310-5', 'Body temperature', () => ({ valueQuantity: q(Math.round((36.4 + rand() * 0.8) * 10) / 10, 'Cel') })],
    ['2339-0', 'Glucose [Mass/volume] in Blood', () => ({ valueQuantity: q(90 + Math.round(rand() * 90), 'mg/dL') }), labCat],
  ];
  let n = 0;
  let visits = 0;
  const days = 3650;
  for (let d = days; d >= 1; d--) {
    const t = new Date(now.getTime() - d * 86400000);
    t.setUTCHours(7, 15, 0, 0);
    const when = t.toISOString();
    const id = () => `obs-${pid}-${++n}`;
    const sys = 120 + Math.round(rand() * 30);
    out.push({
      resourceType: 'Observation', id: id(), status: 'final', category: [vital], code: code('85354-9', 'Blood pressure panel with all children optional'),
      subject, effectiveDateTime: when,
      component: [
        { code: code('8480-6', 'Systolic blood pressure'), valueQuantity: q(sys, 'mmHg', 'mm[Hg]') },
        { code: code('8462-4', 'Diastolic blood pressure'), valueQuantity: q(70 + Math.round(rand() * 20), 'mmHg', 'mm[Hg]') },
      ],
    });
    for (const [c, display, value, cat] of kinds) {
      out.push({ resourceType: 'Observation', id: id(), status: 'final', category: [cat ?? vital], code: code(c, display), subject, effectiveDateTime: when, ...value(d) });
    }
    if (d % WALTER_LAB_EVERY_DAYS !== 0) {
      continue;
    }
    // A lab visit: one panel, its results issued the same afternoon.
    const [panelCode, panelName, tests] = WALTER_PANELS[WALTER_ROTATION[visits++ % WALTER_ROTATION.length]];
    const drawn = new Date(t.getTime() + 75 * 60000).toISOString();
    const issued = new Date(t.getTime() + 7 * 3600000).toISOString();
    const ids = [];
    for (const [c, display, min, max, unit, low, high] of tests) {
      const raw = min + rand() * (max - min);
      const value = max >= 100 ? Math.round(raw) : Math.round(raw * 10) / 10;
      const interp = high !== undefined && value > high ? 'H' : low !== undefined && value < low ? 'L' : 'N';
      const oid = id();
      ids.push({ reference: `Observation/${oid}`, display });
      out.push({
        resourceType: 'Observation', id: oid, status: 'final', category: [labCat], code: code(c, display), subject,
        effectiveDateTime: drawn, issued, valueQuantity: q(value, unit),
        referenceRange: [{ ...(low !== undefined ? { low: q(low, unit) } : {}), ...(high !== undefined ? { high: q(high, unit) } : {}) }],
        interpretation: interpretation(interp),
      });
    }
    out.push({
      resourceType: 'DiagnosticReport', id: `dr-${pid}-${d}`, status: 'final', category: [labService],
      code: code(panelCode, panelName), subject, effectiveDateTime: drawn, issued, result: ids,
      performer: [{ reference: 'Organization/org-main-street', display: 'Main Street Clinic Laboratory' }],
      ...(d > 2 * WALTER_LAB_EVERY_DAYS ? { extension: [{ url: 'urn:chartty:reviewed', valueBoolean: true }] } : {}),
    });
  }
}
