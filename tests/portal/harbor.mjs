// Harbor Clinic: a second health system where Maria Lopez of Main Street
// is also a patient, served as a plain SMART on FHIR server (smart.mjs):
// SMART discovery, the browser sign-in, tokens and US Core reads, none of
// the portal's extensions. Its records are US Core shaped, with its own
// ids (hb-...), its own code systems for identifiers and no urn:chartty:
// anything, so a client that links both clinics meets what a real health
// system serves.
//
//   node --experimental-websocket server.mjs --clinic harbor
//
// Two records repeat what Main Street holds, for the merged lists of
// linked accounts: the flu shot (CVX 150, the same day and time as
// imm-maria-lopez-flu, dayClock of seed.mjs, 35 days back at 10:00 UTC),
// imported at Harbor from the state registry; and the penicillin allergy
// (RxNorm 70618, as allergy-maria-lopez-penicillin). Everything else is
// Harbor's own. Dates are relative to startup like the Main Street seed.

import { dayClock, textPdf } from './seed.mjs';

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const CVX = 'http://hl7.org/fhir/sid/cvx';
const UCUM = 'http://unitsofmeasure.org';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
const NPI = 'http://hl7.org/fhir/sid/us-npi';
const MRN = 'http://harbor-clinic.example.org/fhir/sid/mrn';
const OBS_CAT = 'http://terminology.hl7.org/CodeSystem/observation-category';
const INTERP = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const DIAG_SERVICE = 'http://terminology.hl7.org/CodeSystem/v2-0074';
const COND_CAT = 'http://terminology.hl7.org/CodeSystem/condition-category';
const DOC_CAT = 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category';
const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';

/** The one account: Maria Lopez, the same person as Main Street's. */
export const HARBOR_ACCOUNTS = [
  { email: 'maria@example.org', password: 'Harbor-demo-1', patient: 'hb-maria-lopez' },
];

/**
 * Registered clients. A public client may use any loopback redirect
 * (http://127.0.0.1, http://[::1] or http://localhost, any port and path:
 * RFC 8252 §7.3 and §8.3) and exactly the redirect_uris listed.
 */
export const HARBOR_CLIENTS = [
  { clientId: 'chartty-harbor', name: 'chartty', redirectUris: ['https://chartty.example.org/callback'] },
];

/** What discovery announces: SMART's own capabilities only. */
export const HARBOR_CAPABILITIES = [
  'launch-standalone', 'client-public', 'context-standalone-patient', 'permission-offline',
  'permission-patient', 'permission-v2', 'sso-openid-connect',
];

/** The record types served; everything else is 404. */
export const HARBOR_TYPES = [
  'Patient', 'AllergyIntolerance', 'Condition', 'MedicationRequest', 'Medication', 'Immunization',
  'Observation', 'DiagnosticReport', 'Encounter', 'Practitioner', 'Organization', 'Location',
  'DocumentReference', 'Binary', 'Appointment', 'Communication',
];

const cc = (system, code, display, text) => ({ coding: [{ system, code, display }], text: text ?? display });
const ref = (type, id, display) => ({ reference: `${type}/${id}`, ...(display ? { display } : {}) });
const qty = (value, unit, code = unit) => ({ value, unit, system: UCUM, code });
const profile = (...names) => ({ profile: names.map((n) => (n.startsWith('http') ? n : `${US_CORE}/${n}`)) });
const base64 = (text) => Buffer.from(text, 'utf8').toString('base64');

/**
 * Harbor Clinic's resources for the day `now`.
 * @returns {{resources: object[], activationCodes: object[]}}
 */
export function buildHarborSeed(now = new Date()) {
  const { at, date } = dayClock(now);
  const out = [];
  const add = (r) => {
    out.push(r);
    return r;
  };
  const P = 'hb-maria-lopez';
  const maria = ref('Patient', P, 'Maria Lopez');

  /* ---- directory ---- */
  const org = ref('Organization', 'hb-org-harbor', 'Harbor Clinic');
  add({
    resourceType: 'Organization', id: 'hb-org-harbor', meta: profile('us-core-organization'), active: true,
    identifier: [{ system: NPI, value: '1336579200' }], name: 'Harbor Clinic',
    type: [cc('http://terminology.hl7.org/CodeSystem/organization-type', 'prov', 'Healthcare Provider')],
    telecom: [{ system: 'phone', value: '555-0200', use: 'work' }],
    address: [{ line: ['250 Harbor Drive'], city: 'Lakeport', state: 'IL', postalCode: '62801', country: 'US' }],
  });
  const location = ref('Location', 'hb-loc-harbor', 'Harbor Clinic');
  add({
    resourceType: 'Location', id: 'hb-loc-harbor', meta: profile('us-core-location'), status: 'active', name: 'Harbor Clinic',
    type: [cc('http://terminology.hl7.org/CodeSystem/v3-RoleCode', 'OF', 'Outpatient facility')],
    telecom: [{ system: 'phone', value: '555-0200' }],
    address: { line: ['250 Harbor Drive'], city: 'Lakeport', state: 'IL', postalCode: '62801', country: 'US' },
    managingOrganization: org,
  });
  // Names as many systems send them: parts only, no text.
  const practitioner = (id, given, family, suffix, npi) => {
    add({
      resourceType: 'Practitioner', id, meta: profile('us-core-practitioner'), active: true,
      identifier: [{ system: NPI, value: npi }],
      name: [{ use: 'official', family, given: [given], suffix: [suffix] }],
    });
    return ref('Practitioner', id, `${given} ${family}, ${suffix}`);
  };
  const lindqvist = practitioner('hb-pr-nora-lindqvist', 'Nora', 'Lindqvist', 'MD', '1472093859');
  const ortega = practitioner('hb-pr-tomas-ortega', 'Tomás', 'Ortega', 'PA-C', '1628405171');

  /* ---- the patient ---- */
  add({
    resourceType: 'Patient', id: P, meta: profile('us-core-patient'),
    extension: [
      { url: `${US_CORE}/us-core-birthsex`, valueCode: 'F' },
      {
        url: `${US_CORE}/us-core-ethnicity`,
        extension: [
          { url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2135-2', display: 'Hispanic or Latino' } },
          { url: 'text', valueString: 'Hispanic or Latino' },
        ],
      },
    ],
    identifier: [{
      use: 'usual', type: cc('http://terminology.hl7.org/CodeSystem/v2-0203', 'MR', 'Medical record number', 'MRN'),
      system: MRN, value: 'HB-00417733',
    }],
    active: true,
    name: [{ use: 'official', family: 'Lopez', given: ['Maria'] }],
    telecom: [{ system: 'phone', value: '555-0111', use: 'mobile' }, { system: 'email', value: 'maria@example.org' }],
    gender: 'female', birthDate: '1971-03-14',
    address: [{ use: 'home', line: ['48 Cedar Street'], city: 'Springfield', state: 'IL', postalCode: '62704', country: 'US' }],
    communication: [{ language: cc('urn:ietf:bcp:47', 'en-US', 'English (United States)', 'English'), preferred: true }],
    generalPractitioner: [lindqvist],
    managingOrganization: org,
  });

  /* ---- visits: encounters and appointments ---- */
  const encounter = (key, daysAgo, hour, type, reason, who) => add({
    resourceType: 'Encounter', id: `hb-enc-${key}`, meta: profile('us-core-encounter'), status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    type: [type], subject: maria,
    participant: [{ type: [cc('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'PPRF', 'primary performer')], individual: who }],
    period: { start: at(daysAgo, hour), end: at(daysAgo, hour, 40) },
    reasonCode: [{ text: reason }],
    location: [{ location }], serviceProvider: org,
  });
  const checkup = encounter('checkup', 60, 9, cc(SNOMED, '185349003', 'Encounter for check up'), 'Yearly check-up', lindqvist);
  const ankle = encounter('ankle', 300, 15, cc(SNOMED, '185345009', 'Encounter for symptom'), 'Right ankle pain after a fall', ortega);
  const appointment = (key, status, start, minutes, description, who) => add({
    resourceType: 'Appointment', id: `hb-appt-${key}`, status,
    appointmentType: cc('http://terminology.hl7.org/CodeSystem/v2-0276', 'ROUTINE', 'Routine appointment - default if not valued'),
    serviceType: [{ text: 'Office visit' }], description,
    start, end: new Date(Date.parse(start) + minutes * 60000).toISOString(), minutesDuration: minutes,
    participant: [
      { actor: maria, required: 'required', status: 'accepted' },
      { actor: who, required: 'required', status: 'accepted' },
      { actor: location, required: 'required', status: 'accepted' },
    ],
  });
  appointment('checkup', 'fulfilled', at(60, 9), 40, 'Yearly check-up', lindqvist);
  // 12 days ahead at 14:30 UTC, moved on to the Monday when that is a weekend.
  const next = new Date(at(-12, 14, 30));
  while (next.getUTCDay() === 0 || next.getUTCDay() === 6) {
    next.setUTCDate(next.getUTCDate() + 1);
  }
  appointment('followup', 'booked', next.toISOString(), 20, 'Cholesterol and vitamin D follow-up', lindqvist);

  /* ---- problems ---- */
  const condition = (key, category, code, display, icd, icdDisplay, onset, extra = {}) => add({
    resourceType: 'Condition', id: `hb-cond-${key}`,
    meta: profile(category === 'encounter-diagnosis' ? 'us-core-condition-encounter-diagnosis' : 'us-core-condition-problems-health-concerns'),
    clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/condition-clinical', extra.abatementDateTime ? 'resolved' : 'active', extra.abatementDateTime ? 'Resolved' : 'Active'),
    verificationStatus: cc('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed', 'Confirmed'),
    category: [cc(COND_CAT, category, category === 'encounter-diagnosis' ? 'Encounter Diagnosis' : 'Problem List Item')],
    code: { coding: [{ system: SNOMED, code, display }, { system: ICD10, code: icd, display: icdDisplay }], text: display },
    subject: maria, onsetDateTime: onset, recordedDate: onset, recorder: lindqvist,
    ...extra,
  });
  condition('hyperlipidemia', 'problem-list-item', '55822004', 'Hyperlipidemia', 'E78.5', 'Hyperlipidemia, unspecified', at(420));
  condition('vitamin-d', 'problem-list-item', '34713006', 'Vitamin D deficiency', 'E55.9', 'Vitamin D deficiency, unspecified', at(300));
  condition('ankle-sprain', 'encounter-diagnosis', '44465007', 'Sprain of ankle', 'S93.401A', 'Sprain of unspecified ligament of right ankle, initial encounter', at(300, 15),
    { abatementDateTime: at(270), encounter: ref('Encounter', ankle.id), recorder: ortega });

  /* ---- allergies ---- */
  const allergy = (key, code, category, criticality, reaction, recorded) => add({
    resourceType: 'AllergyIntolerance', id: `hb-allergy-${key}`, meta: profile('us-core-allergyintolerance'),
    clinicalStatus: cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', 'active', 'Active'),
    verificationStatus: cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', 'confirmed', 'Confirmed'),
    type: 'allergy', category: [category], criticality, code, patient: maria, recordedDate: recorded, recorder: lindqvist,
    reaction: [{ manifestation: [cc(SNOMED, ...reaction.slice(0, 2))], severity: reaction[2] }],
  });
  // The same substance as Main Street's allergy-maria-lopez-penicillin (RxNorm 70618).
  allergy('penicillin', cc(RXNORM, '70618', 'Penicillin'), 'medication', 'high', ['271807003', 'Eruption of skin', 'moderate'], at(420));
  allergy('latex', cc(SNOMED, '111088007', 'Latex (substance)', 'Latex'), 'environment', 'low', ['40275004', 'Contact dermatitis', 'mild'], at(300));

  /* ---- medications: Medication resources, referenced ---- */
  const medication = (key, rxcui, display, text) => {
    add({ resourceType: 'Medication', id: `hb-med-${key}`, meta: profile('us-core-medication'), code: cc(RXNORM, rxcui, display, text) });
    // No display: a client must read the Medication (_include), as with
    // many health systems.
    return ref('Medication', `hb-med-${key}`);
  };
  const prescription = (key, status, med, dosage, requester, authored, extra = {}) => add({
    resourceType: 'MedicationRequest', id: `hb-medrx-${key}`, meta: profile('us-core-medicationrequest'),
    status, intent: 'order', category: [cc('http://terminology.hl7.org/CodeSystem/medicationrequest-category', 'community', 'Community')],
    reportedBoolean: false, medicationReference: med, subject: maria, authoredOn: authored, requester,
    dosageInstruction: [{ text: dosage.text, timing: { repeat: dosage.repeat }, route: cc(SNOMED, '26643006', 'Oral route', 'By mouth') }],
    dispenseRequest: { numberOfRepeatsAllowed: dosage.refills, quantity: qty(dosage.quantity, 'tablet', '{tbl}') },
    ...extra,
  });
  prescription('atorvastatin', 'active', medication('atorvastatin', '617310', 'atorvastatin 20 MG Oral Tablet', 'Atorvastatin 20 mg tablet'),
    { text: 'Take 1 tablet by mouth every evening.', repeat: { frequency: 1, period: 1, periodUnit: 'd' }, refills: 5, quantity: 30 },
    lindqvist, at(60, 10), { encounter: ref('Encounter', checkup.id), reasonReference: [ref('Condition', 'hb-cond-hyperlipidemia', 'Hyperlipidemia')] });
  prescription('naproxen', 'completed', medication('naproxen', '849727', 'naproxen 500 MG Oral Tablet', 'Naproxen 500 mg tablet'),
    { text: 'Take 1 tablet by mouth twice daily with food for up to 10 days.', repeat: { frequency: 2, period: 1, periodUnit: 'd' }, refills: 0, quantity: 20 },
    ortega, at(300, 16), { encounter: ref('Encounter', ankle.id), reasonReference: [ref('Condition', 'hb-cond-ankle-sprain', 'Sprain of ankle')] });

  /* ---- immunizations ---- */
  // The flu shot given at Main Street (imm-maria-lopez-flu: CVX 150, 35
  // days back at 10:00 UTC), as Harbor has it from the state registry.
  add({
    resourceType: 'Immunization', id: 'hb-imm-flu', meta: profile('us-core-immunization'), status: 'completed',
    vaccineCode: cc(CVX, '150', 'Influenza, injectable, quadrivalent, preservative free'),
    patient: maria, occurrenceDateTime: at(35, 10), recorded: at(33, 12), primarySource: false,
    reportOrigin: cc('http://terminology.hl7.org/CodeSystem/immunization-origin', 'record', 'Written Record', 'State immunization registry'),
  });
  add({
    resourceType: 'Immunization', id: 'hb-imm-ppsv23', meta: profile('us-core-immunization'), status: 'completed',
    vaccineCode: cc(CVX, '33', 'pneumococcal polysaccharide PPV23'),
    patient: maria, encounter: ref('Encounter', checkup.id), occurrenceDateTime: at(400, 10), primarySource: true,
    location, lotNumber: 'PV23-4471', site: cc('http://terminology.hl7.org/CodeSystem/v3-ActSite', 'LA', 'left arm'),
    route: cc('http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration', 'IM', 'Injection, intramuscular'),
    doseQuantity: qty(0.5, 'mL'), performer: [{ actor: lindqvist }],
  });

  /* ---- vital signs ---- */
  let seq = 0;
  const observation = (category, profileName, code, display, daysAgo, value, extra = {}) => add({
    resourceType: 'Observation', id: `hb-obs-${++seq}`,
    meta: profile(profileName), status: 'final',
    category: [cc(OBS_CAT, category, category === 'vital-signs' ? 'Vital Signs' : 'Laboratory')],
    code: cc(LOINC, code, display), subject: maria,
    effectiveDateTime: at(daysAgo, 9, 10), issued: at(daysAgo, category === 'vital-signs' ? 9 : 16, 20),
    ...value, ...extra,
  });
  const flag = (code) => [cc(INTERP, code, { H: 'High', L: 'Low', N: 'Normal' }[code])];
  const vitals = (daysAgo, encounterRef, v) => {
    const common = { encounter: encounterRef, performer: [v.by] };
    observation('vital-signs', 'us-core-blood-pressure', '85354-9', 'Blood pressure panel with all children optional', daysAgo, {
      component: [
        { code: cc(LOINC, '8480-6', 'Systolic blood pressure'), valueQuantity: qty(v.sys, 'mmHg', 'mm[Hg]') },
        { code: cc(LOINC, '8462-4', 'Diastolic blood pressure'), valueQuantity: qty(v.dia, 'mmHg', 'mm[Hg]') },
      ],
    }, common);
    observation('vital-signs', 'us-core-heart-rate', '8867-4', 'Heart rate', daysAgo, { valueQuantity: qty(v.hr, 'beats/minute', '/min') }, common);
    observation('vital-signs', 'us-core-body-weight', '29463-7', 'Body weight', daysAgo, { valueQuantity: qty(v.kg, 'kg') }, common);
    observation('vital-signs', 'us-core-body-temperature', '8310-5', 'Body temperature', daysAgo, { valueQuantity: qty(v.temp, 'Cel') }, common);
    if (v.cm) {
      observation('vital-signs', 'us-core-body-height', '8302-2', 'Body height', daysAgo, { valueQuantity: qty(v.cm, 'cm') }, common);
      const bmi = Math.round((v.kg / (v.cm / 100) ** 2) * 10) / 10;
      observation('vital-signs', 'us-core-bmi', '39156-5', 'Body mass index (BMI) [Ratio]', daysAgo, { valueQuantity: qty(bmi, 'kg/m2') }, common);
    }
  };
  vitals(60, ref('Encounter', checkup.id), { sys: 134, dia: 84, hr: 70, kg: 80.6, cm: 162, temp: 36.8, by: lindqvist });
  vitals(300, ref('Encounter', ankle.id), { sys: 128, dia: 82, hr: 88, kg: 83.4, temp: 36.9, by: ortega });

  /* ---- laboratory: results and their reports ---- */
  const lab = (daysAgo, code, display, value, unit, low, high) => {
    const interp = high !== undefined && value > high ? 'H' : low !== undefined && value < low ? 'L' : 'N';
    return observation('laboratory', 'us-core-observation-lab', code, display, daysAgo, {
      valueQuantity: qty(value, unit),
      referenceRange: [{
        ...(low !== undefined ? { low: qty(low, unit) } : {}), ...(high !== undefined ? { high: qty(high, unit) } : {}),
        text: low !== undefined && high !== undefined ? `${low}-${high} ${unit}` : high !== undefined ? `<${high} ${unit}` : `>${low} ${unit}`,
      }],
      interpretation: flag(interp),
    }, { performer: [ref('Organization', 'hb-org-harbor', 'Harbor Clinic Laboratory')] });
  };
  const report = (key, code, display, daysAgo, results, extra = {}) => add({
    resourceType: 'DiagnosticReport', id: `hb-dr-${key}`, meta: profile('us-core-diagnosticreport-lab'), status: 'final',
    category: [cc(DIAG_SERVICE, 'LAB', 'Laboratory')], code: cc(LOINC, code, display), subject: maria,
    effectiveDateTime: at(daysAgo, 9, 10), issued: at(daysAgo, 16, 20),
    performer: [ref('Organization', 'hb-org-harbor', 'Harbor Clinic Laboratory')],
    result: results.map((o) => ref('Observation', o.id, o.code.text)),
    ...extra,
  });
  report('lipid', '24331-1', 'Lipid panel', 60, [
    lab(60, '2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma', 238, 'mg/dL', undefined, 200),
    lab(60, '2085-9', 'HDL Cholesterol', 46, 'mg/dL', 40, undefined),
    lab(60, '13457-7', 'LDL Cholesterol (calculated)', 158, 'mg/dL', undefined, 100),
    lab(60, '2571-8', 'Triglyceride [Mass/volume] in Serum or Plasma', 170, 'mg/dL', undefined, 150),
  ], { encounter: ref('Encounter', checkup.id), conclusion: 'Cholesterol above goal: starting atorvastatin.' });
  report('vitamin-d-1', '62292-8', '25-hydroxyvitamin D', 60,
    [lab(60, '62292-8', '25-Hydroxyvitamin D2+D3 [Mass/volume] in Serum or Plasma', 21, 'ng/mL', 30, 100)], { encounter: ref('Encounter', checkup.id) });
  report('vitamin-d-2', '62292-8', '25-hydroxyvitamin D', 300,
    [lab(300, '62292-8', '25-Hydroxyvitamin D2+D3 [Mass/volume] in Serum or Plasma', 14, 'ng/mL', 30, 100)], { encounter: ref('Encounter', ankle.id) });

  /* ---- clinical notes ---- */
  // Each has its text as text/plain data and a PDF: the check-up note's
  // PDF is a Binary named by url, the ankle visit's is inline data.
  const note = (key, code, display, enc, author, title, text, pdf) => add({
    resourceType: 'DocumentReference', id: `hb-doc-${key}`, meta: profile('us-core-documentreference'), status: 'current', docStatus: 'final',
    type: cc(LOINC, code, display), category: [cc(DOC_CAT, 'clinical-note', 'Clinical Note')],
    subject: maria, date: enc.period.end, author: [author], custodian: org, description: title,
    content: [
      { attachment: { contentType: 'text/plain', language: 'en-US', data: base64(text), title, creation: enc.period.end },
        format: { system: 'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode', code: 'urn:ihe:iti:xds:2017:mimeTypeSufficient', display: 'mimeType Sufficient' } },
      { attachment: { contentType: 'application/pdf', title: `${title}.pdf`, creation: enc.period.end, size: pdf.length, ...pdf.where },
        format: { system: 'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode', code: 'urn:ihe:iti:xds:2017:mimeTypeSufficient', display: 'mimeType Sufficient' } },
    ],
    context: { encounter: [ref('Encounter', enc.id)], period: enc.period },
  });
  const checkupText = [
    'Yearly check-up. Maria feels well. She had her flu shot at Main Street Clinic last month.',
    'Blood pressure 134/84, weight 80.6 kg. Fasting lipids: total cholesterol 238, LDL 158 mg/dL, above goal. 25-hydroxyvitamin D 21 ng/mL, low but better than last year.',
    'Plan: start atorvastatin 20 mg every evening. Keep taking vitamin D 2,000 units daily (over the counter). Recheck lipids and vitamin D in about two months.',
  ].join('\n\n');
  const checkupPdf = textPdf(['Harbor Clinic - History and physical', `Date: ${date(60)}`, 'Patient: Maria Lopez    MRN HB-00417733',
    'Fasting lipids above goal; vitamin D low.', 'Plan: atorvastatin 20 mg every evening; recheck in two months.', 'Nora Lindqvist, MD']);
  add({ resourceType: 'Binary', id: 'hb-bin-checkup-note', contentType: 'application/pdf', securityContext: ref('Patient', P), data: checkupPdf.toString('base64') });
  note('checkup', '34117-2', 'History and physical note', checkup, lindqvist, 'Check-up visit note', checkupText,
    { length: checkupPdf.length, where: { url: 'Binary/hb-bin-checkup-note' } });
  const ankleText = [
    'Right ankle pain after slipping on a wet step two days ago. Swelling over the lateral ankle, able to bear weight, no bony tenderness (Ottawa rules negative): no X-ray needed.',
    'Assessment: sprain of the right ankle.',
    'Plan: rest, ice, compression and elevation; naproxen 500 mg twice daily with food for up to 10 days. Return if she cannot walk on it.',
  ].join('\n\n');
  const anklePdf = textPdf(['Harbor Clinic - Progress note', `Date: ${date(300)}`, 'Patient: Maria Lopez    MRN HB-00417733',
    'Sprain of the right ankle; Ottawa rules negative.', 'Plan: rest, ice, naproxen 500 mg twice daily for up to 10 days.', 'Tomas Ortega, PA-C']);
  note('ankle', '11506-3', 'Progress note', ankle, ortega, 'Ankle injury visit note', ankleText,
    { length: anklePdf.length, where: { data: anklePdf.toString('base64') } });

  /* ---- messages ---- */
  // One conversation, to read here (Harbor takes no writes): a header
  // (no partOf; its sent the last message's, as Harbor stores it) and its
  // messages, each already read.
  const lipids = add({
    resourceType: 'Communication', id: 'hb-comm-lipids', status: 'completed',
    topic: { text: 'Your cholesterol results' }, subject: maria, sender: lindqvist, recipient: [maria],
    sent: at(58, 16),
  });
  [
    [lindqvist, maria, 59, 9, 'Your cholesterol is above goal. I would like you to start atorvastatin 20 mg every evening; the prescription is at your pharmacy.'],
    [maria, lindqvist, 58, 15, 'Thank you. Should I take it with food?'],
    [lindqvist, maria, 58, 16, 'With or without food is fine; the evening is best. We will recheck your lipids in about two months.'],
  ].forEach(([from, to, daysAgo, hour, text], i) => add({
    resourceType: 'Communication', id: `hb-comm-lipids-${i + 1}`, status: 'completed',
    partOf: [ref('Communication', lipids.id)], subject: maria, sender: from, recipient: [to],
    sent: at(daysAgo, hour), received: at(daysAgo, hour + 1), payload: [{ contentString: text }],
  }));

  return { resources: out, activationCodes: [] };
}
