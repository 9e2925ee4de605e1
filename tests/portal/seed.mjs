// Synthetic seed data for the test portal: patients, clinical records,
// accounts and codes. Everything is fictional; dates are relative to `now`
// so the data never ages. Ids are stable so tests can name them.

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
 * Builds the seed for the day `now`.
 * @returns {{resources: object[], activationCodes: object[]}}
 */
export function buildSeed(now = new Date(), { big = true } = {}) {
  const day = 86400000;
  const at = (daysAgo, hour = 9, minute = 0) => {
    const d = new Date(now.getTime() - daysAgo * day);
    d.setUTCHours(hour, minute, 0, 0);
    return d.toISOString();
  };
  const date = (daysAgo) => at(daysAgo).slice(0, 10);
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
  add({
    resourceType: 'Organization', id: 'org-elm-pharmacy', active: true, name: 'Elm Street Pharmacy',
    type: [cc('http://terminology.hl7.org/CodeSystem/organization-type', 'prov', 'Healthcare Provider', 'Pharmacy')],
    telecom: [{ system: 'phone', value: '555-0142' }],
    address: [{ line: ['42 Elm Street'], city: 'Springfield', state: 'IL', postalCode: '62702' }],
  });
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
  const urgentCare = (id, name, line, wait) => add({
    resourceType: 'Location', id, status: 'active', name,
    managingOrganization: ref('Organization', 'org-main-street'),
    type: [{ coding: [{ code: 'urgent-care', display: 'Urgent care' }], text: 'Urgent care' }],
    address: { line: [line], city: 'Springfield', state: 'IL', postalCode: '62703' },
    extension: [ext('wait-minutes', { valueInteger: wait })],
  });
  urgentCare('loc-urgent-north', 'Main Street Urgent Care North', '900 North Avenue', 25);
  urgentCare('loc-urgent-east', 'Main Street Urgent Care East', '15 East Road', 50);

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
  add({
    resourceType: 'Practitioner', id: 'pr-zoe-unal', active: true,
    name: [{ given: ['Zoë'], family: 'Ünal-Şahin 李', text: 'Zoë Ünal-Şahin 李' }],
    identifier: [{ system: NPI, value: '1962474541' }],
    qualification: [{ code: { text: 'Dermatology — Hautärztin' } }],
  });
  const doctors = {
    patel: ref('Practitioner', 'pr-anita-patel', 'Anita Patel, MD'),
    kim: ref('Practitioner', 'pr-robert-kim', 'Robert Kim, MD'),
    garcia: ref('Practitioner', 'pr-elena-garcia', 'Elena Garcia, MD'),
    chen: ref('Practitioner', 'pr-david-chen', 'David Chen, NP'),
    zoe: ref('Practitioner', 'pr-zoe-unal', 'Zoë Ünal-Şahin 李'),
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
    extension: [ext('refill-eligible', { valueBoolean: opts.refill ?? (opts.status ?? 'active') === 'active' })],
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
  const flag = (code) => [cc(INTERP, code, { H: 'High', L: 'Low', N: 'Normal', HH: 'Critical high', A: 'Abnormal' }[code])];
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
  const lab = (pid, code, display, daysAgo, value, unit, low, high, extra = {}) => {
    const interp = high !== undefined && value > high ? 'H' : low !== undefined && value < low ? 'L' : 'N';
    return observation(pid, 'laboratory', code, display, daysAgo, {
      valueQuantity: qty(value, unit),
      referenceRange: [{
        ...(low !== undefined ? { low: qty(low, unit) } : {}), ...(high !== undefined ? { high: qty(high, unit) } : {}),
        text: low !== undefined && high !== undefined ? `${low}–${high} ${unit}` : high !== undefined ? `< ${high} ${unit}` : `> ${low} ${unit}`,
      }],
      interpretation: flag(interp),
    }, extra);
  };
  const report = (pid, key, code, display, daysAgo, results, opts = {}) => add({
    resourceType: 'DiagnosticReport', id: `dr-${pid}-${key}`, status: 'final',
    category: [cc('http://terminology.hl7.org/CodeSystem/v2-0074', 'LAB', 'Laboratory')],
    code: cc(LOINC, code, display), subject: ref('Patient', pid),
    effectiveDateTime: at(daysAgo, 9, 30), issued: at(daysAgo, 15),
    performer: [ref('Organization', 'org-main-street', 'Main Street Clinic Laboratory')],
    resultsInterpreter: opts.interpreter ? [opts.interpreter] : undefined,
    result: results.map((o) => ref('Observation', o.id, o.code.text)),
    conclusion: opts.conclusion,
    extension: opts.reviewed ? [ext('reviewed', { valueBoolean: true })] : undefined,
  });
  const appointment = (pid, key, daysFromNow, hour, practitionerRef, service, reason, status) => add({
    resourceType: 'Appointment', id: `appt-${pid}-${key}`, status,
    serviceType: [{ text: service }], reasonCode: [{ text: reason }],
    start: at(-daysFromNow, hour), end: at(-daysFromNow, hour, 30), minutesDuration: 30,
    participant: [
      { actor: ref('Patient', pid), status: 'accepted' },
      { actor: practitionerRef, status: 'accepted' },
      { actor: ref('Location', 'loc-main-street', 'Main Street Clinic'), status: 'accepted' },
    ],
  });
  const thread = (pid, key, topic, messages) => {
    const header = add({
      resourceType: 'Communication', id: `comm-${pid}-${key}`, status: 'completed',
      category: [{ text: 'Medical question' }], topic: { text: topic },
      subject: ref('Patient', pid), recipient: [messages[0].to], sender: messages[0].from,
      sent: at(messages.at(-1).daysAgo, messages.at(-1).hour ?? 14),
    });
    messages.forEach((m, i) => add({
      resourceType: 'Communication', id: `comm-${pid}-${key}-${i + 1}`, status: 'completed',
      partOf: [ref('Communication', header.id)], subject: ref('Patient', pid),
      sender: m.from, recipient: [m.to], sent: at(m.daysAgo, m.hour ?? 14),
      ...(m.read ? { received: at(m.daysAgo, (m.hour ?? 14) + 1) } : {}),
      payload: [{ contentString: m.text }],
    }));
  };
  const billing = (pid, guarantor, invoiceKey, daysAgo, billed, insurance, balance) => {
    add({
      resourceType: 'Account', id: `acct-${pid}`, status: 'active', name: 'Main Street Clinic guarantor account',
      subject: [ref('Patient', pid)], owner: ref('Organization', 'org-main-street'),
      guarantor: [{ party: ref('Patient', guarantor) }],
      extension: [ext('paperless', { valueBoolean: false })],
    });
    add({
      resourceType: 'Invoice', id: `inv-${pid}-${invoiceKey}`, status: 'issued', date: at(daysAgo),
      subject: ref('Patient', pid), recipient: ref('Patient', guarantor), account: ref('Account', `acct-${pid}`),
      issuer: ref('Organization', 'org-main-street', 'Main Street Clinic'),
      lineItem: [{
        sequence: 1, chargeItemCodeableConcept: { text: 'Office visit, established patient' },
        priceComponent: [
          { type: 'base', amount: { value: billed, currency: 'USD' } },
          { type: 'deduction', code: { text: 'Paid by insurance' }, amount: { value: insurance, currency: 'USD' } },
        ],
      }],
      totalGross: { value: billed, currency: 'USD' }, totalNet: { value: billed - insurance, currency: 'USD' },
      extension: [ext('balance-due', { valueMoney: { value: balance, currency: 'USD' } })],
    });
  };
  const coverage = (pid, subscriber, memberId) => add({
    resourceType: 'Coverage', id: `cov-${pid}`, status: 'active',
    type: cc('http://terminology.hl7.org/CodeSystem/v3-ActCode', 'HIP', 'health insurance plan policy'),
    beneficiary: ref('Patient', pid), subscriber: ref('Patient', subscriber), subscriberId: memberId,
    relationship: cc('http://terminology.hl7.org/CodeSystem/subscriber-relationship', pid === subscriber ? 'self' : 'child', pid === subscriber ? 'Self' : 'Child'),
    payor: [ref('Organization', 'org-acme-health', 'Acme Health Plan')],
    period: { start: date(400) },
    class: [{ type: cc('http://terminology.hl7.org/CodeSystem/coverage-class', 'group', 'Group'), value: 'ACME-GRP-20', name: 'Acme Silver PPO' }],
  });

  /* ---- Maria Lopez ---- */
  const M = 'maria-lopez';
  careTeam(M, 'Maria Lopez care team', [[doctors.patel, 'Primary care physician'], [doctors.garcia, 'Cardiologist'], [doctors.chen, 'Nurse practitioner']]);
  condition(M, 'diabetes', '44054006', 'Type 2 diabetes mellitus', 'E11.9', 3650);
  condition(M, 'hypertension', '59621000', 'Essential hypertension', 'I10', 4700);
  condition(M, 'bronchitis', '10509002', 'Acute bronchitis', 'J20.9', 700, 'resolved');
  allergy(M, 'penicillin', RXNORM, '70618', 'Penicillin', 'medication', 'high', ['247472004', 'Hives', 'moderate']);
  allergy(M, 'peanut', SNOMED, '256349002', 'Peanut', 'food', 'high', ['39579001', 'Anaphylaxis', 'severe']);
  medication(M, 'metformin', '861007', 'metformin hydrochloride 500 MG Oral Tablet', 'Take 1 tablet by mouth twice daily with meals.', doctors.patel, 3, { quantity: 60, text: 'Metformin 500 mg tablet' });
  medication(M, 'lisinopril', '314076', 'lisinopril 10 MG Oral Tablet', 'Take 1 tablet by mouth once daily.', doctors.patel, 5, { text: 'Lisinopril 10 mg tablet' });
  medication(M, 'ibuprofen', '197806', 'ibuprofen 400 MG Oral Tablet', 'Take 1 tablet by mouth every 6 hours as needed for pain.', doctors.chen, 0, { status: 'completed', authoredDaysAgo: 700, text: 'Ibuprofen 400 mg tablet' });
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
  appointment(M, 'followup', 5, 15, doctors.patel, 'Diabetes follow-up', 'Three-month diabetes check', 'booked');
  appointment(M, 'cardio', 40, 10, doctors.garcia, 'Cardiology consult', 'Blood pressure review', 'booked');
  appointment(M, 'past', -20, 9, doctors.patel, 'Office visit', 'Diabetes and blood pressure check', 'fulfilled');
  thread(M, 'metformin', 'Question about metformin', [
    { from: ref('Patient', M, 'Maria Lopez'), to: doctors.patel, daysAgo: 3, hour: 9, read: true, text: 'Should I take metformin before or after breakfast?' },
    { from: doctors.patel, to: ref('Patient', M, 'Maria Lopez'), daysAgo: 2, hour: 16, text: 'Take it with breakfast and with dinner. It upsets the stomach less that way.' },
  ]);
  coverage(M, M, 'ACM-55501');
  billing(M, M, 'visit1', 20, 180, 130, 50);

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
  appointment(L, 'wellchild', 12, 11, doctors.kim, 'Well-child visit', 'Annual check-up', 'booked');
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
  appointment(N, 'sports', 9, 16, doctors.kim, 'Sports physical', 'School sports clearance', 'booked');
  thread(N, 'private', 'Private question', [
    { from: ref('Patient', N, 'Noah Carter'), to: doctors.kim, daysAgo: 6, text: 'Can I ask you something without my parents seeing it?' },
    { from: doctors.kim, to: ref('Patient', N, 'Noah Carter'), daysAgo: 5, text: 'Yes. Messages about your health are private to you. What is on your mind?' },
  ]);
  coverage(N, J, 'ACM-66104');
  billing(N, J, 'sports', 70, 150, 120, 30);

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
  appointment(H, 'cardio', 8, 14, doctors.garcia, 'Cardiology follow-up', 'Atrial fibrillation check', 'booked');
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
  if (big) {
    generateLongHistory(out, W, now);
  }

  return { resources: out, activationCodes: activationCodes(now) };
}

/** Pending activation codes (the clinic hands them out on paper). */
function activationCodes(now) {
  const issued = new Date(now.getTime() - 2 * 86400000);
  return [{
    code: 'ACT-7Q4M-2KD9', patient: 'grace-okafor', birthDate: '1988-04-12',
    issued: issued.toISOString(), expires: new Date(issued.getTime() + 30 * 86400000).toISOString(),
  }];
}

/**
 * Ten years of daily home readings (6 a day) and monthly lab panels for
 * Walter Long: about 22,500 Observations and 120 DiagnosticReports.
 */
function generateLongHistory(out, pid, now) {
  const rand = rng(42);
  const subject = { reference: `Patient/${pid}` };
  const vital = { coding: [{ system: OBS_CAT, code: 'vital-signs', display: 'Vital Signs' }] };
  const labCat = { coding: [{ system: OBS_CAT, code: 'laboratory', display: 'Laboratory' }] };
  const code = (c, d) => ({ coding: [{ system: LOINC, code: c, display: d }], text: d });
  const q = (value, unit, ucum = unit) => ({ value, unit, system: UCUM, code: ucum });
  const kinds = [
    ['8867-4', 'Heart rate', () => ({ valueQuantity: q(60 + Math.round(rand() * 30), 'beats/minute', '/min') })],
    ['29463-7', 'Body weight', (d) => ({ valueQuantity: q(Math.round((92 - d / 600 + rand()) * 10) / 10, 'kg') })],
    ['59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry', () => ({ valueQuantity: q(93 + Math.round(rand() * 6), '%') })],
    ['8310-5', 'Body temperature', () => ({ valueQuantity: q(Math.round((36.4 + rand() * 0.8) * 10) / 10, 'Cel') })],
    ['2339-0', 'Glucose [Mass/volume] in Blood', () => ({ valueQuantity: q(90 + Math.round(rand() * 90), 'mg/dL') }), labCat],
  ];
  let n = 0;
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
    if (d % 30 === 0) {
      const panel = [
        ['2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 0.8 + rand() * 0.8, 'mg/dL', 0.7, 1.3],
        ['2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 3.6 + rand() * 1.4, 'mmol/L', 3.5, 5.1],
        ['2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 134 + rand() * 10, 'mmol/L', 136, 145],
        ['4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', 6.2 + rand() * 2.4, '%', undefined, 5.7],
      ];
      const ids = [];
      for (const [c, display, raw, unit, low, high] of panel) {
        const value = Math.round(raw * 10) / 10;
        const interp = high !== undefined && value > high ? 'H' : low !== undefined && value < low ? 'L' : 'N';
        const oid = id();
        ids.push({ reference: `Observation/${oid}`, display });
        out.push({
          resourceType: 'Observation', id: oid, status: 'final', category: [labCat], code: code(c, display), subject,
          effectiveDateTime: when, valueQuantity: q(value, unit),
          referenceRange: [{ ...(low !== undefined ? { low: q(low, unit) } : {}), high: q(high, unit) }],
          interpretation: [{ coding: [{ system: INTERP, code: interp }] }],
        });
      }
      out.push({
        resourceType: 'DiagnosticReport', id: `dr-${pid}-${d}`, status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB', display: 'Laboratory' }] }],
        code: code('51990-0', 'Basic metabolic panel - Blood'), subject, effectiveDateTime: when, issued: when, result: ids,
        extension: [{ url: 'urn:chartty:reviewed', valueBoolean: true }],
      });
    }
  }
}
