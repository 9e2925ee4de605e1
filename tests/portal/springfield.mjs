// The contract-only clinic ("Springfield"): data that no one here wrote,
// Medplum's own example resources from @medplum/mock (the same version as
// the engine), with only what a call of portal-api.md needs added to them.
// chartty must work against it as it works against the Main Street Clinic,
// whose seed (seed.mjs) was written together with the client.
//
//   node --experimental-websocket server.mjs --clinic springfield
//
// What is Medplum's, unchanged: Homer Simpson (Patient/123), his eight
// observations and report (DiagnosticReport/123: no date, results coded in
// http://example.com or text only, a component, a reactive flag), the
// conversation with Dr. Alice Smith (Communication/message-header-123 and
// its messages), the RelatedPersons that make him Bart's and Lisa's father,
// Bart (Patient/555) and Lisa, Dr. Alice Smith (Practitioner/124, no display
// anywhere but on references), her Schedule and her free times
// (makeDrAliceSmithSlots: every day, 9:00 to 15:00 UTC, for 60 days from
// startup).
//
// What is added, and which call needs it (nothing else):
// - accounts for Homer (and Bart): /auth/login;
// - CareTeam ct-homer (active, subject Homer) whose one member is the
//   PractitionerRole alice-smith-role (of Practitioner/124), no display:
//   "Who can be written to" and "Schedule?actor= for the practitioners in
//   the patient's care team";
// - the Schedule's serviceType, text only ("Follow-up visit", "Office
//   visit"): a booking sends back one of the Schedule's visit types;
// - the conversation header's subject (Patient/123): the list of
//   conversations is Communication?subject=Patient/<id>.

import {
  BartSimpson, DrAliceSmith, DrAliceSmithSchedule, ExampleThreadHeader, ExampleThreadMessages,
  HomerBartRelatedPerson, HomerDiagnosticReport, HomerLisaRelatedPerson, HomerObservation1,
  HomerObservation2, HomerObservation3, HomerObservation4, HomerObservation5, HomerObservation6,
  HomerObservation7, HomerObservation8, HomerSimpson, LisaSimpson, makeDrAliceSmithSlots,
} from '@medplum/mock';
import { seedConversations } from './rules.mjs';

export const SPRINGFIELD_ACCOUNTS = [
  {
    email: 'homer@example.org', password: 'Springfield-1', patient: '123',
    proxies: [
      { patient: '555', relationship: 'parent', access: 'full' },
      { patient: 'lisa-simpson', relationship: 'parent', access: 'full' },
    ],
  },
  { email: 'bart@example.org', password: 'Springfield-2', patient: '555' },
];

/** What discovery announces: password sign-in and SMART, nothing else. */
export const SPRINGFIELD_CAPABILITIES = [
  'launch-standalone', 'client-public', 'context-standalone-patient', 'permission-patient',
  'permission-offline', 'portal-password-login',
];

/** A deep copy of a mock resource, so a reset returns to Medplum's own. */
const copy = (r) => structuredClone(r);

/**
 * The clinic's resources. makeDrAliceSmithSlots() makes its times once per
 * process, from the clock at its first call (the portal's startup).
 * @returns {{resources: object[], activationCodes: object[]}}
 */
export function buildSpringfieldSeed() {
  const out = [
    HomerSimpson, BartSimpson, LisaSimpson, HomerBartRelatedPerson, HomerLisaRelatedPerson,
    DrAliceSmith, HomerDiagnosticReport, HomerObservation1, HomerObservation2, HomerObservation3,
    HomerObservation4, HomerObservation5, HomerObservation6, HomerObservation7, HomerObservation8,
  ].map(copy);
  out.push({ ...copy(DrAliceSmithSchedule), serviceType: [{ text: 'Follow-up visit' }, { text: 'Office visit' }] });
  out.push(...makeDrAliceSmithSlots().map(copy));
  out.push({ ...copy(ExampleThreadHeader), subject: { reference: 'Patient/123' } });
  // One of Medplum's messages has no id; the repository would give it a
  // new one at every start, so it gets a stable one.
  out.push(...ExampleThreadMessages.map((m, i) => ({ ...copy(m), id: m.id ?? `message-${i + 1}` })));
  out.push({
    resourceType: 'PractitionerRole', id: 'alice-smith-role', active: true,
    practitioner: { reference: 'Practitioner/124' },
  });
  out.push({
    resourceType: 'CareTeam', id: 'ct-homer', status: 'active',
    subject: { reference: 'Patient/123' },
    participant: [{ member: { reference: 'PractitionerRole/alice-smith-role' } }],
  });
  seedConversations(out);
  return { resources: out, activationCodes: [] };
}
