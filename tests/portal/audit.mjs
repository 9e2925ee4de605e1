// Account activity (portal-api.md §4, "Proxies and linked accounts"): the
// portal records sign-ins, sign-outs, security changes, reads of a record
// by someone other than its patient, and every change made with a patient
// or check-in token, as FHIR R4 AuditEvents that AuditEvent?patient= finds.
//
// AuditEvents are written by the portal itself, straight into the
// repository (PortalRepository.putDirect): no access check, no journal, no
// new version of anything else, and never an AuditEvent about an
// AuditEvent. Clients may only read them (access.mjs: AuditEvent is not
// writable). The shapes are documented in README.md, "Account activity".

import { randomUUID } from 'node:crypto';
import { compartmentOf } from './access.mjs';

export const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
export const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
export const RESTFUL_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
export const CHARTTY_AUDIT = 'urn:chartty:audit';
export const KIOSK_SYSTEM = 'urn:chartty:kiosk';
const OBSERVER = { display: 'Patient portal' };
const PATIENT_ROLE = { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' };

const USER_AUTHENTICATION = { system: DCM, code: '110114', display: 'User Authentication' };
const SECURITY_ALERT = { system: DCM, code: '110113', display: 'Security Alert' };
const SUBTYPES = {
  login: { system: DCM, code: '110122', display: 'Login' },
  logout: { system: DCM, code: '110123', display: 'Logout' },
  attributes: { system: DCM, code: '110137', display: 'User Security Attributes Changed' },
};
const REST = { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'RESTful Operation' };

/** The portal's own codes for what changed in a security alert (subtype[1]). */
export const SECURITY_CHANGES = {
  'password-changed': 'Password changed',
  'password-reset': 'Password reset with an emailed link',
  'two-step-on': 'Two-step sign-in turned on',
};

/** RESTful interaction -> AuditEvent.action. */
const ACTIONS = { create: 'C', update: 'U', patch: 'U', delete: 'D', read: 'R', 'search-type': 'R' };

/** A Patient's name as one line ("Maria Lopez"), or its id. */
export function patientName(repo, ref) {
  const [type, id] = String(ref).split('/');
  const n = type === 'Patient' ? repo.peek(type, id)?.name?.[0] : undefined;
  const text = n?.text ?? [...(n?.given ?? []), n?.family].filter(Boolean).join(' ');
  return text || id;
}

/** A reference to a patient with its name. */
const patientRef = (repo, ref) => ({ reference: ref, display: patientName(repo, ref) });

/** The entity naming the patient whose record an event is about (`patient=` finds it). */
const patientEntity = (who) => ({ what: who, role: PATIENT_ROLE });

/**
 * An AuditEvent of a sign-in ('login'), sign-out ('logout') or failed
 * sign-in (outcome '4'); the seed uses it too. `who` is the account's
 * patient {reference: "Patient/<id>", display: name}; `recorded` an instant.
 */
export function authEvent(who, { kind, address, recorded, outcome = '0', outcomeDesc, id }) {
  return {
    resourceType: 'AuditEvent', ...(id ? { id } : {}),
    type: USER_AUTHENTICATION, subtype: [SUBTYPES[kind]], action: 'E', recorded, outcome,
    ...(outcomeDesc ? { outcomeDesc } : {}),
    agent: [agent(who, address)],
    source: { observer: OBSERVER },
    entity: [patientEntity(who)],
  };
}

function agent(who, address, extra = {}) {
  return { who, requestor: true, ...extra, ...(address ? { network: { address, type: '2' } } : {}) };
}

/** The client address of a socket, without the IPv4-mapped IPv6 prefix. */
export function socketAddress(socket) {
  const a = socket?.remoteAddress ?? '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/** Canonical JSON of a resource without meta (key order aside), to tell a real change. */
function content(r) {
  const sorted = (v) => {
    if (Array.isArray(v)) {
      return v.map(sorted);
    }
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).filter((k) => k !== 'meta').sort().map((k) => [k, sorted(v[k])]));
    }
    return v;
  };
  return JSON.stringify(sorted(r));
}

export class AuditLog {
  /** `repo`: the PortalRepository the events are written to. */
  constructor({ repo }) {
    this.repo = repo;
    this.last = 0; // the last recorded instant, in ms: events never share one
    this.reset();
  }

  /** Forgets which reads were recorded (the events themselves go with the repository). */
  reset() {
    this.reads = new Set(); // "<login> Patient/<id>": one read event per session and patient
  }

  /** Now as an instant, later than every event recorded before. */
  now() {
    this.last = Math.max(Date.now(), this.last + 1);
    return new Date(this.last).toISOString();
  }

  write(event) {
    this.repo.putDirect({ resourceType: event.resourceType, id: randomUUID(), ...event });
  }

  /** A password sign-in (a new session), or a failed one (outcome '4', outcomeDesc why). */
  signIn(patientId, address, failure) {
    this.write(authEvent(patientRef(this.repo, `Patient/${patientId}`), {
      kind: 'login', address, recorded: this.now(),
      ...(failure ? { outcome: '4', outcomeDesc: failure } : {}),
    }));
  }

  /** A sign-out (/oauth2/logout) of a session. */
  signOut(patientId, address) {
    this.write(authEvent(patientRef(this.repo, `Patient/${patientId}`), { kind: 'logout', address, recorded: this.now() }));
  }

  /** A change of how the account signs in: `code` a key of SECURITY_CHANGES. */
  securityChange(patientId, address, code) {
    const who = patientRef(this.repo, `Patient/${patientId}`);
    this.write({
      resourceType: 'AuditEvent',
      type: SECURITY_ALERT,
      subtype: [SUBTYPES.attributes, { system: CHARTTY_AUDIT, code, display: SECURITY_CHANGES[code] }],
      action: 'U', recorded: this.now(), outcome: '0',
      agent: [agent(who, address)],
      source: { observer: OBSERVER },
      entity: [patientEntity(who)],
    });
  }

  /** Who acted: the signed-in person, or the kiosk of a check-in token. */
  agentOf(ctx) {
    if (ctx.kind === 'checkin') {
      return agent({ identifier: { system: KIOSK_SYSTEM, value: ctx.clientId }, display: `Check-in kiosk (${ctx.kioskName ?? ctx.clientId})` },
        ctx.address, ctx.location ? { location: { reference: ctx.location } } : {});
    }
    return agent(patientRef(this.repo, ctx.profile), ctx.address);
  }

  /**
   * A read or search of records of `patients` ("Patient/x" refs) by a
   * signed-in person: one event per session and patient, none for the
   * person's own record, none for reads of AuditEvents or directory data.
   */
  read(ctx, type, patients, interaction) {
    if (ctx.kind !== 'patient' || type === 'AuditEvent') {
      return;
    }
    for (const patient of patients) {
      const key = `${ctx.login} ${patient}`;
      if (patient === ctx.profile || this.reads.has(key)) {
        continue;
      }
      this.reads.add(key);
      this.write({
        resourceType: 'AuditEvent',
        type: REST, subtype: [{ system: RESTFUL_INTERACTION, code: interaction, display: interaction }],
        action: 'R', recorded: this.now(), outcome: '0',
        agent: [this.agentOf(ctx)],
        source: { observer: OBSERVER },
        entity: [patientEntity(patientRef(this.repo, patient))],
      });
    }
  }

  /**
   * A record written with a patient or check-in token: `interaction` is
   * create, update, patch or delete; `resource` what was stored; `before`
   * the stored version an update started from (no event when the content
   * did not change).
   */
  change(ctx, interaction, resource, before) {
    if ((ctx.kind !== 'patient' && ctx.kind !== 'checkin') || !resource?.id || resource.resourceType === 'AuditEvent') {
      return;
    }
    if (before && (before.meta?.versionId === resource.meta?.versionId || content(before) === content(resource))) {
      return;
    }
    const patients = [...compartmentOf(resource, this.repo)];
    this.write({
      resourceType: 'AuditEvent',
      type: REST, subtype: [{ system: RESTFUL_INTERACTION, code: interaction, display: interaction }],
      action: ACTIONS[interaction], recorded: this.now(), outcome: '0',
      agent: [this.agentOf(ctx)],
      source: { observer: OBSERVER },
      entity: [
        { what: { reference: `${resource.resourceType}/${resource.id}` } },
        ...patients.map((p) => patientEntity(patientRef(this.repo, p))),
      ],
    });
  }
}
