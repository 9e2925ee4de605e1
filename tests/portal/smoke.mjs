// Smoke test of the test portal: starts server.mjs --test on an ephemeral
// port and checks discovery, sign-in flows, tokens, FHIR conventions,
// access control, test results, refill requests and readings, messages,
// visits, billing, the kiosk, account activity (AuditEvent), test controls,
// every fault kind, and Harbor Clinic, the plain SMART server
// (smoke-harbor.mjs). Prints TAP lines and a closing
// "N passed, N failed"; exits non-zero on any failure.
//
//   node --experimental-websocket tests/portal/smoke.mjs

import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { harborSmoke } from './smoke-harbor.mjs';
import { buildSeed } from './seed.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const children = new Set(); // servers to stop however the test ends
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));
let passed = 0;
let failed = 0;

function check(ok, what, detail) {
  if (ok) {
    passed++;
    console.log(`ok ${passed + failed} - ${what}`);
  } else {
    failed++;
    console.log(`not ok ${passed + failed} - ${what}${detail !== undefined ? `\n  # ${JSON.stringify(detail).slice(0, 400)}` : ''}`);
  }
}

/** Starts the server; resolves {base, proc, startMs}. */
function startServer(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const proc = spawn(process.execPath, ['--experimental-websocket', join(here, 'server.mjs'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(proc);
    proc.on('exit', () => children.delete(proc));
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /^portal listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m && !proc.ready) {
        proc.ready = true;
        clearTimeout(proc.startBound);
        resolve({ base: m[1], proc, startMs: performance.now() - t0, output: () => out });
      }
    });
    proc.on('exit', (code) => !proc.ready && reject(new Error(`server exited with ${code}`)));
    // A bound on a hung start, not a timing check: under load (several
    // calendar instants at once on two cores) seeding takes a while.
    proc.startBound = setTimeout(() => !proc.ready && reject(new Error('server did not start in 120 s')), 120000);
  });
}

/** Raw HTTP request; resolves {status, headers, body (Buffer)} or rejects on socket errors. */
// A connection per request: a kept one that the server closed after its
// idle time (a slow, loaded machine, a long huge answer) would hang up.
const fresh = new Agent({ keepAlive: false });

function http(base, method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = request(new URL(path, base), { method, agent: fresh, headers: { ...(payload ? { 'content-length': payload.length } : {}), ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const parse = (r) => {
  try {
    const buf = r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body;
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
};
const text = (j) => j?.issue?.[0]?.details?.text;
const eligible = (m) => m?.extension?.find((e) => e.url === 'urn:chartty:refill-eligible')?.valueBoolean;
const reviewed = (r) => r?.extension?.some((e) => e.url === 'urn:chartty:reviewed' && e.valueBoolean === true) ?? false;
const isDescending = (xs) => xs.every((x, i) => i === 0 || xs[i - 1] >= x);

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function main() {
  const server = await startServer(['--test', '--port', '0']);
  const { base } = server;
  console.log(`# server up at ${base} in ${server.startMs.toFixed(0)} ms`);
  const json = async (method, path, body, headers = {}) => {
    const r = await http(base, method, path, { body, headers: { 'content-type': 'application/json', ...headers } });
    return { ...r, json: parse(r) };
  };
  const form = async (path, fields, headers = {}) => {
    const r = await http(base, 'POST', path, { body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
    return { ...r, json: parse(r) };
  };
  const fhir = async (method, path, token, { body, headers = {} } = {}) => {
    const h = { accept: 'application/fhir+json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers };
    if (body !== undefined) {
      h['content-type'] ??= 'application/fhir+json';
    }
    const r = await http(base, method, `/fhir/R4/${path}`, { body, headers: h });
    return { ...r, json: parse(r) };
  };
  /** Signs in (handling MFA through /_test/totp); returns the token answer. */
  const signIn = async (email, password, scope) => {
    const p = pkce();
    let r = await json('POST', '/auth/login', { email, password, codeChallenge: p.challenge, codeChallengeMethod: 'S256', ...(scope ? { scope } : {}) });
    if (r.json?.mfaRequired) {
      const totp = (await json('GET', `/_test/totp?email=${email}`)).json.code;
      r = await json('POST', '/auth/mfa/verify', { login: r.json.login, token: totp });
    }
    const t = await form('/oauth2/token', { grant_type: 'authorization_code', code: r.json.code, code_verifier: p.verifier, client_id: 'chartty' });
    return t.json;
  };
  /* eCheck-in records and payments: the visits and kiosk sections both use them. */
  const both = [{ name: 'confirmed-contact', valueBoolean: true }, { name: 'confirmed-coverage', valueBoolean: true }];
  const apptExt = (a) => [{ url: 'urn:chartty:appointment', valueReference: { reference: `Appointment/${a.id}` } }];
  const consentOf = (patient, a, name) => ({
    resourceType: 'Consent', status: 'active', patient: { reference: patient }, scope: { text: 'Treatment' },
    category: [{ text: 'Consent to treatment' }], extension: [...apptExt(a), { url: 'urn:chartty:typed-signature', valueString: name }],
  });
  const answersOf = (patient, a, items, status = 'completed') => ({
    resourceType: 'QuestionnaireResponse', status, questionnaire: 'urn:chartty:questionnaire:previsit', subject: { reference: patient },
    extension: apptExt(a), item: items,
  });
  const ans = (linkId, ...answer) => ({ linkId, answer });
  const full = [ans('concern', { valueString: 'Knee pain' }), ans('pain', { valueInteger: 3 }), ans('new-meds', { valueBoolean: false }),
    ans('feeling', { valueCoding: { system: 'urn:chartty:answer', code: 'fair' } }), ans('symptoms', { valueCoding: { system: 'urn:chartty:answer', code: 'cough' } }, { valueCoding: { system: 'urn:chartty:answer', code: 'fever' } }),
    ans('flu-shot', { valueDate: '2026-10-01' })];
  const payP = (number, key, extra = {}) => ({
    resourceType: 'Parameters', parameter: [
      { name: 'amount', valueMoney: { value: extra.amount ?? 15, currency: 'USD' } }, { name: 'method', valueCode: 'card' },
      { name: 'card-number', valueString: number }, { name: 'card-expiry', valueString: extra.expiry ?? '12/30' }, { name: 'card-cvc', valueString: '123' },
      ...(key ? [{ name: 'idempotency-key', valueString: key }] : []),
    ],
  });

  /* ---- discovery ---- */
  for (const path of ['/.well-known/smart-configuration', '/fhir/R4/.well-known/smart-configuration']) {
    const d = (await json('GET', path)).json;
    check(d?.token_endpoint === `${base}/oauth2/token` && d.code_challenge_methods_supported?.[0] === 'S256' &&
      ['portal-password-login', 'portal-mfa-totp', 'portal-signup', 'portal-activation', 'portal-kiosk', 'portal-payments'].every((c) => d.capabilities.includes(c)) &&
      d.revocation_endpoint === `${base}/oauth2/logout`, `discovery at ${path}`, d);
  }
  const disc = await http(base, 'GET', '/.well-known/smart-configuration');
  const disc304 = await http(base, 'GET', '/.well-known/smart-configuration', { headers: { 'if-none-match': disc.headers.etag ?? '' } });
  check(/^W\/"[0-9a-f]+"$/.test(disc.headers.etag ?? '') && disc.headers['cache-control'] === 'max-age=3600' &&
    disc304.status === 304 && disc304.body.length === 0 && disc304.headers.etag === disc.headers.etag && disc304.headers['cache-control'] === 'max-age=3600',
  'discovery: kept an hour (Cache-Control max-age=3600), with an ETag; If-None-Match gives 304', [disc.headers, disc304.status]);
  const meta = await fhir('GET', 'metadata');
  check(meta.json?.resourceType === 'CapabilityStatement' && meta.json.rest[0].resource.some((r) => r.type === 'Observation'), 'metadata is a CapabilityStatement');

  /* ---- password sign-in with PKCE ---- */
  const p1 = pkce();
  let r = await json('POST', '/auth/login', { email: 'maria@example.org', password: 'Chartty-demo-1', codeChallenge: p1.challenge, codeChallengeMethod: 'S256', scope: 'openid patient/*.* offline_access' });
  check(r.status === 200 && r.json.login && r.json.code, 'maria /auth/login gives login and code', r.json);
  const badPkce = await form('/oauth2/token', { grant_type: 'authorization_code', code: r.json.code, code_verifier: pkce().verifier });
  check(badPkce.status === 400 && badPkce.json.error === 'invalid_grant', 'wrong code_verifier is invalid_grant', badPkce.json);
  r = await json('POST', '/auth/login', { email: 'maria@example.org', password: 'Chartty-demo-1', codeChallenge: p1.challenge, codeChallengeMethod: 'S256', scope: 'openid patient/*.* offline_access' });
  let tok = await form('/oauth2/token', { grant_type: 'authorization_code', code: r.json.code, code_verifier: p1.verifier, client_id: 'chartty' });
  const maria = tok.json;
  check(tok.status === 200 && maria.token_type === 'Bearer' && maria.access_token && maria.refresh_token && maria.expires_in === 3600 &&
    maria.patient === 'maria-lopez' && maria.profile?.reference === 'Patient/maria-lopez', 'token with offline_access has refresh_token', maria);
  const reuse = await form('/oauth2/token', { grant_type: 'authorization_code', code: r.json.code, code_verifier: p1.verifier });
  check(reuse.status === 400 && reuse.json.error === 'invalid_grant', 'authorization code is single-use', reuse.json);
  const revoked = await json('GET', '/auth/me', undefined, { authorization: `Bearer ${maria.access_token}` });
  check(revoked.status === 401 && revoked.json.issue[0].code === 'login', 'code reuse revoked the tokens of that login', revoked.json);
  const plain = await signIn('maria@example.org', 'Chartty-demo-1');
  check(plain.access_token && !plain.refresh_token && plain.scope === 'openid patient/*.*', 'default scope gives no refresh token', plain);
  const mariaTok = (await signIn('maria@example.org', 'Chartty-demo-1', 'openid patient/*.* offline_access'));
  const M = mariaTok.access_token;
  const me = await json('GET', '/auth/me', undefined, { authorization: `Bearer ${M}` });
  check(me.json?.profile?.reference === 'Patient/maria-lopez' && me.json.patients[0].relationship === 'self', '/auth/me lists self', me.json);

  /* ---- MFA ---- */
  const p2 = pkce();
  r = await json('POST', '/auth/login', { email: 'james@example.org', password: 'Chartty-demo-2', codeChallenge: p2.challenge, codeChallengeMethod: 'S256' });
  check(r.json?.mfaRequired === true && r.json.mfaMethods?.[0] === 'totp' && !r.json.code, 'james login needs MFA', r.json);
  const wrong = await json('POST', '/auth/mfa/verify', { login: r.json.login, token: '000000' });
  check(wrong.status === 400, 'wrong TOTP code is 400', wrong.json);
  const code = (await json('GET', '/_test/totp?email=james@example.org')).json.code;
  const v = await json('POST', '/auth/mfa/verify', { login: r.json.login, token: code });
  tok = await form('/oauth2/token', { grant_type: 'authorization_code', code: v.json.code, code_verifier: p2.verifier });
  const J = tok.json.access_token;
  check(/^\d{6}$/.test(code) && v.json.code && J, 'TOTP from /_test/totp completes the sign-in', tok.json);
  const jme = (await json('GET', '/auth/me', undefined, { authorization: `Bearer ${J}` })).json;
  const noah = jme.patients.find((p) => p.reference === 'Patient/noah-carter');
  check(jme.patients.length === 3 && noah?.access === 'limited' && noah.note && jme.patients.find((p) => p.reference === 'Patient/lily-carter')?.access === 'full', 'james /auth/me lists Lily (full) and Noah (limited)', jme);
  const p3 = pkce();
  r = await json('POST', '/auth/login', { email: 'james@example.org', password: 'Chartty-demo-2', codeChallenge: p3.challenge, codeChallengeMethod: 'S256' });
  for (let i = 0; i < 5; i++) {
    await json('POST', '/auth/mfa/verify', { login: r.json.login, token: '000000' });
  }
  const afterFive = await json('POST', '/auth/mfa/verify', { login: r.json.login, token: (await json('GET', '/_test/totp?email=james@example.org')).json.code });
  check(afterFive.status === 400, 'a login is revoked after 5 wrong TOTP codes', afterFive.json);

  /* ---- wrong passwords and lockout ---- */
  const attempt = (email, password = 'nope-nope') => json('POST', '/auth/login', { email, password, codeChallenge: p1.challenge, codeChallengeMethod: 'S256' });
  r = await attempt('linda@example.org');
  const unknown = await attempt('nobody@example.org');
  check(r.status === 400 && text(r.json) === 'Email or password is invalid' && r.json.issue[0].code === 'invalid' && text(unknown.json) === 'Email or password is invalid', 'wrong password and unknown email: same 400 text', [r.json, unknown.json]);
  for (let i = 0; i < 4; i++) {
    r = await attempt('linda@example.org');
  }
  check(r.status === 400, '5th wrong password is still 400', r.status);
  r = await attempt('linda@example.org', 'Chartty-demo-3');
  check(r.status === 429 && r.json.issue[0].code === 'throttled' && r.json.issue[0].diagnostics === 'account-locked' && Number(r.headers['retry-after']) > 800,
    '6th attempt: 429 account-locked with Retry-After, even with the right password', { status: r.status, ra: r.headers['retry-after'], body: r.json });
  for (let i = 0; i < 5; i++) {
    await attempt('ghost@example.org');
  }
  r = await attempt('ghost@example.org');
  check(r.status === 429 && r.json.issue[0].diagnostics === 'account-locked', 'unknown emails lock the same way', r.json);

  /* ---- refresh rotation and logout ---- */
  const rt1 = (await signIn('maria@example.org', 'Chartty-demo-1', 'openid patient/*.* offline_access')).refresh_token;
  const ref1 = await form('/oauth2/token', { grant_type: 'refresh_token', refresh_token: rt1, client_id: 'chartty' });
  check(ref1.status === 200 && ref1.json.refresh_token && ref1.json.refresh_token !== rt1 && ref1.json.access_token, 'refresh gives new tokens', ref1.json);
  const old = await form('/oauth2/token', { grant_type: 'refresh_token', refresh_token: rt1 });
  check(old.status === 400 && old.json.error === 'invalid_grant', 'old refresh token is rejected (invalid_grant)', old.json);
  const family = await form('/oauth2/token', { grant_type: 'refresh_token', refresh_token: ref1.json.refresh_token });
  check(family.status === 400, 'reusing a rotated refresh token revoked the family', family.json);
  const session = await signIn('maria@example.org', 'Chartty-demo-1', 'openid patient/*.* offline_access');
  let st = (await json('GET', '/_test/state?email=maria@example.org')).json;
  check(st.refreshTokens >= 1 && st.sessions >= 1, '/_test/state counts sessions and refresh tokens', st);
  const lo = await http(base, 'POST', '/oauth2/logout', { headers: { authorization: `Bearer ${session.access_token}` } });
  const afterLogout = await form('/oauth2/token', { grant_type: 'refresh_token', refresh_token: session.refresh_token });
  const meAfter = await json('GET', '/auth/me', undefined, { authorization: `Bearer ${session.access_token}` });
  check(lo.status === 200 && afterLogout.json.error === 'invalid_grant' && meAfter.status === 401, 'logout revokes the access and refresh token', afterLogout.json);
  const badGrant = await form('/oauth2/token', { grant_type: 'password' });
  const notForm = await json('POST', '/oauth2/token', { grant_type: 'refresh_token' });
  check(badGrant.json?.error === 'unsupported_grant_type' && notForm.json?.error === 'invalid_request', 'OAuth-style token errors', [badGrant.json, notForm.json]);

  /* ---- FHIR: auth, search, paging, ETag ---- */
  const none = await fhir('GET', 'Patient/maria-lopez');
  const bogus = await fhir('GET', 'Patient/maria-lopez', 'not-a-token');
  check(none.status === 401 && none.json.issue[0].code === 'login' && bogus.status === 401 && bogus.json.issue[0].code === 'login', '401 login without or with a bad token');
  const page1 = await fhir('GET', 'Observation?patient=Patient/maria-lopez&_count=5&_sort=-date', M);
  const next = page1.json?.link?.find((l) => l.relation === 'next')?.url;
  check(page1.status === 200 && page1.json.total > 5 && page1.json.entry.length === 5 && next?.startsWith(`${base}/fhir/R4/Observation?`) && page1.json.link.some((l) => l.relation === 'self'), 'search has total, self and absolute next', page1.json?.link);
  const page2 = await http(base, 'GET', next, { headers: { authorization: `Bearer ${M}` } });
  const p2j = parse(page2);
  check(p2j?.entry?.length === 5 && p2j.entry[0].resource.id !== page1.json.entry[0].resource.id, 'following next gives the second page');
  const dflt = await fhir('GET', 'Observation?patient=Patient/maria-lopez', M);
  const capped = await fhir('GET', 'Observation?patient=Patient/maria-lopez&_count=5000', M);
  check(dflt.json.entry.length === 20 && capped.json.link[0].url.includes('_count=200'), 'default _count 20, above 200 treated as 200', capped.json.link);
  const lastPage = await fhir('GET', `Observation?patient=Patient/maria-lopez&_count=200`, M);
  check(!lastPage.json.link.some((l) => l.relation === 'next'), 'no next link on the last page');
  const read = await fhir('GET', 'Patient/maria-lopez', M);
  const etag = read.headers.etag;
  check(read.status === 200 && /^W\/".+"$/.test(etag) && read.headers['last-modified'], 'read has ETag and Last-Modified', read.headers);
  const cached = await fhir('GET', 'Patient/maria-lopez', M, { headers: { 'if-none-match': etag } });
  check(cached.status === 304 && cached.body.length === 0, 'If-None-Match gives 304');
  const upd = { ...read.json, telecom: [...read.json.telecom, { system: 'phone', value: '555-0199', use: 'home' }] };
  const noIfMatch = await fhir('PUT', 'Patient/maria-lopez', M, { body: upd });
  check(noIfMatch.status === 428, 'PUT without If-Match is 428', noIfMatch.json);
  const put = await fhir('PUT', 'Patient/maria-lopez', M, { body: upd, headers: { 'if-match': etag } });
  check(put.status === 200 && put.headers.etag && put.headers.etag !== etag, 'PUT with If-Match updates and gives a new ETag', put.headers);
  const stale = await fhir('PUT', 'Patient/maria-lopez', M, { body: upd, headers: { 'if-match': etag } });
  check(stale.status === 412 && text(stale.json), 'stale If-Match is 412', stale.json);
  const gz = await fhir('GET', 'Observation?patient=Patient/maria-lopez', M, { headers: { 'accept-encoding': 'gzip' } });
  check(gz.headers['content-encoding'] === 'gzip' && gz.json?.resourceType === 'Bundle', 'gzip when Accept-Encoding: gzip', gz.headers);

  /* ---- creates ---- */
  const reqId = randomBytes(8).toString('hex');
  const reading = {
    resourceType: 'Observation', status: 'final', identifier: [{ system: 'urn:chartty:request', value: reqId }],
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }], text: 'Body weight' }, subject: { reference: 'Patient/maria-lopez' },
    performer: [{ reference: 'Patient/maria-lopez' }], effectiveDateTime: new Date().toISOString(), valueQuantity: { value: 80.5, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
  };
  const c1 = await fhir('POST', 'Observation', M, { body: reading, headers: { 'if-none-exist': `identifier=urn:chartty:request|${reqId}` } });
  const c2 = await fhir('POST', 'Observation', M, { body: reading, headers: { 'if-none-exist': `identifier=urn:chartty:request|${reqId}` } });
  check(c1.status === 201 && c1.headers.location?.includes(`/fhir/R4/Observation/${c1.json.id}`) && c2.status === 200 && c2.json.id === c1.json.id, 'If-None-Exist: second create finds the first', [c1.status, c2.status]);
  const foreign = await fhir('POST', 'Observation', M, { body: { ...reading, identifier: undefined, subject: { reference: 'Patient/james-carter' } } });
  check(foreign.status === 403, 'cannot create records for someone else', foreign.json);

  /* ---- access control ---- */
  const unscoped = await fhir('GET', 'Observation?code=http://loinc.org|8867-4', M);
  const other = await fhir('GET', 'Observation?patient=Patient/james-carter', M);
  const otherRead = await fhir('GET', 'Patient/james-carter', M);
  const dir = await fhir('GET', 'Practitioner?_count=50', M);
  check(unscoped.status === 403 && other.status === 403 && otherRead.status === 403 && dir.status === 200 && dir.json.total >= 4, '403 for unscoped or foreign searches and reads; directory readable', [unscoped.json, other.json]);
  const unknownParam = await fhir('GET', 'Observation?patient=Patient/maria-lopez&colour=blue', M);
  check(unknownParam.status === 400 && text(unknownParam.json).includes('colour'), 'unknown search parameter is 400 naming it', unknownParam.json);
  const teenCond = await fhir('GET', 'Condition?patient=Patient/noah-carter', J);
  const teenObs = await fhir('GET', 'Observation?patient=Patient/noah-carter', J);
  const teenVitals = await fhir('GET', 'Observation?patient=Patient/noah-carter&category=vital-signs', J);
  const teenImm = await fhir('GET', 'Immunization?patient=Patient/noah-carter', J);
  const teenCondRead = await fhir('GET', 'Condition/cond-noah-carter-asthma', J);
  const lily = await fhir('GET', 'Condition?patient=Patient/lily-carter', J);
  check(teenCond.status === 403 && text(teenCond.json) === noah.note && teenObs.status === 403 && teenCondRead.status === 403 && text(teenCondRead.json) === noah.note,
    'limited proxy: 403 with the /auth/me note', [teenCond.json, teenCondRead.json]);
  check(teenVitals.status === 200 && teenVitals.json.total > 0 && teenImm.status === 200 && teenImm.json.total > 0 && lily.status === 200 && lily.json.total > 0, 'limited proxy still reads vitals and immunizations; full proxy reads all');
  const thread = await fhir('GET', 'Communication?part-of=Communication/comm-maria-lopez-metformin&_sort=sent', M);
  const thread2 = await fhir('GET', 'Communication?part-of=Communication/comm-maria-lopez-metformin', J);
  check(thread.status === 200 && thread.json.total === 2 && thread2.status === 403, 'Communication?part-of= allowed only for a readable conversation');

  /* ---- batch and transaction ---- */
  const batch = await fhir('POST', '', M, {
    body: {
      resourceType: 'Bundle', type: 'batch', entry: [
        { request: { method: 'GET', url: 'Patient/maria-lopez' } },
        { request: { method: 'GET', url: 'AllergyIntolerance?patient=Patient/maria-lopez&clinical-status=active' } },
        { request: { method: 'GET', url: 'Condition?patient=Patient/maria-lopez&clinical-status=active&category=problem-list-item' } },
        { request: { method: 'GET', url: 'Observation?patient=Patient/maria-lopez&category=vital-signs&_sort=-date&_count=20' } },
        { request: { method: 'GET', url: 'Patient/james-carter' } },
      ],
    },
  });
  const be = batch.json?.entry ?? [];
  check(batch.status === 200 && batch.json.type === 'batch-response' && be[0].response.status === '200' && be[0].response.etag && be[1].resource.total === 2 &&
    be[2].resource.total === 2 && be[3].resource.entry.length === 20 && be[4].response.status === '403' && be[4].response.outcome, 'batch answers each entry with its own access check', be.map((e) => e.response));
  const countComms = async () => (await fhir('GET', 'Communication?subject=Patient/maria-lopez&_summary=count', M)).json.total;
  const before = await countComms();
  const newThread = (extra = []) => ({
    resourceType: 'Bundle', type: 'transaction', entry: [
      { fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111', resource: { resourceType: 'Communication', status: 'completed', subject: { reference: 'Patient/maria-lopez' }, topic: { text: 'Refill question' }, category: [{ text: 'Prescription' }], sender: { reference: 'Patient/maria-lopez' }, recipient: [{ reference: 'Practitioner/pr-anita-patel' }] }, request: { method: 'POST', url: 'Communication' } },
      { resource: { resourceType: 'Communication', status: 'completed', partOf: [{ reference: 'urn:uuid:11111111-1111-4111-8111-111111111111' }], subject: { reference: 'Patient/maria-lopez' }, sender: { reference: 'Patient/maria-lopez' }, recipient: [{ reference: 'Practitioner/pr-anita-patel' }], sent: new Date(Date.now() - 3600000).toISOString(), payload: [{ contentString: 'Hello' }] }, request: { method: 'POST', url: 'Communication' } },
      ...extra,
    ],
  });
  const tx = await fhir('POST', '', M, { body: newThread() });
  const msg = tx.json?.entry?.[1]?.resource;
  check(tx.status === 200 && tx.json.type === 'transaction-response' && msg?.partOf?.[0]?.reference === `Communication/${tx.json.entry[0].resource.id}` && (await countComms()) === before + 2, 'transaction resolves urn:uuid references', tx.json?.entry?.map((e) => e.response));
  const mid = await countComms();
  const txFail = await fhir('POST', '', M, { body: newThread([{ resource: upd, request: { method: 'PUT', url: 'Patient/maria-lopez', ifMatch: etag } }]) });
  check(txFail.status === 412 && (await countComms()) === mid, 'failed transaction leaves nothing written', [txFail.status, text(txFail.json)]);

  /* ---- test results ---- */
  const list = await fhir('GET', 'DiagnosticReport?patient=Patient/maria-lopez&_sort=-date&_include=DiagnosticReport:result', M);
  const reports = (list.json?.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource);
  const included = new Map((list.json?.entry ?? []).filter((e) => e.search?.mode === 'include').map((e) => [`Observation/${e.resource.id}`, e.resource]));
  const results = reports.flatMap((r) => (r.result ?? []).map((x) => included.get(x.reference)));
  const statuses = new Set(reports.map((r) => r.status));
  check(list.status === 200 && ['final', 'preliminary', 'corrected'].every((x) => statuses.has(x)) && results.length > 0 && results.every(Boolean) &&
    isDescending(reports.map((r) => r.effectiveDateTime)), 'reports newest first: final, preliminary and corrected, every result included', [...statuses]);
  check(results.every((o) => o.subject?.reference === 'Patient/maria-lopez' && o.effectiveDateTime && o.issued && o.status &&
    o.category?.[0]?.coding?.[0]?.code === 'laboratory'), 'every result has subject, effectiveDateTime, issued, status and category laboratory');
  const prelim = reports.find((r) => r.status === 'preliminary');
  const corrected = reports.find((r) => r.status === 'corrected');
  const fixed = corrected && included.get(corrected.result[0].reference);
  check(prelim.result.every((x) => included.get(x.reference).status === 'preliminary') && !reviewed(prelim) &&
    fixed?.status === 'corrected' && /correct/i.test(fixed.note?.[0]?.text ?? ''), 'preliminary report (preliminary results, not reviewed); corrected result says what was corrected');
  const critical = results.find((o) => o.interpretation?.[0]?.coding?.[0]?.code === 'LL');
  check(critical?.code?.coding?.[0]?.code === '777-3' && critical.interpretation[0].coding[0].display === 'Critical low' && critical.note?.[0]?.text?.length > 20,
    'CBC: a critically low (LL) platelet count with a clinician comment', critical);
  const narratives = reports.filter((r) => r.presentedForm);
  const decoded = narratives.map((r) => Buffer.from(r.presentedForm[0].data, 'base64').toString('utf8'));
  const cats = narratives.map((r) => r.category[0].coding[0].code).sort().join();
  check(cats === 'PAT,RAD' && narratives.every((r) => !r.result && r.conclusion && r.presentedForm[0].contentType === 'text/plain' && r.presentedForm[0].title) &&
    decoded.every((t) => t.split('\n\n').length >= 4) && decoded.some((t) => t.includes('IMPRESSION')) && decoded.some((t) => t.includes('DIAGNOSIS')),
  'imaging and pathology narratives: text/plain base64 that decodes to paragraphs, a conclusion, no results', cats);
  const kinds = new Set(results.map((o) => Object.keys(o).find((k) => k.startsWith('value'))));
  check(['valueQuantity', 'valueString', 'valueCodeableConcept', 'valueRange', 'valueRatio'].every((k) => kinds.has(k)), 'results carry Quantity, string, CodeableConcept, Range and Ratio values', [...kinds]);
  const unreviewed = reports.filter((r) => !reviewed(r)).map((r) => r.id);
  check(unreviewed.length >= 3 && unreviewed.includes('dr-maria-lopez-a1c-1'), `${unreviewed.length} reports not reviewed yet, the newest HbA1c among them`, unreviewed);
  const a1c = await fhir('GET', 'Observation?patient=Patient/maria-lopez&code=http://loinc.org|4548-4&_sort=-date&_count=100', M);
  const series = (a1c.json?.entry ?? []).map((e) => e.resource);
  const spanDays = series.length ? (Date.parse(series[0].effectiveDateTime) - Date.parse(series.at(-1).effectiveDateTime)) / 86400000 : 0;
  check(a1c.json?.total === 9 && series.length === 9 && isDescending(series.map((o) => o.effectiveDateTime)) && series[0].valueQuantity.value === 7.2 &&
    series[0].interpretation[0].coding[0].code === 'H' && spanDays > 3 * 365 && series.slice(1).every((o) => o.note?.[0]?.text),
  `HbA1c trend: 9 results newest first over ${(spanDays / 365).toFixed(1)} years, newest 7.2 (H)`);

  /* ---- medications and refills ---- */
  const medsOf = async () => new Map(((await fhir('GET', 'MedicationRequest?patient=Patient/maria-lopez&status=active', M)).json?.entry ?? []).map((e) => [e.resource.id, e.resource]));
  let meds = await medsOf();
  check(eligible(meds.get('medrx-maria-lopez-lisinopril')) === true && eligible(meds.get('medrx-maria-lopez-prednisone')) === false &&
    meds.get('medrx-maria-lopez-prednisone').dispenseRequest.numberOfRepeatsAllowed === 0 && eligible(meds.get('medrx-maria-lopez-metformin')) === false,
  'refill-eligible: lisinopril yes; prednisone (no refills left) and metformin (a request is open) no');
  const seededTasks = (await fhir('GET', 'Task?patient=Patient/maria-lopez&code=fulfill&_sort=-authored-on', M)).json?.entry?.map((e) => e.resource) ?? [];
  const taskStatuses = seededTasks.map((t) => t.status);
  check(['completed', 'rejected', 'in-progress'].every((x) => taskStatuses.includes(x)) && seededTasks.find((t) => t.status === 'rejected').statusReason?.text &&
    isDescending(seededTasks.map((t) => t.authoredOn)) && seededTasks.every((t) => t.lastModified && t.focus?.display), 'seeded refill requests: completed, rejected with a reason, in progress; newest first', taskStatuses);
  const pharmacies = await fhir('GET', 'Organization?type=pharmacy', M);
  const pharmacyIds = (pharmacies.json?.entry ?? []).map((e) => e.resource.id);
  check(pharmacies.status === 200 && pharmacyIds.includes('org-elm-pharmacy') && pharmacyIds.includes('org-oak-pharmacy') && !pharmacyIds.includes('org-acme-health'),
    'Organization?type=pharmacy lists the pharmacies', pharmacyIds);
  const refill = (med, uuid, extra = {}) => ({
    resourceType: 'Task', identifier: [{ system: 'urn:chartty:request', value: uuid }], status: 'requested', intent: 'order',
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }], text: 'Refill request' },
    focus: { reference: `MedicationRequest/${med}` }, for: { reference: 'Patient/maria-lopez' }, requester: { reference: 'Patient/maria-lopez' },
    input: [{ type: { text: 'Pharmacy' }, valueReference: { reference: 'Organization/org-oak-pharmacy' } }], note: [{ text: 'Before Friday, please.' }],
    ...extra,
  });
  const postTask = (body) => fhir('POST', 'Task', M, { body, headers: { 'if-none-exist': `identifier=urn:chartty:request|${body.identifier[0].value}` } });
  const LIS = 'medrx-maria-lopez-lisinopril';
  const lisBefore = await fhir('GET', `MedicationRequest/${LIS}`, M);
  const first = refill(LIS, randomUUID());
  const t1 = await postTask(first);
  const lisAfter = await fhir('GET', `MedicationRequest/${LIS}`, M);
  check(t1.status === 201 && t1.json.status === 'requested' && t1.json.authoredOn && t1.json.focus.display === 'Lisinopril 10 mg tablet' &&
    eligible(lisAfter.json) === false && lisAfter.headers.etag !== lisBefore.headers.etag, 'refill request: 201, and the prescription is no longer eligible (new ETag)', [t1.status, text(t1.json)]);
  const t2 = await postTask(refill(LIS, randomUUID()));
  check(t2.status === 409 && text(t2.json) === 'A refill request for this medication is already waiting for your care team.', 'a second request while one is open: 409', t2.json);
  const t1again = await postTask(first);
  check(t1again.status === 200 && t1again.json.id === t1.json.id, 'the same request id again: 200 with the first Task', [t1again.status, t1again.json?.id]);
  const t3 = await postTask(refill('medrx-maria-lopez-prednisone', randomUUID()));
  check(t3.status === 422 && t3.json.issue[0].code === 'business-rule' && /cannot be refilled online/.test(text(t3.json)), 'an ineligible prescription: 422 business-rule', t3.json);
  const moved = await json('POST', '/_test/task-status', { id: t1.json.id, status: 'completed' });
  const lisDone = (await fhir('GET', `MedicationRequest/${LIS}`, M)).json;
  check(moved.status === 200 && moved.json.status === 'completed' && eligible(lisDone) === true &&
    lisDone.dispenseRequest.numberOfRepeatsAllowed === lisBefore.json.dispenseRequest.numberOfRepeatsAllowed - 1,
  '/_test/task-status completes it: one refill fewer, eligible again', [moved.status, lisDone.dispenseRequest]);
  const t4 = await postTask(refill(LIS, randomUUID()));
  const declined = await json('POST', '/_test/task-status', { id: `Task/${t4.json?.id}`, status: 'rejected', reason: 'Please book a blood pressure check first.' });
  const t4read = await fhir('GET', `Task/${t4.json?.id}`, M);
  check(t4.status === 201 && declined.status === 200 && t4read.json.status === 'rejected' && t4read.json.statusReason?.text === 'Please book a blood pressure check first.' &&
    eligible((await fhir('GET', `MedicationRequest/${LIS}`, M)).json) === true, 'a declined request carries the reason; the prescription is eligible again');
  const badMove = await json('POST', '/_test/task-status', { id: t4.json?.id, status: 'declined' });
  const noTask = await json('POST', '/_test/task-status', { id: 'nope', status: 'completed' });
  check(badMove.status === 400 && noTask.status === 404, '/_test/task-status: unknown status 400, unknown Task 404');
  const invalid = [
    ['status', { status: 'draft' }],
    ['intent', { intent: 'proposal' }],
    ['code', { code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'approve' }] } }],
    ['focus of someone else', { focus: { reference: 'MedicationRequest/medrx-james-carter-atorvastatin' } }],
    ['focus missing', { focus: undefined }],
    ['for missing', { for: undefined }],
    ['pharmacy', { input: [{ type: { text: 'Pharmacy' }, valueReference: { reference: 'Organization/org-acme-health' } }] }],
    ['requester', { requester: { reference: 'Patient/james-carter' } }],
  ];
  const answers = [];
  for (const [what, change] of invalid) {
    const r4 = await postTask(refill(LIS, randomUUID(), change));
    answers.push([what, r4.status, text(r4.json)]);
  }
  check(answers.every(([, st, t]) => st === 400 && /^[A-Z].*\.$/.test(t ?? '')), 'malformed refill requests: 400 with a sentence', answers);
  const forNoah = await fhir('POST', 'Task', J, { body: refill('medrx-noah-carter-albuterol', randomUUID(), { for: { reference: 'Patient/noah-carter' }, requester: { reference: 'Patient/james-carter' } }) });
  const forJames = await fhir('POST', 'Task', J, { body: refill('medrx-james-carter-atorvastatin', randomUUID(), { for: { reference: 'Patient/james-carter' }, requester: undefined }) });
  check(forNoah.status === 403 && text(forNoah.json) === noah.note && forJames.status === 201 && forJames.json.requester?.reference === 'Patient/james-carter',
    'a limited proxy cannot request refills (403 with the note); the requester defaults to the signed-in person', [forNoah.status, forJames.status, text(forJames.json)]);
  const txTask = (u) => ({ resource: refill(LIS, u), request: { method: 'POST', url: 'Task' } });
  const countTasks = async () => (await fhir('GET', 'Task?patient=Patient/maria-lopez&_summary=count', M)).json.total;
  const tasksBefore = await countTasks();
  const txTwo = await fhir('POST', '', M, { body: { resourceType: 'Bundle', type: 'transaction', entry: [txTask(randomUUID()), txTask(randomUUID())] } });
  check(txTwo.status === 409 && (await countTasks()) === tasksBefore, 'two requests for one prescription in a transaction: 409, nothing written');

  /* ---- readings the patient enters ---- */
  const vitalCat = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }];
  const newReading = (code, value, extra = {}) => ({
    resourceType: 'Observation', status: 'final', category: vitalCat, code: { coding: [{ system: 'http://loinc.org', code }] },
    subject: { reference: 'Patient/maria-lopez' }, performer: [{ reference: 'Patient/maria-lopez' }],
    effectiveDateTime: new Date(Date.now() - 60000).toISOString(), ...value, ...extra,
  });
  const ucum = (value, code, unit = code) => ({ valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code } });
  const bp = (sys, dia) => ({
    component: [
      { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, ...ucum(sys, 'mm[Hg]', 'mmHg') },
      { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, ...ucum(dia, 'mm[Hg]', 'mmHg') },
    ],
  });
  const glucoseId = randomUUID();
  const glucose = newReading('2339-0', ucum(126, 'mg/dL'), { identifier: [{ system: 'urn:chartty:request', value: glucoseId }] });
  const g1 = await fhir('POST', 'Observation', M, { body: glucose, headers: { 'if-none-exist': `identifier=urn:chartty:request|${glucoseId}` } });
  const g2 = await fhir('POST', 'Observation', M, { body: glucose, headers: { 'if-none-exist': `identifier=urn:chartty:request|${glucoseId}` } });
  const gTrend = await fhir('GET', 'Observation?patient=Patient/maria-lopez&code=http://loinc.org|2339-0&_sort=-date', M);
  check(g1.status === 201 && g2.status === 200 && g2.json.id === g1.json.id && gTrend.json.entry?.[0]?.resource.id === g1.json.id,
    'a glucose reading: 201, a retry finds it, the trend search shows it first', [g1.status, g2.status, text(g1.json)]);
  const goodBp = await fhir('POST', 'Observation', M, { body: newReading('85354-9', bp(128, 82)) });
  const goodLb = await fhir('POST', 'Observation', M, { body: newReading('29463-7', { valueQuantity: { value: 176.4, unit: 'lb' } }) });
  check(goodBp.status === 201 && goodLb.status === 201 && goodLb.json.valueQuantity.code === '[lb_av]', 'blood pressure and a weight in pounds: 201 (unit normalized to UCUM)', [text(goodBp.json), text(goodLb.json)]);
  const badReadings = [
    ['code', newReading('8867-4', ucum(70, '/min'))],
    ['unit', newReading('2339-0', ucum(7.1, 'mmol/L'))],
    ['implausible glucose', newReading('2339-0', ucum(900, 'mg/dL'))],
    ['implausible weight', newReading('29463-7', ucum(0.5, 'kg'))],
    ['future', newReading('29463-7', ucum(80, 'kg'), { effectiveDateTime: new Date(Date.now() + 2 * 3600000).toISOString() })],
    ['no time', newReading('29463-7', ucum(80, 'kg'), { effectiveDateTime: undefined })],
    ['performer', newReading('29463-7', ucum(80, 'kg'), { performer: [{ reference: 'Practitioner/pr-anita-patel' }] })],
    ['status', newReading('29463-7', ucum(80, 'kg'), { status: 'preliminary' })],
    ['systolic below diastolic', newReading('85354-9', bp(80, 95))],
  ];
  const readingAnswers = [];
  for (const [what, body] of badReadings) {
    const r5 = await fhir('POST', 'Observation', M, { body });
    readingAnswers.push([what, r5.status, text(r5.json)]);
  }
  check(readingAnswers.every(([, st, t]) => st === 400 && /^[A-Z].*\.$/.test(t ?? '')), 'bad readings (code, unit, implausible values, future or missing time, performer, status, systolic <= diastolic): 400 with a sentence', readingAnswers);

  /* ---- messages ---- */
  const unreadOf = (c) => c?.extension?.find((e) => e.url === 'urn:chartty:unread')?.valueInteger;
  const LIST = 'Communication?subject=Patient/maria-lopez&part-of:missing=true&_sort=-sent';
  const listHeaders = async () => ((await fhir('GET', LIST, M)).json?.entry ?? []).map((e) => e.resource);
  const convo = async (id) => ((await fhir('GET', `Communication?part-of=Communication/${id}&_sort=sent&_count=200`, M)).json?.entry ?? []).map((e) => e.resource);
  let headers = await listHeaders();
  const seeded = ['comm-maria-lopez-bp', 'comm-maria-lopez-metformin', 'comm-maria-lopez-billing'];
  const byId = new Map(headers.map((h) => [h.id, h]));
  check(headers.length >= 3 && isDescending(headers.map((h) => h.sent)) && headers.every((h) => Number.isInteger(unreadOf(h)) && !h.partOf) &&
    seeded.every((id) => byId.has(id)) && headers.map((h) => h.id).filter((id) => seeded.includes(id)).join() === seeded.join() &&
    seeded.map((id) => unreadOf(byId.get(id))).join() === '2,0,0' && byId.get('comm-maria-lopez-billing').category[0].coding[0].code === 'billing',
  'conversation list: headers newest first, unread 2, 0, 0 kept by the server', headers.map((h) => [h.id, h.sent, unreadOf(h)]));
  const bpMsgs = await convo('comm-maria-lopez-bp');
  check(bpMsgs.length === 3 && isDescending(bpMsgs.map((m) => m.sent).reverse()) && bpMsgs[0].sender.reference === 'Patient/maria-lopez' && bpMsgs[0].received &&
    bpMsgs.slice(1).every((m) => m.sender.reference === 'Practitioner/pr-elena-garcia' && !m.received && m.payload[0].contentString) &&
    byId.get('comm-maria-lopez-bp').sent === bpMsgs[2].sent, 'a conversation reads oldest first: the header\'s sent is its latest message\'s', bpMsgs.map((m) => [m.id, m.sent]));

  // Changes other than marking read are refused.
  const edits = [
    ['change a care team message\'s text', 'comm-maria-lopez-bp-2', (m) => ({ ...m, received: new Date().toISOString(), payload: [{ contentString: 'Take two.' }] }), 403],
    ['change a sender', 'comm-maria-lopez-bp-2', (m) => ({ ...m, sender: { reference: 'Practitioner/pr-david-chen' } }), 403],
    ['mark her own message read', 'comm-maria-lopez-billing-3', (m) => { const { received: _r, ...rest } = m; return rest; }, 400],
    ['change a conversation', 'comm-maria-lopez-metformin', (m) => ({ ...m, topic: { text: 'Something else' } }), 403],
    ['a future received', 'comm-maria-lopez-bp-2', (m) => ({ ...m, received: new Date(Date.now() + 86400000).toISOString() }), 400],
  ];
  const editAnswers = [];
  for (const [what, id, change, want] of edits) {
    const cur = await fhir('GET', `Communication/${id}`, M);
    const r7 = await fhir('PUT', `Communication/${id}`, M, { body: change(cur.json), headers: { 'if-match': cur.headers.etag } });
    editAnswers.push([what, r7.status, want, text(r7.json)]);
  }
  const bpUnchanged = await fhir('GET', 'Communication/comm-maria-lopez-bp-2', M);
  check(editAnswers.every(([, st, want, t]) => st === want && /^[A-Z].*\.$/.test(t ?? '')) && !bpUnchanged.json.received && bpUnchanged.json.meta.versionId === '1',
    'changing a message, marking one\'s own message, changing a conversation or a future received: refused with a sentence, nothing written', editAnswers);
  // Marking read: PUT with If-Match, then PATCH.
  const msg2 = await fhir('GET', 'Communication/comm-maria-lopez-bp-2', M);
  const readNow = new Date().toISOString();
  const markPut = await fhir('PUT', 'Communication/comm-maria-lopez-bp-2', M, { body: { ...msg2.json, received: readNow }, headers: { 'if-match': msg2.headers.etag } });
  const hdrAfterPut = await fhir('GET', 'Communication/comm-maria-lopez-bp', M);
  check(markPut.status === 200 && markPut.json.received === readNow && unreadOf(hdrAfterPut.json) === 1 && hdrAfterPut.headers.etag !== `W/"${byId.get('comm-maria-lopez-bp').meta.versionId}"`,
    'marking a care team message read (PUT with received, If-Match): unread 2 -> 1, the header gets a new version', [markPut.status, text(markPut.json), unreadOf(hdrAfterPut.json)]);
  const staleMark = await fhir('PUT', 'Communication/comm-maria-lopez-bp-2', M, { body: { ...msg2.json, received: readNow }, headers: { 'if-match': msg2.headers.etag } });
  check(staleMark.status === 412 && text(staleMark.json), 'marking read with a stale version: 412', staleMark.json);
  const msg3 = await fhir('GET', 'Communication/comm-maria-lopez-bp-3', M);
  const markPatch = await fhir('PATCH', 'Communication/comm-maria-lopez-bp-3', M, {
    body: [{ op: 'add', path: '/received', value: new Date().toISOString() }], headers: { 'if-match': msg3.headers.etag, 'content-type': 'application/json-patch+json' },
  });
  const hdrAfterPatch = (await fhir('GET', 'Communication/comm-maria-lopez-bp', M)).json;
  check(markPatch.status === 200 && markPatch.json.received && unreadOf(hdrAfterPatch) === 0, 'marking read by JSON Patch: unread 0', [markPatch.status, text(markPatch.json), unreadOf(hdrAfterPatch)]);

  // A reply, then the same reply again.
  const replyId = randomUUID();
  const sentAt = new Date(Date.now() - 1000).toISOString();
  const reply = (extra = {}) => ({
    resourceType: 'Communication', identifier: [{ system: 'urn:chartty:request', value: replyId }], status: 'completed',
    partOf: [{ reference: 'Communication/comm-maria-lopez-metformin' }], subject: { reference: 'Patient/maria-lopez' },
    sender: { reference: 'Patient/maria-lopez' }, recipient: [{ reference: 'Practitioner/pr-anita-patel' }], sent: sentAt,
    payload: [{ contentString: 'Thank you, I will take it with dinner too.' }], ...extra,
  });
  const postReply = (body, token = M) => fhir('POST', 'Communication', token, { body, headers: { 'if-none-exist': `identifier=urn:chartty:request|${body.identifier?.[0]?.value ?? randomUUID()}` } });
  const metBefore = (await convo('comm-maria-lopez-metformin')).length;
  const rep1 = await postReply(reply());
  const metHeader = await fhir('GET', 'Communication/comm-maria-lopez-metformin', M);
  headers = await listHeaders();
  check(rep1.status === 201 && rep1.json.sent === sentAt && metHeader.json.sent === sentAt && headers[0].id === 'comm-maria-lopez-metformin' && unreadOf(metHeader.json) === 0,
    'a reply: 201; its conversation\'s sent moves to the reply and it lists first (unread unchanged)', [rep1.status, text(rep1.json), metHeader.json.sent]);
  const rep2 = await postReply(reply());
  check(rep2.status === 200 && rep2.json.id === rep1.json.id && (await convo('comm-maria-lopez-metformin')).length === metBefore + 1,
    'the same reply again (same identifier): 200 with the first, one message', [rep2.status, rep2.json?.id]);
  const tooLong = 'x'.repeat(10001);
  const badReplies = [
    ['empty text', reply({ identifier: undefined, payload: [{ contentString: '   ' }] }), 400],
    ['no payload', reply({ identifier: undefined, payload: undefined }), 400],
    ['10,001 characters', reply({ identifier: undefined, payload: [{ contentString: tooLong }] }), 400],
    ['recipient outside the care team', reply({ identifier: undefined, recipient: [{ reference: 'Practitioner/pr-robert-kim' }] }), 400],
    ['no recipient', reply({ identifier: undefined, recipient: undefined }), 400],
    ['sender someone else', reply({ identifier: undefined, sender: { reference: 'Practitioner/pr-anita-patel' } }), 400],
    ['no sent', reply({ identifier: undefined, sent: undefined }), 400],
    ['sent in the future', reply({ identifier: undefined, sent: new Date(Date.now() + 3600000).toISOString() }), 400],
    ['partOf a message', reply({ identifier: undefined, partOf: [{ reference: 'Communication/comm-maria-lopez-metformin-1' }] }), 400],
    ['unknown conversation', reply({ identifier: undefined, partOf: [{ reference: 'Communication/nope' }] }), 400],
    ['someone else\'s conversation', reply({ identifier: undefined, partOf: [{ reference: 'Communication/comm-noah-carter-private' }] }), 403],
    ['an attachment', reply({ identifier: undefined, payload: [{ contentString: 'See attached' }, { contentAttachment: { url: 'Binary/x' } }] }), 400],
  ];
  const replyAnswers = [];
  for (const [what, body, want] of badReplies) {
    const r8 = await fhir('POST', 'Communication', M, { body });
    replyAnswers.push([what, r8.status, want, text(r8.json)]);
  }
  check(replyAnswers.every(([, st, want, t]) => st === want && /^[A-Z].*\.$/.test(t ?? '')) && (await convo('comm-maria-lopez-metformin')).length === metBefore + 1,
    'reply refusals: empty, too long, recipient outside the care team, sender, sent, partOf (400); someone else\'s conversation (403)', replyAnswers);
  const noahReply = await fhir('POST', 'Communication', J, { body: { ...reply({ identifier: undefined }), partOf: [{ reference: 'Communication/comm-noah-carter-private' }], subject: { reference: 'Patient/noah-carter' }, sender: { reference: 'Patient/james-carter' }, recipient: [{ reference: 'Practitioner/pr-robert-kim' }] } });
  check(noahReply.status === 403 && text(noahReply.json) === noah.note, 'a limited proxy cannot write in the teenager\'s conversation (403 with the note)', noahReply.json);

  // A new conversation as a transaction, then the same transaction again.
  const hdrUuid = `urn:uuid:${randomUUID()}`;
  const [hdrReq, firstReq] = [randomUUID(), randomUUID()];
  const firstSent = new Date(Date.now() - 500).toISOString();
  const newConversation = (category = [{ coding: [{ system: 'urn:chartty:message-category', code: 'appointment' }] }]) => ({
    resourceType: 'Bundle', type: 'transaction', entry: [
      {
        fullUrl: hdrUuid,
        resource: {
          resourceType: 'Communication', identifier: [{ system: 'urn:chartty:request', value: hdrReq }], status: 'completed',
          topic: { text: 'Moving my cardiology consult' }, category, subject: { reference: 'Patient/maria-lopez' },
          sender: { reference: 'Patient/maria-lopez' }, recipient: [{ reference: 'Practitioner/pr-elena-garcia' }],
        },
        request: { method: 'POST', url: 'Communication', ifNoneExist: `identifier=urn:chartty:request|${hdrReq}` },
      },
      {
        resource: {
          resourceType: 'Communication', identifier: [{ system: 'urn:chartty:request', value: firstReq }], status: 'completed',
          partOf: [{ reference: hdrUuid }], subject: { reference: 'Patient/maria-lopez' }, sender: { reference: 'Patient/maria-lopez' },
          recipient: [{ reference: 'Practitioner/pr-elena-garcia' }], sent: firstSent, payload: [{ contentString: 'Could we move the consult to a Friday?' }],
        },
        request: { method: 'POST', url: 'Communication', ifNoneExist: `identifier=urn:chartty:request|${firstReq}` },
      },
    ],
  });
  const commsBefore = await countComms();
  const badTx = await fhir('POST', '', M, { body: newConversation([{ text: 'Gossip' }]) });
  check(badTx.status === 400 && /category/.test(text(badTx.json)) && (await countComms()) === commsBefore, 'a new conversation with an unknown category: 400, nothing written', text(badTx.json));
  const oddTx = newConversation();
  oddTx.entry[0].fullUrl = 'urn:uuid:header-1';
  oddTx.entry[1].resource.partOf = [{ reference: 'urn:uuid:header-1' }];
  const odd = await fhir('POST', '', M, { body: oddTx });
  check(odd.status === 400 && /UUID/.test(text(odd.json)) && (await countComms()) === commsBefore, 'a urn:uuid placeholder that is not a UUID: 400, nothing written', text(odd.json));
  const nc1 = await fhir('POST', '', M, { body: newConversation() });
  const [ncHdr, ncMsg] = (nc1.json?.entry ?? []).map((e) => e.resource);
  check(nc1.status === 200 && nc1.json.entry.every((e) => e.response.status === '201' && e.response.etag === `W/"${e.resource.meta.versionId}"`) &&
    ncMsg.partOf[0].reference === `Communication/${ncHdr.id}` && ncHdr.sent === firstSent && unreadOf(ncHdr) === 0 &&
    ncHdr.category[0].coding[0].code === 'appointment' && ncHdr.category[0].text === 'Appointment' && (await countComms()) === commsBefore + 2,
  'a new conversation (transaction): 201 each; the header gets category text, sent and unread 0', nc1.json?.entry?.map((e) => [e.response, e.resource?.sent]));
  const nc2 = await fhir('POST', '', M, { body: newConversation() });
  check(nc2.status === 200 && nc2.json.entry.every((e) => e.response.status === '200') && nc2.json.entry[0].resource.id === ncHdr.id &&
    nc2.json.entry[1].resource.id === ncMsg.id && (await countComms()) === commsBefore + 2, 'the same transaction again: 200 with the first records, nothing new', nc2.json?.entry?.map((e) => e.response.status));
  const headerAlone = await fhir('POST', 'Communication', M, { body: { ...newConversation().entry[0].resource, identifier: undefined, topic: { text: '' } } });
  check(headerAlone.status === 400 && /topic/.test(text(headerAlone.json)), 'a conversation without a subject line: 400', text(headerAlone.json));

  // The attachment.
  const billing = await convo('comm-maria-lopez-billing');
  const att = billing.flatMap((m) => m.payload.map((p) => p.contentAttachment).filter(Boolean))[0];
  const binId = att?.url?.replace(/^Binary\//, '');
  const binJson = await fhir('GET', `Binary/${binId}`, M);
  const pdfBytes = binJson.json?.data ? Buffer.from(binJson.json.data, 'base64') : Buffer.alloc(0);
  check(att?.url === 'Binary/bin-maria-lopez-statement' && att.title === 'statement-2026-10.pdf' && att.contentType === 'application/pdf' &&
    binJson.status === 200 && binJson.json.resourceType === 'Binary' && binJson.json.contentType === 'application/pdf' && pdfBytes.length === att.size &&
    pdfBytes.subarray(0, 5).toString() === '%PDF-', 'the billing reply\'s attachment: Binary (application/fhir+json) with the PDF, its size as announced', att);
  const binRaw = await http(base, 'GET', `/fhir/R4/Binary/${binId}`, { headers: { authorization: `Bearer ${M}`, accept: 'application/octet-stream' } });
  const binAny = await http(base, 'GET', `/fhir/R4/Binary/${binId}`, { headers: { authorization: `Bearer ${M}`, accept: '*/*' } });
  check(binRaw.status === 200 && binRaw.headers['content-type'] === 'application/pdf' && binRaw.body.equals(pdfBytes) && binRaw.headers.etag &&
    binAny.status === 200 && binAny.body.equals(pdfBytes), 'Binary with Accept application/octet-stream or */*: the raw bytes as application/pdf', binRaw.headers);
  const binJames = await fhir('GET', `Binary/${binId}`, J);
  const binJamesRaw = await http(base, 'GET', `/fhir/R4/Binary/${binId}`, { headers: { authorization: `Bearer ${J}`, accept: '*/*' } });
  check(binJames.status === 403 && binJamesRaw.status === 403, 'someone else\'s attachment: 403', binJames.json);

  // The care team replies (test control).
  const tr = await json('POST', '/_test/reply', { conversation: 'comm-maria-lopez-bp', text: 'One more thing: please skip salty food.' });
  const bpHeader = (await fhir('GET', 'Communication/comm-maria-lopez-bp', M)).json;
  // The second reply a few milliseconds later, so it is the newer of the
  // two however fast the machine is.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const trFrom = await json('POST', '/_test/reply', { conversation: 'Communication/comm-maria-lopez-billing', text: 'Your payment arrived. Thank you!', from: 'Practitioner/pr-karen-brooks' });
  headers = await listHeaders();
  // The billing conversation moved before the blood-pressure one. (Not
  // necessarily first: under faketime this process's clock, which wrote
  // the `sent` of the conversations it started, runs ahead of the portal's.)
  const order = headers.map((h) => h.id);
  const billingHeader = headers.find((h) => h.id === 'comm-maria-lopez-billing');
  check(tr.status === 200 && tr.json.sender?.reference === 'Practitioner/pr-elena-garcia' && !tr.json.received && tr.json.recipient[0].reference === 'Patient/maria-lopez' &&
    unreadOf(bpHeader) === 1 && bpHeader.sent === tr.json.sent && trFrom.status === 200 && billingHeader?.sent === trFrom.json?.sent &&
    order.indexOf('comm-maria-lopez-billing') < order.indexOf('comm-maria-lopez-bp') && unreadOf(billingHeader) === 1,
  '/_test/reply: the care team\'s message is unread; unread and sent follow', [tr.status, tr.json?.sender, unreadOf(bpHeader), bpHeader.sent, tr.json?.sent, trFrom.json?.sent, headers.slice(0, 3).map((h) => [h.id, h.sent, unreadOf(h)])]);
  const trBad = await json('POST', '/_test/reply', { conversation: 'comm-maria-lopez-bp', text: '' });
  const trNone = await json('POST', '/_test/reply', { conversation: 'nope', text: 'hi' });
  const trMsg = await json('POST', '/_test/reply', { conversation: 'comm-maria-lopez-bp-1', text: 'hi' });
  check(trBad.status === 400 && trNone.status === 404 && trMsg.status === 400, '/_test/reply: empty text 400, unknown conversation 404, a message 400');

  // Care team and paging.
  const team = await fhir('GET', 'CareTeam?patient=Patient/maria-lopez&status=active', M);
  const members = (team.json?.entry?.[0]?.resource?.participant ?? []).map((p) => p.member.reference);
  check(team.json?.total === 1 && ['pr-anita-patel', 'pr-elena-garcia', 'pr-david-chen', 'pr-karen-brooks'].every((p) => members.includes(`Practitioner/${p}`)), 'Maria\'s care team lists whom she can write to', members);
  const W2 = (await signIn('long@example.org', 'Chartty-test-9')).access_token;
  const pages = [];
  let url = '/fhir/R4/Communication?subject=Patient/walter-long&part-of:missing=true&_sort=-sent';
  while (url && pages.length < 5) {
    const pg = parse(await http(base, 'GET', url, { headers: { authorization: `Bearer ${W2}`, accept: 'application/fhir+json' } }));
    pages.push(pg);
    url = pg?.link?.find((l) => l.relation === 'next')?.url;
  }
  const walterHeaders = pages.flatMap((pg) => (pg?.entry ?? []).map((e) => e.resource));
  check(pages.length === 3 && pages[0].total === 45 && pages.map((pg) => pg.entry.length).join() === '20,20,5' && isDescending(walterHeaders.map((h) => h.sent)) &&
    walterHeaders[0].id === 'comm-walter-long-01' && unreadOf(walterHeaders[0]) === 1, 'Walter\'s 45 conversations: three pages of 20 by next links, newest first', pages.map((pg) => pg?.entry?.length));
  const mallory = (await signIn('mallory@example.org', 'Chartty-test-9')).access_token;
  const hostile = await fhir('GET', 'Communication?part-of=Communication/comm-mallory-tester-escape&_sort=sent', mallory);
  check(hostile.json?.entry?.[0]?.resource?.payload?.[0]?.contentString.includes('\u001b]8;;http://evil.example\u0007'), 'Mallory\'s hostile message keeps its escape sequences');

  /* ---- the big patient ---- */
  const walter = (await signIn('long@example.org', 'Chartty-test-9')).access_token;
  let t0 = performance.now();
  const big = await fhir('GET', 'Observation?patient=Patient/walter-long&_count=20', walter);
  const bigMs = performance.now() - t0;
  t0 = performance.now();
  const bigSorted = await fhir('GET', 'Observation?patient=Patient/walter-long&category=vital-signs&_sort=-date&_count=20', walter);
  const sortedMs = performance.now() - t0;
  // Timings are figures, not checks: a loaded machine must not fail the suite.
  console.log(`# big patient search ${bigMs.toFixed(0)} ms, sorted vitals ${sortedMs.toFixed(0)} ms`);
  check(big.json.total >= 20000 && bigSorted.status === 200, `big patient search: ${big.json.total} obs`);
  const obsCount = await fhir('GET', 'Observation?patient=Patient/walter-long&_summary=count', walter);
  const reportCount = await fhir('GET', 'DiagnosticReport?patient=Patient/walter-long&_summary=count', walter);
  check(obsCount.json.total >= 20000 && !obsCount.json.entry && reportCount.json.total >= 420, `_summary=count: ${obsCount.json.total} observations, ${reportCount.json.total} reports, no entries`);
  // _elements (an addition to the contract): only those elements, the
  // required ones, id and meta tagged SUBSETTED; the next link keeps it.
  const slim = await fhir('GET', 'Observation?patient=Patient/walter-long&_count=2&_elements=code,value', walter);
  const slimKeys = (slim.json?.entry ?? []).map((e) => Object.keys(e.resource).sort().join());
  const slimNext = slim.json?.link?.find((l) => l.relation === 'next')?.url ?? '';
  check(slim.status === 200 && slimKeys.length === 2 && slimKeys.every((k) => /^code,id,meta,resourceType,status(,value[A-Z][a-z]+)?$/.test(k)) &&
    slim.json.entry.every((e) => e.resource.meta.tag?.some((t) => t.code === 'SUBSETTED')) && slimNext.includes('_elements=code,value') &&
    slim.json.total === big.json.total,
  '_elements: only the elements asked and the required ones, tagged SUBSETTED; the next page keeps it', { slimKeys, slimNext });
  const slimBatch = await fhir('POST', '', walter, { body: { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'Observation?patient=Patient/walter-long&_count=1&_elements=effective' } }] } });
  const inBatch = slimBatch.json?.entry?.[0]?.resource?.entry?.[0]?.resource ?? {};
  check(Object.keys(inBatch).sort().join() === 'code,effectiveDateTime,id,meta,resourceType,status', '_elements in a batch; a choice named by its base', Object.keys(inBatch));
  // Observation/$lastn (an addition to the contract): the latest of each code, announced in metadata.
  const lastn = await fhir('GET', 'Observation/$lastn?patient=Patient/maria-lopez&category=vital-signs&max=1', M);
  const allVitals = await fhir('GET', 'Observation?patient=Patient/maria-lopez&category=vital-signs&_sort=-date&_count=200', M);
  const codeOf = (o) => `${o.code.coding[0].system}|${o.code.coding[0].code}`;
  const latest = new Map();
  for (const e of allVitals.json?.entry ?? []) {
    if (!latest.has(codeOf(e.resource))) latest.set(codeOf(e.resource), e.resource.id);
  }
  const lastnIds = (lastn.json?.entry ?? []).map((e) => e.resource.id).sort();
  const lastnOp = (await fhir('GET', 'metadata')).json?.rest?.[0]?.resource?.find((r) => r.type === 'Observation')?.operation;
  check(lastn.status === 200 && lastn.json.total === latest.size && lastnIds.join() === [...latest.values()].sort().join() &&
    lastnOp?.some((o) => o.definition === 'http://hl7.org/fhir/OperationDefinition/Observation-lastn'),
  `Observation/$lastn: the latest of each of ${latest.size} codes, announced in metadata`, { lastnIds, latest: [...latest.values()] });
  const lastnNoPatient = await fhir('GET', 'Observation/$lastn?category=vital-signs', M);
  check(lastnNoPatient.status === 403, '$lastn naming no patient is 403', lastnNoPatient.status);
  const badElements = await fhir('GET', 'Observation?patient=Patient/walter-long&_elements=code;status', walter);
  check(badElements.status === 400 && /_elements/.test(text(badElements.json)), '_elements naming no element is 400', badElements.status);
  // _elements on a read (an addition): the elements asked, tagged, with the whole record's ETag.
  const slimRead = await fhir('GET', 'Patient/maria-lopez?_elements=name,birthDate', M);
  const wholeRead = await fhir('GET', 'Patient/maria-lopez', M);
  check(slimRead.status === 200 && Object.keys(slimRead.json).sort().join() === 'birthDate,id,meta,name,resourceType' &&
    slimRead.json.meta.tag?.some((t) => t.code === 'SUBSETTED') && slimRead.headers.etag === wholeRead.headers.etag,
  '_elements on a read: only those elements, tagged SUBSETTED, the same ETag', Object.keys(slimRead.json ?? {}));
  // Patient/<id>/$overview (an addition): Home's figures in one answer,
  // the same as the searches they stand for; announced in metadata.
  const ov = await fhir('GET', 'Patient/maria-lopez/$overview', M);
  const part = (o, name) => o.json?.parameter?.find((x) => x.name === name);
  const totalOf = async (q) => (await fhir('GET', `${q}&_summary=count`, M)).json?.total;
  const heads = await fhir('GET', 'Communication?subject=Patient/maria-lopez&part-of:missing=true&_count=200', M);
  const bills = await fhir('GET', 'Invoice?subject=Patient/maria-lopez&status=issued&_count=200', M);
  const extOf = (r, url) => r.extension?.find((x) => x.url === url);
  const unreadSum = (heads.json?.entry ?? []).reduce((n, e) => n + (extOf(e.resource, 'urn:chartty:unread')?.valueInteger ?? 0), 0);
  const dueSum = (bills.json?.entry ?? []).reduce((n, e) => n + (extOf(e.resource, 'urn:chartty:balance-due')?.valueMoney?.value ?? 0), 0);
  const ovCounts = [part(ov, 'allergies'), part(ov, 'problems'), part(ov, 'reports')].map((x) => x?.valueInteger);
  const wantCounts = [await totalOf('AllergyIntolerance?patient=Patient/maria-lopez&clinical-status=active'),
    await totalOf('Condition?patient=Patient/maria-lopez&clinical-status=active&category=problem-list-item'),
    await totalOf('DiagnosticReport?patient=Patient/maria-lopez')];
  const nextVisit = part(ov, 'next-visit')?.part ?? [];
  const ovOp = (await fhir('GET', 'metadata')).json?.rest?.[0]?.resource?.find((r) => r.type === 'Patient')?.operation;
  check(ov.status === 200 && ov.json.resourceType === 'Parameters' && ovCounts.join() === wantCounts.join() &&
    part(ov, 'unread')?.valueInteger === unreadSum && unreadSum > 0 && Math.abs(part(ov, 'balance-due')?.valueMoney?.value - dueSum) < 0.005 && dueSum > 0 &&
    nextVisit.some((x) => x.name === 'start' && x.valueInstant) && nextVisit.some((x) => x.name === 'type' && x.valueCodeableConcept) &&
    !part(ov, 'withheld') && ovOp?.some((o) => o.name === 'overview' && o.definition === 'urn:chartty:OperationDefinition/Patient-overview'),
  `Patient/$overview: counts ${ovCounts}, ${unreadSum} unread, ${dueSum} due and the next visit, as the searches say; announced in metadata`, ov.json);
  const ovNoah = await fhir('GET', 'Patient/noah-carter/$overview', J);
  const ovOther = await fhir('GET', 'Patient/walter-long/$overview', M);
  check(ovNoah.status === 200 && part(ovNoah, 'immunizations') && !part(ovNoah, 'problems') && !part(ovNoah, 'unread') &&
    part(ovNoah, 'withheld')?.valueString === noah.note && ovOther.status === 403,
  '$overview: a limited proxy gets what it may see and why the rest is withheld; another\'s record is 403', [ovNoah.json, ovOther.status]);
  const reportPage = async (offset) => {
    const t = performance.now();
    const r6 = await fhir('GET', `DiagnosticReport?patient=Patient/walter-long&_sort=-date&_include=DiagnosticReport:result${offset ? `&_offset=${offset}` : ''}`, walter);
    const ms = performance.now() - t;
    const matches = (r6.json?.entry ?? []).filter((e) => e.search.mode === 'match').map((e) => e.resource);
    const inc = new Set((r6.json?.entry ?? []).filter((e) => e.search.mode === 'include').map((e) => `Observation/${e.resource.id}`));
    const whole = matches.length === 20 && matches.every((d) => d.result.length >= 1 && d.result.length <= 8 && d.result.every((x) => inc.has(x.reference)));
    return { ms, whole, next: r6.json?.link?.some((l) => l.relation === 'next') };
  };
  const firstPage = await reportPage(0);
  const farPage = await reportPage(400);
  console.log(`# big patient reports with _include: first page ${firstPage.ms.toFixed(0)} ms, _offset=400 ${farPage.ms.toFixed(0)} ms`);
  check(firstPage.whole && farPage.whole && firstPage.next, 'big patient reports with _include: pages of 20, 1 to 8 results each');

  /* ---- other account flows ---- */
  const kiosk = await form('/oauth2/token', { grant_type: 'client_credentials', client_id: 'kiosk-main-street', client_secret: 'kiosk-demo-secret' });
  const kioskBad = await form('/oauth2/token', { grant_type: 'client_credentials', client_id: 'kiosk-main-street', client_secret: 'wrong' });
  const kioskRead = await fhir('GET', 'Patient/maria-lopez', kiosk.json.access_token);
  check(kiosk.json.scope === 'system/kiosk' && !kiosk.json.refresh_token && kioskBad.json.error === 'invalid_client' && kioskRead.status === 403, 'kiosk client_credentials; kiosk reads nothing', [kiosk.json, kioskRead.json]);
  const pS = pkce();
  const samuel = { firstName: 'Samuel', lastName: 'Reyes', birthDate: '1990-07-23', ssnLast4: '6789', email: 'samuel@example.org', password: 'Samuel-pass-1', codeChallenge: pS.challenge, codeChallengeMethod: 'S256' };
  const miss = await json('POST', '/auth/signup', { ...samuel, ssnLast4: '0000' });
  const su = await json('POST', '/auth/signup', samuel);
  const again = await json('POST', '/auth/signup', { ...samuel, email: 'samuel2@example.org' });
  check(miss.status === 404 && !/ssn|birth/i.test(text(miss.json)) && su.status === 200 && su.json.code && again.status === 409, 'sign-up: 404 mismatch, match signs in, 409 when an account exists', [miss.json, su.json, again.json]);
  const act = { activationCode: 'ACT-7Q4M-2KD9', birthDate: '1988-04-12', email: 'grace@example.org', password: 'Grace-pass-1', codeChallenge: pS.challenge, codeChallengeMethod: 'S256' };
  const actWrong = await json('POST', '/auth/activate', { ...act, birthDate: '1988-04-13' });
  const actOk = await json('POST', '/auth/activate', act);
  const actUsed = await json('POST', '/auth/activate', { ...act, email: 'grace2@example.org' });
  check(actWrong.status === 400 && actOk.status === 200 && actOk.json.code && actUsed.status === 400 && /already been used/.test(text(actUsed.json)), 'activation code: wrong birth date, success, single use', [actWrong.json, actUsed.json]);
  await json('POST', '/auth/resetpassword', { email: 'nobody@example.org' });
  const rp = await json('POST', '/auth/resetpassword', { email: 'maria@example.org' });
  let outbox = (await json('GET', '/_test/outbox')).json;
  const mail = outbox.find((m) => m.kind === 'reset-password');
  check(rp.status === 200 && outbox.filter((m) => m.kind === 'reset-password').length === 1 && mail.to === 'maria@example.org' && mail.resetId && mail.resetSecret, 'resetpassword: ok always, outbox only for a real account', outbox);
  const sp = await json('POST', '/auth/setpassword', { id: mail.resetId, secret: mail.resetSecret, password: 'Maria-new-pass-2' });
  const relog = await attempt('maria@example.org', 'Maria-new-pass-2');
  check(sp.status === 200 && relog.status === 200, 'setpassword then sign in with the new password');
  await json('POST', '/auth/forgot-username', { firstName: 'Linda', lastName: 'Nguyen', birthDate: '1962-05-20' });
  outbox = (await json('GET', '/_test/outbox')).json;
  check(outbox.some((m) => m.kind === 'username-reminder' && m.to === 'linda@example.org'), 'forgot-username sends a reminder');
  const cp = await json('POST', '/auth/changepassword', { oldPassword: 'Chartty-demo-2', newPassword: 'James-new-pass-3' }, { authorization: `Bearer ${J}` });
  const cpBad = await json('POST', '/auth/changepassword', { oldPassword: 'wrong-one', newPassword: 'James-new-pass-4' }, { authorization: `Bearer ${J}` });
  check(cp.status === 200 && cpBad.status === 400, 'changepassword checks the old password');
  const lindaAfterLock = await json('GET', '/_test/state?email=linda@example.org');
  check(lindaAfterLock.status === 200, '/_test/state answers for any email');
  const M2 = (await signIn('maria@example.org', 'Maria-new-pass-2')).access_token;
  const ms = await json('GET', '/auth/mfa/status', undefined, { authorization: `Bearer ${M2}` });
  const enrollCode = (await json('GET', '/_test/totp?email=maria@example.org')).json.code;
  const enroll = await json('POST', '/auth/mfa/enroll', { token: enrollCode }, { authorization: `Bearer ${M2}` });
  const ms2 = await json('GET', '/auth/mfa/status', undefined, { authorization: `Bearer ${M2}` });
  const needMfa = await attempt('maria@example.org', 'Maria-new-pass-2');
  check(ms.json.enrolled === false && ms.json.enrollUri?.startsWith('otpauth://totp/') && enroll.status === 200 && ms2.json.enrolled === true && needMfa.json.mfaRequired, 'MFA status, enroll, then login asks for MFA', [ms.json, enroll.json]);

  /* ---- browser authorization-code flow ---- */
  const pB = pkce();
  const authQ = new URLSearchParams({ response_type: 'code', client_id: 'chartty', redirect_uri: 'http://127.0.0.1:9/callback', scope: 'openid patient/*.*', state: 'xyz', code_challenge: pB.challenge, code_challenge_method: 'S256' });
  const page = await http(base, 'GET', `/oauth2/authorize?${authQ}`);
  const post = await http(base, 'POST', '/oauth2/authorize', { body: new URLSearchParams({ ...Object.fromEntries(authQ), email: 'linda@example.org', password: 'Chartty-demo-3' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  check(page.status === 200 && page.body.toString().includes('<form') && (post.status === 302 || post.status === 400), 'authorize page renders a form', post.status);

  /* ---- test controls: reset, expire-tokens ---- */
  await json('POST', '/_test/reset');
  const afterReset = await attempt('maria@example.org', 'Chartty-demo-1');
  const lindaOk = await attempt('linda@example.org', 'Chartty-demo-3');
  const patientBack = await fhir('GET', 'Patient/maria-lopez', (await signIn('maria@example.org', 'Chartty-demo-1')).access_token);
  check(afterReset.status === 200 && afterReset.json.code && lindaOk.status === 200 && patientBack.json.telecom.length === read.json.telecom.length && (await json('GET', '/_test/outbox')).json.length === 0,
    'reset restores passwords, MFA, locks, data and outbox');
  const R = (await signIn('maria@example.org', 'Chartty-demo-1')).access_token;
  const lisReset = await fhir('GET', `MedicationRequest/${LIS}`, R);
  const tasksReset = await fhir('GET', 'Task?patient=Patient/maria-lopez&code=fulfill&_summary=count', R);
  check(lisReset.headers.etag === lisBefore.headers.etag && eligible(lisReset.json) === true && tasksReset.json.total === seededTasks.length,
    'reset restores prescriptions and refill requests', [lisReset.headers.etag, tasksReset.json.total]);
  const browser = await http(base, 'POST', '/oauth2/authorize', { body: new URLSearchParams({ ...Object.fromEntries(authQ), email: 'linda@example.org', password: 'Chartty-demo-3' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const loc = browser.headers.location ? new URL(browser.headers.location) : undefined;
  const bt = loc && await form('/oauth2/token', { grant_type: 'authorization_code', code: loc.searchParams.get('code'), code_verifier: pB.verifier, redirect_uri: 'http://127.0.0.1:9/callback' });
  check(browser.status === 302 && loc.searchParams.get('state') === 'xyz' && bt?.json?.access_token, 'browser flow redirects with code and state; code exchanges', bt?.json);
  const E = await signIn('maria@example.org', 'Chartty-demo-1', 'openid patient/*.* offline_access');
  await json('POST', '/_test/expire-tokens');
  const expired = await fhir('GET', 'Patient/maria-lopez', E.access_token);
  const refreshed = await form('/oauth2/token', { grant_type: 'refresh_token', refresh_token: E.refresh_token });
  const works = await fhir('GET', 'Patient/maria-lopez', refreshed.json.access_token);
  check(expired.status === 401 && expired.json.issue[0].code === 'login' && works.status === 200, 'expire-tokens: 401 login, refresh recovers');
  const T = refreshed.json.access_token;

  /* ---- faults ---- */
  const fault = (f) => json('POST', '/_test/fault', f);
  await fault({ kind: 'latency', count: 1, ms: 300 });
  t0 = performance.now();
  r = await fhir('GET', 'Patient/maria-lopez', T);
  check(r.status === 200 && performance.now() - t0 >= 290, 'latency fault delays the answer');
  await fault({ kind: 'drop-answer', count: 1, path: '/fhir/R4/Observation' });
  const lost = { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] },
    subject: { reference: 'Patient/maria-lopez' }, performer: [{ reference: 'Patient/maria-lopez' }],
    effectiveDateTime: new Date().toISOString(), valueQuantity: { value: 70.1, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
    identifier: [{ system: 'urn:chartty:request', value: 'drop-answer-smoke' }] };
  const lostAnswer = await fhir('POST', 'Observation', T, { body: JSON.stringify(lost) }).then(() => 'answered', (e) => e.code ?? e.message);
  check(lostAnswer !== 'answered', `drop-answer hangs up (${lostAnswer})`);
  const made = await fhir('GET', 'Observation?patient=Patient/maria-lopez&identifier=urn:chartty:request|drop-answer-smoke', T);
  check(made.json?.total === 1, `drop-answer: the create was made before the hang-up (${made.json?.total})`);
  await fault({ kind: 'drop', count: 1 });
  const dropped = await fhir('GET', 'Patient/maria-lopez', T).then(() => 'answered', (e) => e.code ?? e.message);
  check(dropped !== 'answered', `drop fault hangs up (${dropped})`);
  await fault({ kind: 'truncate', count: 1 });
  const trunc = await fhir('GET', 'Patient/maria-lopez', T).then((x) => `answered ${x.body.length}`, (e) => e.code ?? e.message);
  check(!trunc.startsWith('answered'), `truncate fault closes mid-body (${trunc})`);
  await fault({ kind: '500', count: 1 });
  r = await fhir('GET', 'Patient/maria-lopez', T);
  check(r.status === 500 && r.json.resourceType === 'OperationOutcome', '500 fault');
  await fault({ kind: 'malformed', count: 1 });
  r = await fhir('GET', 'Patient/maria-lopez', T);
  check(r.status === 200 && r.json === undefined, 'malformed fault sends invalid JSON');
  await fault({ kind: 'huge', count: 1 });
  t0 = performance.now();
  r = await fhir('GET', 'Patient/maria-lopez', T);
  check(r.status === 200 && r.body.length >= 64 * 1024 * 1024 && r.json?.entry?.length > 0, `huge fault streams ${(r.body.length / 1048576).toFixed(0)} MiB in ${(performance.now() - t0).toFixed(0)} ms`);
  await fault({ kind: 'trickle', count: 1, ms: 1500, bytes: 100 });
  t0 = performance.now();
  r = await fhir('GET', 'Patient/maria-lopez', T);
  check(r.status === 200 && performance.now() - t0 >= 1400 && r.body.length >= 100 && r.json?.resourceType === 'Bundle', `trickle fault sends a valid answer slowly (${r.body.length} bytes in ${(performance.now() - t0).toFixed(0)} ms)`);
  await fault({ kind: '500', count: 2, path: '/fhir/R4/Observation' });
  const unaffected = await fhir('GET', 'Patient/maria-lopez', T);
  const ctlUnaffected = await json('GET', '/_test/outbox');
  const affected = await fhir('GET', 'Observation?patient=Patient/maria-lopez', T);
  await json('DELETE', '/_test/fault');
  const cleared = await fhir('GET', 'Observation?patient=Patient/maria-lopez', T);
  check(unaffected.status === 200 && ctlUnaffected.status === 200 && affected.status === 500 && cleared.status === 200, 'path-scoped fault; /_test/* never affected; DELETE clears');
  await fault({ kind: 'expire-token', count: 1 });
  r = await fhir('GET', 'Patient/maria-lopez', T);
  const still = await fhir('GET', 'Patient/maria-lopez', T);
  check(r.status === 401 && r.json.issue[0].code === 'login' && still.status === 401, 'expire-token fault: 401 login and the token stays expired');
  const badFault = await fault({ kind: 'gremlins' });
  check(badFault.status === 400, 'unknown fault kind is 400');

  /* ---- visits: schedules, booking, cancelling, rescheduling, eCheck-in, On My Way, $pay ---- */
  {
  await json('POST', '/_test/reset');
  const V = (await signIn('maria@example.org', 'Chartty-demo-1')).access_token;
  const V2 = (await signIn('maria@example.org', 'Chartty-demo-1')).access_token;
  const extv = (r, name) => r?.extension?.find((e) => e.url === `urn:chartty:${name}`);
  const flag = (r, name) => extv(r, name)?.valueBoolean;
  const nowIso = new Date().toISOString();
  const upcoming = await fhir('GET', `Appointment?patient=Patient/maria-lopez&date=ge${nowIso}&_sort=date`, V);
  const ups = (upcoming.json?.entry ?? []).map((e) => e.resource);
  const byId = (id) => ups.find((a) => a.id === id);
  check(upcoming.status === 200 && ups.map((a) => a.id).join() === 'appt-maria-lopez-lab,appt-maria-lopez-video,appt-maria-lopez-followup,appt-maria-lopez-cardio',
    'upcoming visits, soonest first', ups.map((a) => a.id));
  check(flag(byId('appt-maria-lopez-lab'), 'checkin-open') === true && flag(byId('appt-maria-lopez-lab'), 'cancel-allowed') === false &&
    flag(byId('appt-maria-lopez-followup'), 'checkin-open') === true && flag(byId('appt-maria-lopez-followup'), 'cancel-allowed') === true &&
    flag(byId('appt-maria-lopez-cardio'), 'checkin-open') === false && extv(byId('appt-maria-lopez-video'), 'join-url')?.valueUrl?.startsWith('https://') &&
    extv(byId('appt-maria-lopez-followup'), 'copay')?.valueMoney?.value === 25 && extv(byId('appt-maria-lopez-followup'), 'questionnaire')?.valueCanonical === 'urn:chartty:questionnaire:previsit' &&
    extv(byId('appt-maria-lopez-followup'), 'copay-invoice')?.valueReference?.reference === 'Invoice/inv-maria-lopez-followup-copay',
  'the server\'s flags: check-in from 7 days, no cancel within 24 hours, join link, copay and its invoice, questionnaire', ups.map((a) => a.extension));
  // Visits on a weekend move to the Monday: the order above must hold
  // whatever the day and hour the portal starts (it once failed on Thursdays).
  const misordered = [];
  for (let h = 0; h < 14 * 24; h += 1) {
    const when = new Date(Date.UTC(2026, 0, 1) + h * 3600000 + 17 * 60000);
    const order = buildSeed(when, { big: false }).resources
      .filter((r) => r.resourceType === 'Appointment' && r.id.startsWith('appt-maria-lopez-') && Date.parse(r.start) >= when.getTime())
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start)).map((a) => a.id).join();
    if (order !== 'appt-maria-lopez-lab,appt-maria-lopez-video,appt-maria-lopez-followup,appt-maria-lopez-cardio') misordered.push(`${when.toISOString()} ${order}`);
  }
  check(misordered.length === 0, 'the seed keeps that order whatever the weekday and hour it is built', misordered.slice(0, 3));
  const past = await fhir('GET', `Appointment?patient=Patient/maria-lopez&date=lt${nowIso}&_sort=-date`, V);
  check(past.json?.entry?.map((e) => e.resource.status).join() === 'fulfilled,cancelled', 'past visits, newest first', past.json?.entry?.map((e) => e.resource.id));
  const scheds = await fhir('GET', 'Schedule?actor=Practitioner/pr-anita-patel', V);
  const sched = scheds.json?.entry?.[0]?.resource;
  check(scheds.status === 200 && sched?.id === 'sched-patel' && sched.serviceType.some((t) => t.coding[0].code === 'follow-up'), 'Schedule?actor= finds the clinician\'s schedule and visit types', sched);
  // The times the portal offers, never a day picked by adding days: free
  // times more than 24 hours away (cancellable), then a range that ends
  // at the 46th of them.
  const from = new Date(Date.now() + 25 * 3600000).toISOString();
  const ahead = (await fhir('GET', `Slot?schedule=Schedule/sched-patel&status=free&start=ge${from}&_sort=start&_count=200`, V)).json?.entry ?? [];
  const to = ahead[45]?.resource?.start;
  const slotsAnswer = await fhir('GET', `Slot?schedule=Schedule/sched-patel&status=free&start=ge${from}&start=lt${to}&_sort=start&_count=200`, V);
  const slots = (slotsAnswer.json?.entry ?? []).map((e) => e.resource);
  check(to && slots.length === 45 && slots.every((s) => s.status === 'free' && s.start >= from && s.start < to) && isDescending(slots.map((s) => s.start).reverse()),
    'free slots in a date range, by start', slots.length);
  const booking = (slot, id, extra = {}) => ({
    resourceType: 'Appointment', status: 'booked', slot: [{ reference: `Slot/${slot.id}` }],
    identifier: [{ system: 'urn:chartty:request', value: id }],
    serviceType: [{ coding: [{ system: 'urn:chartty:visit-type', code: 'office-visit' }] }], reasonCode: [{ text: 'Sore knee' }],
    participant: [{ actor: { reference: 'Patient/maria-lopez' }, status: 'accepted' }, { actor: { reference: 'Practitioner/pr-anita-patel' }, status: 'accepted' }],
    ...extra,
  });
  const book = (slot, id, token = V, extra) => fhir('POST', 'Appointment', token, { body: booking(slot, id, extra), headers: { 'if-none-exist': `identifier=urn:chartty:request|${id}` } });
  const b1 = await book(slots[0], 'req-book-1');
  const b1again = await book(slots[0], 'req-book-1');
  const b1other = await book(slots[0], 'req-book-2');
  const slot0 = (await fhir('GET', `Slot/${slots[0].id}`, V)).json;
  check(b1.status === 201 && b1.json.start === slots[0].start && b1.json.participant.length === 3 && extv(b1.json, 'copay-invoice') && b1again.status === 200 && b1again.json.id === b1.json.id &&
    b1other.status === 409 && /Someone else just booked that time/.test(text(b1other.json)) && slot0.status === 'busy',
  'booking: 201 with the slot\'s time; the same request id again 200, the same visit; another 409; the slot is busy', [b1.status, b1again.status, b1other.status, text(b1other.json)]);
  const race = await Promise.all([book(slots[1], 'req-race-a', V), book(slots[1], 'req-race-b', V2)]);
  const liveOn = (slotId) => (async () => (await fhir('GET', 'Appointment?patient=Patient/maria-lopez&_count=200', V)).json.entry.map((e) => e.resource)
    .filter((a) => a.status === 'booked' && a.slot?.[0]?.reference === `Slot/${slotId}`).length)();
  check(race.map((x) => x.status).sort().join() === '201,409' && (await liveOn(slots[1].id)) === 1, 'two clients race for one slot: one 201, one 409, one visit', race.map((x) => x.status));
  const badType = await book(slots[2], 'req-bad-type', V, { serviceType: [{ coding: [{ system: 'urn:chartty:visit-type', code: 'cardiology-consult' }] }] });
  const noReason = await book(slots[2], 'req-no-reason', V, { reasonCode: [{ text: '  ' }] });
  check(badType.status === 400 && /does not offer/.test(text(badType.json)) && noReason.status === 400 && /why you are coming/.test(text(noReason.json)), 'a visit type the clinician does not offer, or no reason: 400', [text(badType.json), text(noReason.json)]);
  // Cancelling.
  const cancelBody = (a, reason = 'Feeling better') => ({ ...a, status: 'cancelled', cancelationReason: { text: reason } });
  const put = (a, body, etag) => fhir('PUT', `Appointment/${a.id}`, V, { body, headers: etag === null ? {} : { 'if-match': etag ?? `W/"${a.meta.versionId}"` } });
  const lab = byId('appt-maria-lopez-lab');
  const late = await put(lab, cancelBody(lab));
  check(late.status === 400 && /within 24 hours cannot be cancelled online\. Please call the clinic at 555-0100/.test(text(late.json)), 'cancel within 24 hours: 400 in the clinic\'s words', text(late.json));
  const b1now = (await fhir('GET', `Appointment/${b1.json.id}`, V));
  const noMatch = await put(b1now.json, cancelBody(b1now.json), null);
  const moved = await put(b1now.json, { ...cancelBody(b1now.json), start: slots[5].start });
  const noWhy = await put(b1now.json, cancelBody(b1now.json, ''));
  const cancelled = await put(b1now.json, cancelBody(b1now.json));
  const slot0After = (await fhir('GET', `Slot/${slots[0].id}`, V)).json;
  const copayAfter = (await fhir('GET', extv(b1.json, 'copay-invoice').valueReference.reference, V)).json;
  check(noMatch.status === 428 && moved.status === 400 && noWhy.status === 400 && cancelled.status === 200 && cancelled.json.status === 'cancelled' && flag(cancelled.json, 'cancel-allowed') === false &&
    slot0After.status === 'free' && copayAfter.status === 'cancelled', 'cancel: If-Match needed, only status and reason change, a reason needed; the slot is free again and the copay void',
  [noMatch.status, moved.status, noWhy.status, cancelled.status, text(cancelled.json), slot0After.status, copayAfter.status]);
  // Rescheduling: one transaction, all or nothing.
  const followup = (await fhir('GET', 'Appointment/appt-maria-lopez-followup', V)).json;
  const resched = (slot, id) => ({
    resourceType: 'Bundle', type: 'transaction', entry: [
      { fullUrl: 'urn:uuid:3b9c1f2e-0000-4000-8000-000000000001', resource: { ...booking(slot, id), serviceType: [{ coding: [{ system: 'urn:chartty:visit-type', code: 'follow-up' }] }] }, request: { method: 'POST', url: 'Appointment', ifNoneExist: `identifier=urn:chartty:request|${id}` } },
      { resource: cancelBody(followup, 'Rescheduled'), request: { method: 'PUT', url: `Appointment/${followup.id}`, ifMatch: `W/"${followup.meta.versionId}"` } },
    ],
  });
  await json('POST', '/_test/fault', { kind: 'break-transaction', count: 1, path: '/fhir/R4' });
  const broken = await fhir('POST', '', V, { body: resched(slots[3], 'req-resched-1') });
  const afterBreak = (await fhir('GET', 'Appointment?patient=Patient/maria-lopez&_count=200', V)).json.entry.map((e) => e.resource);
  const slot3 = (await fhir('GET', `Slot/${slots[3].id}`, V)).json;
  check(broken.status === 500 && afterBreak.find((a) => a.id === followup.id).status === 'booked' && !afterBreak.some((a) => a.slot?.[0]?.reference === `Slot/${slots[3].id}`) && slot3.status === 'free',
    'reschedule with a failure between its parts: nothing changed (the old visit stays, no new one, the slot free)', broken.status);
  const rs = await fhir('POST', '', V, { body: resched(slots[3], 'req-resched-1') });
  const afterRs = (await fhir('GET', 'Appointment?patient=Patient/maria-lopez&_count=200', V)).json.entry.map((e) => e.resource);
  check(rs.status === 200 && rs.json.entry[0].response.status.startsWith('201') && afterRs.find((a) => a.id === followup.id).status === 'cancelled' &&
    afterRs.filter((a) => a.status === 'booked' && a.slot?.[0]?.reference === `Slot/${slots[3].id}`).length === 1, 'reschedule: the new visit and the cancellation together', rs.json?.entry?.map((e) => e.response));
  const rsTaken = await fhir('POST', '', V, { body: resched(slots[3], 'req-resched-2') });
  check(rsTaken.status === 409 || rsTaken.status === 412, 'reschedule onto a taken time: refused as a whole', rsTaken.status);
  // eCheck-in on the video visit (copay 15, no questions) and the lab visit (no copay).
  const video = (await fhir('GET', 'Appointment/appt-maria-lopez-video', V)).json;
  const checkin = (a, params = []) => fhir('POST', `Appointment/${a.id}/$check-in`, V, { body: { resourceType: 'Parameters', parameter: params } });
  const c0 = await checkin(video);
  const c1 = await checkin(video, both.slice(0, 1));
  const c2 = await checkin(video, both);
  check(c0.status === 400 && /confirm your address/.test(text(c0.json)) && c1.status === 400 && /confirm your insurance/.test(text(c1.json)) && c2.status === 400 && /sign the consent/.test(text(c2.json)),
    '$check-in names the first missing step', [text(c0.json), text(c1.json), text(c2.json)]);
  const consent = (a, name) => consentOf('Patient/maria-lopez', a, name);
  const badSig = await fhir('POST', 'Consent', V, { body: consent(video, 'M. L.') });
  const goodSig = await fhir('POST', 'Consent', V, { body: consent(video, '  maria   LOPEZ ') });
  const c3 = await checkin(video, both);
  check(badSig.status === 400 && /full name on the record \(Maria Lopez\)/.test(text(badSig.json)) && goodSig.status === 201 && goodSig.json.dateTime && c3.status === 400 && /pay the copay/.test(text(c3.json)),
    'consent: the typed full name (case and spaces aside); then the copay is missing', [text(badSig.json), goodSig.status, text(c3.json)]);
  const inv = extv(video, 'copay-invoice').valueReference.reference;
  const pay = (number, key, extra) => fhir('POST', `${inv}/$pay`, V, { body: payP(number, key, extra) });
  const pNoKey = await pay('4242424242424242');
  const pLuhn = await pay('4242424242424241', 'pay-key-luhn');
  const pExpired = await pay('4242424242424242', 'pay-key-exp', { expiry: '01/20' });
  const pTooMuch = await pay('4242424242424242', 'pay-key-much', { amount: 16 });
  const pDeclined = await pay('4000000000000002', 'pay-key-declined');
  check(pNoKey.status === 400 && /idempotency-key/.test(text(pNoKey.json)) && pLuhn.status === 400 && /not valid/.test(text(pLuhn.json)) && pExpired.status === 400 && /expired/.test(text(pExpired.json)) &&
    pTooMuch.status === 400 && pDeclined.status === 402 && /declined/.test(text(pDeclined.json)), '$pay refuses: no key, Luhn, expired, more than due, a declined card (402)',
  [pNoKey.status, pLuhn.status, pExpired.status, pTooMuch.status, pDeclined.status, text(pDeclined.json)]);
  await json('POST', '/_test/fault', { kind: 'drop-answer', count: 1, path: `/fhir/R4/${inv}/$pay` });
  const lost = await pay('4242 4242 4242 4242', 'pay-key-ok').catch((e) => ({ status: 'dropped', e }));
  const p1 = await pay('4242 4242 4242 4242', 'pay-key-ok');
  const invAfter = (await fhir('GET', inv, V)).json;
  const notices = (await fhir('GET', `${inv}`, V)) && p1.json;
  check(lost.status === 'dropped' && p1.status === 200 && extv(p1.json, 'card-last4')?.valueString === '4242' && !JSON.stringify(p1.json).includes('4242424242424242') &&
    extv(invAfter, 'balance-due').valueMoney.value === 0 && invAfter.status === 'balanced' && notices.amount.value === 15,
  '$pay after a lost answer: the same key answers the first payment (200), charged once, last four only', [lost.status, p1.status, extv(invAfter, 'balance-due')]);
  const charges = (await json('GET', `/_test/payments?invoice=${inv}`)).json?.payments ?? [];
  check(charges.length === 1 && charges[0].amount.value === 15, '/_test/payments: one charge for the copay', charges.length);
  const c4 = await checkin(video, both);
  const c5 = await checkin(video, both);
  check(c4.status === 200 && c4.json.status === 'checked-in' && c5.status === 200 && flag(c4.json, 'cancel-allowed') === false, '$check-in: checked-in once every step is done; again is the same answer', [c4.status, c4.json?.status, text(c4.json)]);
  const fu = (await fhir('GET', 'Appointment/appt-maria-lopez-lab', V)).json;
  const qr = (a, items, status) => answersOf('Patient/maria-lopez', a, items, status);
  const cardio = (await fhir('GET', 'Appointment/appt-maria-lopez-cardio', V)).json;
  const qMissing = await fhir('POST', 'QuestionnaireResponse', V, { body: qr(cardio, full.filter((i) => i.linkId !== 'pain')) });
  const qRange = await fhir('POST', 'QuestionnaireResponse', V, { body: qr(cardio, full.map((i) => (i.linkId === 'pain' ? ans('pain', { valueInteger: 11 }) : i))) });
  const qChoice = await fhir('POST', 'QuestionnaireResponse', V, { body: qr(cardio, full.map((i) => (i.linkId === 'feeling' ? ans('feeling', { valueCoding: { system: 'urn:chartty:answer', code: 'great' } }) : i))) });
  const qDraft = await fhir('POST', 'QuestionnaireResponse', V, { body: qr(cardio, full.slice(0, 1), 'in-progress') });
  const qOk = await fhir('POST', 'QuestionnaireResponse', V, { body: qr(cardio, full) });
  const early = await checkin(cardio, both);
  check(qMissing.status === 400 && /Please answer "How much pain/.test(text(qMissing.json)) && qRange.status === 400 && /from 0 to 10/.test(text(qRange.json)) && qChoice.status === 400 &&
    qDraft.status === 201 && qOk.status === 201 && early.status === 400 && /opens 7 days before/.test(text(early.json)), 'questionnaire answers: required, ranges and choices checked; a draft may be partial; check-in opens 7 days before',
  [text(qMissing.json), text(qRange.json), text(qChoice.json), qDraft.status, qOk.status, text(early.json)]);
  check(fu.status === 'booked', 'the lab visit is still booked');
  const draftEtag = qDraft.headers.etag;
  const qFinish = await fhir('PUT', `QuestionnaireResponse/${qDraft.json.id}`, V, { body: { ...qr(cardio, full), id: qDraft.json.id }, headers: { 'if-match': draftEtag } });
  const qMissing2 = await fhir('PUT', `QuestionnaireResponse/${qDraft.json.id}`, V, { body: { ...qr(cardio, full.slice(0, 1)), id: qDraft.json.id }, headers: { 'if-match': qFinish.headers.etag } });
  check(qFinish.status === 200 && qFinish.json.status === 'completed' && qMissing2.status === 400 && /already sent/.test(text(qMissing2.json)),
    'answers kept for later are finished by PUT; sent answers cannot change', [qFinish.status, text(qFinish.json), qMissing2.status, text(qMissing2.json)]);
  // On My Way.
  const locs = await fhir('GET', 'Location?type=urgent-care', V);
  const north = locs.json?.entry?.map((e) => e.resource).find((l) => l.id === 'loc-urgent-north');
  check(locs.json?.total === 2 && extv(north, 'wait-minutes')?.valueInteger === 25, 'urgent-care locations with their waits', locs.json?.entry?.map((e) => extv(e.resource, 'wait-minutes')));
  const omw = (loc, reason = 'Twisted ankle') => fhir('POST', 'Appointment/$on-my-way', V, { body: { resourceType: 'Parameters', parameter: [
    { name: 'location', valueReference: { reference: `Location/${loc}` } }, { name: 'patient', valueReference: { reference: 'Patient/maria-lopez' } }, { name: 'reason', valueString: reason }] } });
  const joined = await omw('loc-urgent-north');
  const twice = await omw('loc-urgent-east');
  const noReasonOmw = await omw('loc-urgent-east', '');
  const notUrgent = await omw('loc-main-street');
  const northNow = (await fhir('GET', 'Location/loc-urgent-north', V)).json;
  check(joined.status === 201 && joined.json.status === 'waitlist' && extv(joined.json, 'queue-position')?.valueInteger === 4 && twice.status === 409 && /already in line at Main Street Urgent Care North/.test(text(twice.json)) &&
    noReasonOmw.status === 400 && notUrgent.status === 400 && extv(northNow, 'wait-minutes').valueInteger === 35, 'On My Way: a waitlist place (4th in line); one line at a time; the wait grows',
  [joined.status, extv(joined.json, 'queue-position'), twice.status, text(twice.json), noReasonOmw.status, notUrgent.status]);
  const left = await fhir('PUT', `Appointment/${joined.json.id}`, V, { body: { ...joined.json, status: 'cancelled' }, headers: { 'if-match': joined.headers.etag } });
  const joinedAgain = await omw('loc-urgent-east');
  check(left.status === 200 && left.json.status === 'cancelled' && joinedAgain.status === 201 && extv(joinedAgain.json, 'queue-position').valueInteger === 7, 'leaving the line (cancel), then joining another', [left.status, text(left.json), joinedAgain.status]);
  await json('POST', '/_test/reset');
  }

  /* ---- billing: invoices, paperless, payment plans, statements ---- */
  {
    await json('POST', '/_test/reset');
    const B = (await signIn('maria@example.org', 'Chartty-demo-1')).access_token;
    const extv = (r, name) => r?.extension?.find((e) => e.url === `urn:chartty:${name}`);
    const due = (r) => extv(r, 'balance-due')?.valueMoney?.value;
    const invs = (await fhir('GET', 'Invoice?subject=Patient/maria-lopez&_sort=-date', B)).json?.entry?.map((e) => e.resource) ?? [];
    const byId = (id) => invs.find((i) => i.id === id);
    const owed = invs.reduce((t, i) => t + Math.round((due(i) ?? 0) * 100), 0) / 100;
    check(invs.length === 7 && owed === 305 && due(byId('inv-maria-lopez-labs')) === 20 && byId('inv-maria-lopez-physical').status === 'balanced' &&
      invs.every((i) => i.account?.reference === 'Account/acct-maria-lopez'),
    'Maria: 7 invoices on her account, $305.00 due (3 visits and 3 copays), one paid in full', [invs.length, owed]);
    const labs = byId('inv-maria-lopez-labs');
    const comps = labs.lineItem.flatMap((l) => l.priceComponent.map((p) => p.type));
    check(comps.join() === 'base,deduction,base,deduction,discount' && labs.totalGross.value === 105 && labs.totalNet.value === 30,
      'an invoice: billed, paid by insurance, adjustments; gross and the patient\'s share', comps);
    let acct = await fhir('GET', 'Account/acct-maria-lopez', B);
    const paperless = (a) => extv(a, 'paperless')?.valueBoolean;
    const on = { ...acct.json, extension: acct.json.extension.map((e) => (e.url === 'urn:chartty:paperless' ? { ...e, valueBoolean: true } : e)) };
    const noMatch = await fhir('PUT', 'Account/acct-maria-lopez', B, { body: on });
    const renamed = await fhir('PUT', 'Account/acct-maria-lopez', B, { body: { ...on, name: 'Mine' }, headers: { 'if-match': acct.headers.etag } });
    const turnedOn = await fhir('PUT', 'Account/acct-maria-lopez', B, { body: on, headers: { 'if-match': acct.headers.etag } });
    const stale = await fhir('PUT', 'Account/acct-maria-lopez', B, { body: on, headers: { 'if-match': acct.headers.etag } });
    check(noMatch.status === 428 && renamed.status === 400 && /Only paperless billing/.test(text(renamed.json)) && turnedOn.status === 200 &&
      paperless(turnedOn.json) === true && stale.status === 412, 'paperless: If-Match needed, only it may change, a stale version is 412',
    [noMatch.status, renamed.status, turnedOn.status, stale.status]);
    const plan = (amount) => fhir('POST', 'Account/acct-maria-lopez/$payment-plan', B, { body: { resourceType: 'Parameters', parameter: [{ name: 'monthly-amount', valueMoney: { value: amount, currency: 'USD' } }] } });
    const low = await plan(20);
    const high = await plan(400);
    const good = await plan(50);
    const p = extv(good.json, 'payment-plan')?.extension ?? [];
    const part = (n) => p.find((x) => x.url === n);
    check(low.status === 400 && /at least \$25\.00 a month and at most 12 months: for \$305\.00 owed, pay at least \$25\.42 a month/.test(text(low.json)) &&
      high.status === 400 && /more than the \$305\.00 owed/.test(text(high.json)) && good.status === 200 &&
      part('monthly-amount')?.valueMoney?.value === 50 && part('months-left')?.valueInteger === 7 && /^\d{4}-\d\d-\d\d$/.test(part('next-due')?.valueDate ?? ''),
    '$payment-plan: the rule in words when refused; accepted: $50.00 a month for 7 months', [text(low.json), text(high.json), good.status, p]);
    const noah = await fhir('GET', 'Account/acct-noah-carter', (await signIn('james@example.org', 'Chartty-demo-2')).access_token);
    check(noah.status === 200 && extv(noah.json, 'payment-plan'), 'Noah\'s account (James is guarantor) has a plan', noah.status);
    const JT = (await signIn('james@example.org', 'Chartty-demo-2')).access_token;
    const noahDocs = await fhir('GET', 'DocumentReference?patient=Patient/noah-carter&type=statement', JT);
    const noahAll = await fhir('GET', 'DocumentReference?patient=Patient/noah-carter', JT);
    const noahPdf = noahDocs.json?.entry?.[0] ? await fhir('GET', noahDocs.json.entry[0].resource.content[0].attachment.url, JT) : {};
    const noahOther = await fhir('GET', 'Binary/bin-maria-lopez-statement', JT);
    check(noahDocs.status === 200 && noahDocs.json.total === 1 && noahPdf.status === 200 && noahAll.status === 403 && noahOther.status === 403,
      'a limited proxy reads the teenager\'s statements and their PDF (the guarantor), nothing else of DocumentReference', [noahDocs.status, noahPdf.status, noahAll.status]);
    const docs = await fhir('GET', 'DocumentReference?patient=Patient/maria-lopez&type=statement&_sort=-date', B);
    const atts = (docs.json?.entry ?? []).map((e) => e.resource.content[0].attachment);
    const bin = atts[1] ? await fhir('GET', atts[1].url, B) : {};
    check(atts.length === 3 && atts[0].title === 'statement-2026-10.pdf' && atts[1].title === 'statement-2026-09.pdf' && bin.status === 200 &&
      Buffer.from(bin.json.data, 'base64').length === atts[1].size, 'statements: three PDFs, newest first, each readable at its size', atts.map((a) => a.title));
    const part1 = await fhir('POST', 'Invoice/inv-maria-lopez-urgent/$pay', B, { body: { resourceType: 'Parameters', parameter: [
      { name: 'amount', valueMoney: { value: 55, currency: 'USD' } }, { name: 'method', valueCode: 'hsa' }, { name: 'card-number', valueString: '5555555555554444' },
      { name: 'card-expiry', valueString: '10/29' }, { name: 'card-cvc', valueString: '321' }, { name: 'idempotency-key', valueString: 'smoke-part-1' }] } });
    const urgent = (await fhir('GET', 'Invoice/inv-maria-lopez-urgent', B)).json;
    check(part1.status === 201 && due(urgent) === 100 && urgent.status === 'issued' && extv(part1.json, 'card-last4').valueString === '4444',
      'a partial payment with an HSA card: $100.00 left, still issued', [part1.status, due(urgent)]);
    await json('POST', '/_test/reset');
  }

  /* ---- kiosk check-in: $kiosk-lookup, check-in tokens, the throttle ---- */
  {
    await json('POST', '/_test/reset');
    const extv = (r, name) => r?.extension?.find((e) => e.url === `urn:chartty:${name}`);
    const device = () => form('/oauth2/token', { grant_type: 'client_credentials', client_id: 'kiosk-main-street', client_secret: 'kiosk-demo-secret' });
    const dev = await device();
    const K = dev.json?.access_token;
    check(dev.status === 200 && dev.json.scope === 'system/kiosk' && K, 'kiosk device token (client_credentials)', dev.json);
    const lookup = (token, family, birthDate, given, extra = []) => fhir('POST', 'Appointment/$kiosk-lookup', token, { body: { resourceType: 'Parameters', parameter: [
      ...(family !== undefined ? [{ name: 'family', valueString: family }] : []), ...(birthDate !== undefined ? [{ name: 'birthDate', valueDate: birthDate }] : []),
      ...(given !== undefined ? [{ name: 'given', valueString: given }] : []), ...extra] } });
    const visitsOf = (answer) => (answer.json?.parameter ?? []).map((p) => Object.fromEntries(p.part.map((x) => [x.name, x])));
    const hit = await lookup(K, 'Pena', '1990-06-15', 'Zoe');
    const [found] = visitsOf(hit);
    const appt = found?.appointment?.resource;
    const CT = found?.['checkin-token']?.valueString;
    check(hit.status === 200 && hit.json.parameter.length === 1 && hit.json.parameter[0].name === 'appointment' && appt?.id === 'appt-zoe-pena-today' && appt.status === 'booked' &&
      extv(appt, 'checkin-open')?.valueBoolean === true && extv(appt, 'copay')?.valueMoney?.value === 25 && extv(appt, 'questionnaire')?.valueCanonical === 'urn:chartty:questionnaire:previsit' &&
      extv(appt, 'copay-invoice')?.valueReference?.reference === 'Invoice/inv-zoe-pena-today-copay' && typeof CT === 'string' && CT.length > 20 &&
      found['expires-in']?.valueInteger === 900 && found['copay-invoice']?.valueReference?.reference === 'Invoice/inv-zoe-pena-today-copay' && hit.headers['cache-control'] === 'no-store',
    '$kiosk-lookup "Pena"/"Zoe" (no accents) finds her visit: the Appointment as the patient API has it, a check-in token for 900 s, the copay invoice', hit.json);
    const lower = await lookup(K, 'peña', '1990-06-15');
    const prefix = await lookup(K, 'PENA', '1990-06-15', 'zo');
    const dated = await fhir('POST', 'Appointment/$kiosk-lookup', K, { body: { resourceType: 'Parameters', parameter: [{ name: 'family', valueString: 'pena' }, { name: 'birthDate', valueString: '1990-06-15' }, { name: 'location', valueReference: { reference: 'Location/loc-main-street' } }] } });
    check([lower, prefix, dated].every((x) => x.status === 200 && visitsOf(x)[0]?.appointment?.resource?.id === 'appt-zoe-pena-today' && visitsOf(x)[0]['checkin-token'].valueString !== CT),
      'lower case, upper case, no given name, a 2-letter given prefix, birthDate as valueString and an explicit location all find it (each with a new token)', [lower.status, prefix.status, dated.status]);
    const miss = await lookup(K, 'Nobody', '1990-06-15');
    const wrongBorn = await lookup(K, 'Pena', '1990-06-16', 'Zoe');
    const wrongGiven = await lookup(K, 'Pena', '1990-06-15', 'Z');
    const elsewhere = await lookup(K, 'Pena', '1990-06-15', undefined, [{ name: 'location', valueReference: { reference: 'Location/loc-urgent-north' } }]);
    check([miss, wrongBorn, wrongGiven, elsewhere].every((x) => x.status === 200 && x.body.toString() === '{"resourceType":"Parameters"}' && x.headers['content-type'] === hit.headers['content-type']),
      'an unknown name, a wrong birth date, a 1-letter given name, another location: the same 200 and the same empty Parameters', [miss.body.toString(), wrongBorn.body.toString(), wrongGiven.status, elsewhere.status]);
    const noFamily = await lookup(K, undefined, '1990-06-15');
    const badDate = await lookup(K, 'Pena', '1990-02-30');
    check(noFamily.status === 400 && /family/.test(text(noFamily.json)) && badDate.status === 400 && /YYYY-MM-DD/.test(text(badDate.json)), 'a missing family name or a malformed birth date: 400 in one sentence', [text(noFamily.json), text(badDate.json)]);
    const P = (await signIn('maria@example.org', 'Chartty-demo-1')).access_token;
    const byPatient = await lookup(P, 'Pena', '1990-06-15');
    const byCheckin = await lookup(CT, 'Pena', '1990-06-15');
    const deviceRead = await fhir('GET', 'Patient/zoe-pena', K);
    check(byPatient.status === 403 && byCheckin.status === 403 && deviceRead.status === 403, 'only a kiosk device may look up; the device token itself still reads nothing', [text(byPatient.json), text(byCheckin.json), text(deviceRead.json)]);
    // What the check-in token may do.
    const denial = 'A check-in may only use what the check-in needs.';
    const zoe = await fhir('GET', 'Patient/zoe-pena', CT);
    const obs = await fhir('GET', 'Observation?patient=Patient/zoe-pena', CT);
    const otherPatient = await fhir('GET', 'Patient/maria-lopez', CT);
    const otherVisit = await fhir('POST', 'Appointment/appt-maria-lopez-video/$check-in', CT, { body: { resourceType: 'Parameters', parameter: both } });
    const meCt = await json('GET', '/auth/me', undefined, { authorization: `Bearer ${CT}` });
    check(zoe.status === 200 && zoe.json.name[0].family === 'Peña' && obs.status === 403 && otherPatient.status === 403 && otherVisit.status === 403 && meCt.status === 403 &&
      [obs, otherVisit, meCt].every((x) => text(x.json) === denial), 'check-in token: her Patient 200; Observation, another patient, another visit\'s $check-in and /auth/me 403',
    [zoe.status, obs.status, otherPatient.status, otherVisit.status, meCt.status, text(obs.json)]);
    const omw = await fhir('POST', 'Appointment/$on-my-way', CT, { body: { resourceType: 'Parameters', parameter: [{ name: 'location', valueReference: { reference: 'Location/loc-urgent-north' } }, { name: 'patient', valueReference: { reference: 'Patient/zoe-pena' } }, { name: 'reason', valueString: 'Cough' }] } });
    const otherBill = await fhir('POST', 'Invoice/inv-maria-lopez-labs/$pay', CT, { body: payP('4242424242424242', 'kiosk-other-bill', { amount: 20 }) });
    const cancel = await fhir('PUT', 'Appointment/appt-zoe-pena-today', CT, { body: { ...appt, status: 'cancelled', cancelationReason: { text: 'No' } }, headers: { 'if-match': `W/"${appt.meta.versionId}"` } });
    const apptSearch = await fhir('GET', 'Appointment?patient=Patient/zoe-pena', CT);
    check([omw, otherBill, cancel, apptSearch].every((x) => x.status === 403), 'check-in token: $on-my-way, another bill\'s $pay, changing the visit, searching visits: 403', [omw.status, otherBill.status, cancel.status, apptSearch.status]);
    const load = await fhir('POST', '', CT, { body: { resourceType: 'Bundle', type: 'batch', entry: [
      'Appointment/appt-zoe-pena-today', 'Patient/zoe-pena', 'Coverage?status=active&beneficiary=Patient/zoe-pena', 'QuestionnaireResponse?_sort=-authored&_count=50&subject=Patient/zoe-pena',
      'Consent?status=active&_count=50&patient=Patient/zoe-pena', 'Questionnaire?url=urn:chartty:questionnaire:previsit', 'Invoice/inv-zoe-pena-today-copay', 'Observation?patient=Patient/zoe-pena',
    ].map((url) => ({ request: { method: 'GET', url } })) } });
    const statuses = (load.json?.entry ?? []).map((e) => e.response.status).join();
    check(load.status === 200 && statuses === '200,200,200,200,200,200,200,403' && load.json.entry[2].resource.total === 1 && load.json.entry[5].resource.total === 1,
      'check-in token: a batch loads what the check-in needs (visit, Patient, Coverage, answers, consents, the form, the copay); Observation 403', statuses);
    const cov = load.json.entry[2].resource.entry[0].resource;
    const covPut = await fhir('PUT', `Coverage/${cov.id}`, CT, { body: { ...cov, subscriberId: 'ACM-80561' }, headers: { 'if-match': `W/"${cov.meta.versionId}"` } });
    const zoePut = await fhir('PUT', 'Patient/zoe-pena', CT, { body: { ...zoe.json, telecom: [{ system: 'phone', value: '555-0156', use: 'mobile' }] }, headers: { 'if-match': zoe.headers.etag } });
    check(covPut.status === 200 && zoePut.status === 200 && zoePut.json.telecom[0].value === '555-0156', 'check-in token: updates her Coverage and her Patient (If-Match)', [covPut.status, zoePut.status, text(zoePut.json)]);
    // The steps, then $check-in: arrived.
    const kcheckin = () => fhir('POST', 'Appointment/appt-zoe-pena-today/$check-in', CT, { body: { resourceType: 'Parameters', parameter: both } });
    const k0 = await kcheckin();
    check(k0.status === 400 && text(k0.json) === 'Please answer the pre-visit questions first.', '$check-in at the kiosk names the first missing step', text(k0.json));
    const kq = await fhir('POST', 'QuestionnaireResponse', CT, { body: answersOf('Patient/zoe-pena', appt, full) });
    const kqOther = await fhir('POST', 'QuestionnaireResponse', CT, { body: answersOf('Patient/zoe-pena', { id: 'appt-maria-lopez-cardio' }, full) });
    const kc = await fhir('POST', 'Consent', CT, { body: consentOf('Patient/zoe-pena', appt, 'zoë  PEÑA') });
    const kcMaria = await fhir('POST', 'Consent', CT, { body: consentOf('Patient/maria-lopez', { id: 'appt-maria-lopez-cardio' }, 'Maria Lopez') });
    const k1 = await kcheckin();
    check(kq.status === 201 && kqOther.status === 403 && kc.status === 201 && kcMaria.status === 403 && k1.status === 400 && /pay the copay/.test(text(k1.json)),
      'check-in token: answers and consent for her visit (not another), then the copay is missing', [kq.status, kqOther.status, kc.status, kcMaria.status, text(k1.json)]);
    const kpay = await fhir('POST', 'Invoice/inv-zoe-pena-today-copay/$pay', CT, { body: payP('4242 4242 4242 4242', 'kiosk-pay-copay-1', { amount: 25 }) });
    const kpayAgain = await fhir('POST', 'Invoice/inv-zoe-pena-today-copay/$pay', CT, { body: payP('4242 4242 4242 4242', 'kiosk-pay-copay-1', { amount: 25 }) });
    const k2 = await kcheckin();
    const k3 = await kcheckin();
    check(kpay.status === 201 && kpayAgain.status === 200 && kpayAgain.json.id === kpay.json.id && k2.status === 200 && k2.json.status === 'arrived' && k3.status === 200 && k3.json.status === 'arrived',
      'check-in token: the copay paid once (the same key again 200), then $check-in ends in arrived; again the same', [kpay.status, kpayAgain.status, k2.status, k2.json?.status, text(k2.json)]);
    const again = visitsOf(await lookup(K, 'Pena', '1990-06-15', 'Zoe'))[0];
    const CT2 = again?.['checkin-token']?.valueString;
    const k4 = await fhir('POST', 'Appointment/appt-zoe-pena-today/$check-in', CT2, { body: { resourceType: 'Parameters', parameter: both } });
    const answers = await fhir('GET', 'QuestionnaireResponse?subject=Patient/zoe-pena', CT2);
    check(again?.appointment?.resource?.status === 'arrived' && k4.status === 200 && k4.json.status === 'arrived' && answers.json?.total === 1,
      'a second lookup finds the visit arrived; its token\'s $check-in says it is done and it reads the answers of that visit', [again?.appointment?.resource?.status, k4.status, answers.json?.total]);
    await json('POST', '/_test/expire-tokens');
    const expiredCt = await fhir('GET', 'Patient/zoe-pena', CT2);
    check(expiredCt.status === 401 && expiredCt.json.issue[0].code === 'login', 'an expired check-in token is 401 login', expiredCt.json);
    // The throttle: 6 misses in a row, then 429 until 10 minutes after the last miss; a hit clears the count.
    await json('POST', '/_test/reset');
    const K2 = (await device()).json.access_token;
    const misses = async (n) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        out.push((await lookup(K2, `Nobody${i}`, '1990-06-15')).status);
      }
      return out;
    };
    const run1 = await misses(5);
    const clears = await lookup(K2, 'Pena', '1990-06-15');
    const run2 = await misses(6);
    const limited = await lookup(K2, 'Pena', '1990-06-15', 'Zoe');
    const retry = Number(limited.headers['retry-after']);
    check([...run1, clears.status, ...run2].every((st) => st === 200) && limited.status === 429 && limited.json.issue[0].code === 'throttled' && /Please see the front desk\./.test(text(limited.json)) &&
      retry > 590 && retry <= 600, '5 misses, a hit (clears the count), 6 misses: the next lookup, even a right one, is 429 throttled with Retry-After', [run1, clears.status, run2, limited.status, retry, text(limited.json)]);
    await json('POST', '/_test/reset');
    const afterReset = await lookup((await device()).json.access_token, 'Pena', '1990-06-15', 'Zoe');
    check(afterReset.status === 200 && visitsOf(afterReset).length === 1, '/_test/reset clears the throttle', afterReset.status);
    await json('POST', '/_test/reset');
  }

  /* ---- account activity: AuditEvent ---- */
  {
    await json('POST', '/_test/reset');
    const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
    const REST_I = 'http://hl7.org/fhir/restful-interaction';
    const activity = (token, patient, count = 200) => fhir('GET', `AuditEvent?patient=Patient/${patient}&_sort=-date&_count=${count}`, token);
    const events = (answer) => (answer.json?.entry ?? []).map((e) => e.resource);
    const sub = (e) => e.subtype?.[0]?.code;
    const whoOf = (e) => e.agent?.find((a) => a.requestor)?.who;
    const patientOf = (e) => e.entity?.find((x) => x.role?.code === '1')?.what?.reference;
    // A sign-in: one Login event with the client's address; the seed's three older ones below it.
    const ms = await signIn('maria@example.org', 'Chartty-demo-1', 'openid patient/*.* offline_access');
    const A = ms.access_token;
    const list1 = await activity(A, 'maria-lopez');
    const [login] = events(list1);
    check(list1.status === 200 && list1.json.total === 4 && login?.type?.system === DCM && login.type.code === '110114' && login.subtype?.[0]?.system === DCM && sub(login) === '110122' &&
      login.action === 'E' && login.outcome === '0' && Math.abs(Date.parse(login.recorded) - Date.now()) < 60000 && whoOf(login)?.reference === 'Patient/maria-lopez' &&
      whoOf(login)?.display === 'Maria Lopez' && login.agent[0].requestor === true && login.agent[0].network?.address === '127.0.0.1' && login.agent[0].network?.type === '2' &&
      login.source?.observer?.display === 'Patient portal' && login.entity?.[0]?.what?.reference === 'Patient/maria-lopez' && patientOf(login) === 'Patient/maria-lopez',
    'a sign-in is a Login AuditEvent (DCM 110114/110122) from 127.0.0.1, newest first', login);
    const seeded = events(list1).slice(1);
    check(seeded.length === 3 && seeded.every((e) => sub(e) === '110122' && e.agent[0].network.address === '203.0.113.7' && Date.parse(e.recorded) < Date.now() - 2 * 86400000) &&
      isDescending(events(list1).map((e) => e.recorded)), 'the seed has three older sign-ins of Maria from 203.0.113.7', seeded.map((e) => e.recorded));
    // A refresh is the same session: no event. A wrong password is a failed attempt (outcome 4).
    const refreshed = await form('/oauth2/token', { grant_type: 'refresh_token', refresh_token: ms.refresh_token });
    const afterRefresh = await activity(refreshed.json.access_token, 'maria-lopez');
    await json('POST', '/auth/login', { email: 'maria@example.org', password: 'wrong-password', codeChallenge: pkce().challenge, codeChallengeMethod: 'S256' });
    const afterWrong = events(await activity(refreshed.json.access_token, 'maria-lopez'));
    check(refreshed.status === 200 && afterRefresh.json.total === 4 && afterWrong.length === 5 && sub(afterWrong[0]) === '110122' && afterWrong[0].outcome === '4' &&
      afterWrong[0].outcomeDesc === 'Wrong password' && afterWrong[0].agent[0].network.address === '127.0.0.1',
    'a refresh records nothing; a wrong password is a Login with outcome 4', [afterRefresh.json.total, afterWrong[0]]);
    const R = refreshed.json.access_token;
    // Maria reading her own record (a screen's batch, reads, a thread) records nothing.
    const ownBatch = await fhir('POST', '', R, { body: { resourceType: 'Bundle', type: 'batch', entry: [
      { request: { method: 'GET', url: 'Patient/maria-lopez' } },
      { request: { method: 'GET', url: 'Condition?patient=Patient/maria-lopez' } },
      { request: { method: 'GET', url: 'Observation?patient=Patient/maria-lopez&category=vital-signs&_sort=-date' } },
    ] } });
    await fhir('GET', 'MedicationRequest?patient=Patient/maria-lopez', R);
    await fhir('GET', 'Communication?part-of=Communication/comm-maria-lopez-metformin', R);
    await fhir('GET', 'Practitioner?_count=5', R);
    const afterOwn = await activity(R, 'maria-lopez');
    check(ownBatch.status === 200 && afterOwn.json.total === 5, "reading one's own record records nothing", afterOwn.json.total);
    // Linda reads Harold's record: many reads, one event for the session, with her name.
    const ls = await signIn('linda@example.org', 'Chartty-demo-3');
    const L = ls.access_token;
    const hc = await fhir('GET', 'Condition?patient=Patient/harold-nguyen', L);
    const ho = await fhir('GET', 'Observation?patient=Patient/harold-nguyen', L);
    const hb = await fhir('POST', '', L, { body: { resourceType: 'Bundle', type: 'batch', entry: [
      { request: { method: 'GET', url: 'Patient/harold-nguyen' } },
      { request: { method: 'GET', url: 'MedicationRequest?patient=Patient/harold-nguyen&status=active' } },
      { request: { method: 'GET', url: 'AllergyIntolerance?patient=Patient/harold-nguyen' } },
    ] } });
    await fhir('GET', 'Condition?patient=Patient/linda-nguyen', L);
    const harold = await activity(L, 'harold-nguyen');
    const [pr] = events(harold);
    check(hc.status === 200 && ho.status === 200 && hb.json?.entry?.every((e) => e.response.status === '200') && harold.json.total === 1 && pr.type?.code === 'rest' &&
      pr.type.system === 'http://terminology.hl7.org/CodeSystem/audit-event-type' && pr.subtype?.[0]?.system === REST_I && sub(pr) === 'search-type' && pr.action === 'R' && pr.outcome === '0' &&
      whoOf(pr)?.reference === 'Patient/linda-nguyen' && whoOf(pr)?.display === 'Linda Nguyen' && pr.agent[0].network?.address === '127.0.0.1' &&
      pr.entity?.length === 1 && pr.entity[0].what?.reference === 'Patient/harold-nguyen' && patientOf(pr) === 'Patient/harold-nguyen',
    "Linda's searches, reads and batch of Harold's record: one read event for the session, found by patient=Patient/harold-nguyen, with her name", harold.json?.entry?.map((e) => e.resource));
    const lindaOwn = events(await activity(L, 'linda-nguyen'));
    check(lindaOwn.length === 2 && lindaOwn[0].id === pr.id && sub(lindaOwn[1]) === '110122', "Linda's own list has her sign-in and her read of Harold's record (agent who is Linda)", lindaOwn.map((e) => [sub(e), patientOf(e)]));
    const L2 = (await signIn('linda@example.org', 'Chartty-demo-3')).access_token;
    await fhir('GET', 'Patient/harold-nguyen', L2);
    await fhir('GET', 'Patient/harold-nguyen', L2);
    const harold2 = events(await activity(L2, 'harold-nguyen'));
    check(harold2.length === 2 && sub(harold2[0]) === 'read', 'a new session reading Harold again: one more event (subtype read)', harold2.map(sub));
    // Changes: PUT Patient is an update event; the version stays the answer's; a PUT that changes nothing records nothing.
    const mr = await fhir('GET', 'Patient/maria-lopez', R);
    const changed = { ...mr.json, telecom: [...mr.json.telecom, { system: 'phone', value: '555-0177', use: 'home' }] };
    const put = await fhir('PUT', 'Patient/maria-lopez', R, { body: changed, headers: { 'if-match': mr.headers.etag } });
    const [upd] = events(await activity(R, 'maria-lopez'));
    const again = await fhir('GET', 'Patient/maria-lopez', R);
    const same = await fhir('PUT', 'Patient/maria-lopez', R, { body: again.json, headers: { 'if-match': again.headers.etag } });
    const afterSame = await activity(R, 'maria-lopez');
    check(put.status === 200 && upd?.type?.code === 'rest' && sub(upd) === 'update' && upd.subtype[0].system === REST_I && upd.action === 'U' && whoOf(upd)?.reference === 'Patient/maria-lopez' &&
      upd.agent[0].network?.address === '127.0.0.1' && upd.entity?.[0]?.what?.reference === 'Patient/maria-lopez' && patientOf(upd) === 'Patient/maria-lopez' &&
      again.headers.etag === put.headers.etag && same.status === 200 && afterSame.json.total === 6,
    'a PUT Patient is an update event found by patient=; the record keeps the ETag the PUT answered; an unchanged PUT records nothing', [upd, afterSame.json.total]);
    // Writes in a transaction and through an operation: one event per record written.
    const weight = (value) => ({ resourceType: 'Observation', status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }], text: 'Body weight' }, subject: { reference: 'Patient/maria-lopez' }, performer: [{ reference: 'Patient/maria-lopez' }],
      effectiveDateTime: new Date().toISOString(), valueQuantity: { value, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } });
    const tx = await fhir('POST', '', R, { body: { resourceType: 'Bundle', type: 'transaction', entry: [
      { resource: weight(80.1), request: { method: 'POST', url: 'Observation' } }, { resource: weight(80.2), request: { method: 'POST', url: 'Observation' } }] } });
    const paid = await fhir('POST', 'Invoice/inv-maria-lopez-labs/$pay', R, { body: payP('4242424242424242', 'audit-pay-1', { amount: 5 }) });
    const writes = events(await activity(R, 'maria-lopez')).slice(0, 3);
    const created = new Set(tx.json?.entry?.map((e) => `Observation/${e.resource.id}`));
    check(tx.status === 200 && paid.status === 201 && writes[0].entity[0].what.reference === `PaymentNotice/${paid.json.id}` && sub(writes[0]) === 'create' && writes[0].action === 'C' &&
      patientOf(writes[0]) === 'Patient/maria-lopez' && writes.slice(1).every((e) => sub(e) === 'create' && created.has(e.entity[0].what.reference)),
    'a transaction of two readings makes two create events; $pay one (the PaymentNotice)', writes.map((e) => [sub(e), e.entity[0].what.reference]));
    // Only the portal writes AuditEvents.
    const ae = { resourceType: 'AuditEvent', type: { code: 'rest' }, recorded: new Date().toISOString(), agent: [{ who: { reference: 'Patient/maria-lopez' }, requestor: true }], source: { observer: { display: 'x' } }, entity: [{ what: { reference: 'Patient/maria-lopez' } }] };
    const postAe = await fhir('POST', 'AuditEvent', R, { body: ae });
    const putAe = await fhir('PUT', `AuditEvent/${upd.id}`, R, { body: { ...upd, outcome: '8' }, headers: { 'if-match': `W/"${upd.meta.versionId}"` } });
    const delAe = await fhir('DELETE', `AuditEvent/${upd.id}`, R);
    const batchAe = await fhir('POST', '', R, { body: { resourceType: 'Bundle', type: 'batch', entry: [{ resource: ae, request: { method: 'POST', url: 'AuditEvent' } }] } });
    const count = (await activity(R, 'maria-lopez')).json.total;
    check(postAe.status === 403 && putAe.status === 403 && delAe.status === 403 && batchAe.json?.entry?.[0]?.response?.status === '403' && count === 9,
      'a patient token cannot create, change or delete AuditEvents (403), and trying records nothing', [postAe.status, putAe.status, delAe.status, batchAe.json?.entry?.[0]?.response?.status, count]);
    // Security changes: two-step sign-in turned on, password changed; a sign-out.
    const status = (await json('GET', '/auth/mfa/status', undefined, { authorization: `Bearer ${R}` })).json;
    const enroll = await json('POST', '/auth/mfa/enroll', { token: (await json('GET', '/_test/totp?email=maria@example.org')).json.code }, { authorization: `Bearer ${R}` });
    const chpw = await json('POST', '/auth/changepassword', { oldPassword: 'Chartty-demo-1', newPassword: 'Chartty-demo-1b' }, { authorization: `Bearer ${R}` });
    const out = await http(base, 'POST', '/oauth2/logout', { headers: { authorization: `Bearer ${L}` } });
    const sec = events(await activity(R, 'maria-lopez')).slice(0, 2);
    const [bye] = events(await activity(L2, 'linda-nguyen'));
    const secOk = (e, code) => e?.type?.code === '110113' && e.type.system === DCM && e.subtype?.[0]?.code === '110137' && e.subtype[1]?.system === 'urn:chartty:audit' && e.subtype[1].code === code && e.action === 'U' && patientOf(e) === 'Patient/maria-lopez';
    check(status.enrolled === false && enroll.status === 200 && chpw.status === 200 && secOk(sec[1], 'two-step-on') && secOk(sec[0], 'password-changed') &&
      out.status === 200 && bye?.type?.code === '110114' && sub(bye) === '110123' && whoOf(bye)?.reference === 'Patient/linda-nguyen' && bye.agent[0].network?.address === '127.0.0.1',
    'turning on two-step sign-in and changing the password are security events (DCM 110113/110137 + urn:chartty:audit); a sign-out is a Logout', [sec, bye]);
    // Paging: _count=2 gives next links, newest first across the pages.
    const pages = [];
    let url = `AuditEvent?patient=Patient/maria-lopez&_sort=-date&_count=2`;
    let nexts = 0;
    while (url && pages.length < 20) {
      const page = url.startsWith('http') ? { json: parse(await http(base, 'GET', url, { headers: { authorization: `Bearer ${R}` } })) } : await fhir('GET', url, R);
      pages.push(...events(page));
      url = page.json?.link?.find((l) => l.relation === 'next')?.url;
      nexts += url ? 1 : 0;
    }
    check(pages.length === 11 && nexts === 5 && new Set(pages.map((e) => e.id)).size === 11 && isDescending(pages.map((e) => e.recorded)),
      '_count=2 pages through all 11 events by next links, newest first', [pages.length, nexts]);
    // James: his list and Lily's (full); Noah's (limited) is withheld with the note.
    const JS = (await signIn('james@example.org', 'Chartty-demo-2')).access_token;
    await fhir('GET', 'Immunization?patient=Patient/noah-carter', JS);
    const lilyList = await activity(JS, 'lily-carter');
    const noahList = await activity(JS, 'noah-carter');
    const jamesList = events(await activity(JS, 'james-carter'));
    check(lilyList.status === 200 && lilyList.json.total === 0 && noahList.status === 403 && text(noahList.json)?.startsWith('Because Noah is 15') &&
      jamesList.length === 2 && jamesList[0].action === 'R' && patientOf(jamesList[0]) === 'Patient/noah-carter',
    "a full proxy reads the child's activity; a limited one gets 403 with the note, but sees his own read of Noah's record", [lilyList.json.total, noahList.status, jamesList.map(sub)]);
    // A kiosk's check-in token: its changes name the kiosk.
    const K = (await form('/oauth2/token', { grant_type: 'client_credentials', client_id: 'kiosk-main-street', client_secret: 'kiosk-demo-secret' })).json.access_token;
    const look = await fhir('POST', 'Appointment/$kiosk-lookup', K, { body: { resourceType: 'Parameters', parameter: [{ name: 'family', valueString: 'Pena' }, { name: 'birthDate', valueDate: '1990-06-15' }] } });
    const CT = look.json?.parameter?.[0]?.part?.find((x) => x.name === 'checkin-token')?.valueString;
    const zr = await fhir('GET', 'Patient/zoe-pena', CT);
    const zput = await fhir('PUT', 'Patient/zoe-pena', CT, { body: { ...zr.json, telecom: [{ system: 'phone', value: '555-0156' }] }, headers: { 'if-match': zr.headers.etag } });
    const zoe = (await json('GET', '/_test/audit?patient=Patient/zoe-pena')).json.events;
    check(zput.status === 200 && zoe.length === 1 && sub(zoe[0]) === 'update' && whoOf(zoe[0])?.display === 'Check-in kiosk (Main Street Clinic lobby kiosk)' &&
      whoOf(zoe[0])?.identifier?.value === 'kiosk-main-street' && !whoOf(zoe[0])?.reference && patientOf(zoe[0]) === 'Patient/zoe-pena',
    'a check-in token\'s change names the kiosk as the agent (reads by it record nothing)', zoe);
    // /_test/reset: only the seed's events are left.
    await json('POST', '/_test/reset');
    const M2 = (await signIn('maria@example.org', 'Chartty-demo-1')).access_token;
    const L3 = (await signIn('linda@example.org', 'Chartty-demo-3')).access_token;
    const mariaReset = events(await activity(M2, 'maria-lopez'));
    const haroldReset = await activity(L3, 'harold-nguyen');
    const all = (await json('GET', '/_test/audit')).json.events;
    check(mariaReset.length === 4 && mariaReset.slice(1).every((e) => e.id.startsWith('audit-maria-lopez-signin-')) && haroldReset.json.total === 0 && all.length === 5,
      '/_test/reset leaves only the seed\'s events (then the two sign-ins since)', [mariaReset.length, haroldReset.json.total, all.length]);
    await json('POST', '/_test/reset');
  }

  /* ---- shutdown, then a server without --test ---- */
  const exited = new Promise((resolve) => server.proc.on('exit', (c, s) => resolve(c ?? s)));
  server.proc.kill('SIGTERM');
  check((await exited) === 0, 'SIGTERM exits cleanly');
  const prod = await startServer(['--port', '0', '--no-big']);
  const hidden = await http(prod.base, 'POST', '/_test/reset');
  check(hidden.status === 404, 'without --test, /_test/* is 404');
  prod.proc.kill('SIGTERM');

  /* ---- Harbor Clinic, the plain SMART server (smoke-harbor.mjs) ---- */
  await harborSmoke({ startServer, http, check, parse, text });

  console.log(`# startup ${server.startMs.toFixed(0)} ms (with the 20,000-observation patient)`);
  console.log(`${passed} passed, ${failed} failed`);
  console.log(`1..${passed + failed}`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.log(`not ok - smoke test crashed: ${err.stack}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  console.log(`Bail out! the smoke test crashed`);
  process.exit(1);
});
