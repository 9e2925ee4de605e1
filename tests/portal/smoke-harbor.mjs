// Smoke checks of Harbor Clinic, the plain SMART server (--clinic harbor):
// discovery, no /auth/*, the browser sign-in with PKCE, state and aud,
// tokens, refresh rotation, revocation, scopes, US Core reads, no writes
// and the CapabilityStatement. smoke.mjs runs them with its own helpers.

import { createHash, randomBytes } from 'node:crypto';

const CLIENT = 'chartty-harbor';
const P = 'hb-maria-lopez';
const DAY = 86400000;

/** The time the Main Street seed gives Maria's flu shot: 35 days back at 10:00 UTC. */
/* Main Street's flu shot for a seed built at `when` (dayClock, seed.mjs). */
function mainStreetFluShot(when) {
  const d = new Date(when - 35 * DAY);
  d.setUTCHours(10, 0, 0, 0);
  return d.toISOString();
}

/** The hidden inputs of the sign-in form, as a browser would send them. */
function hiddenFields(html) {
  const out = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[m[1]] = m[2].replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
  }
  return out;
}

/**
 * Runs the checks against a new server. tools: {startServer, http, check,
 * parse, text} of smoke.mjs.
 */
export async function harborSmoke({ startServer, http, check, parse, text }) {
  // The seed is dated by the day the server starts, which may be
  // yesterday by the time a check runs (a start just before midnight).
  const starting = Date.now();
  const server = await startServer(['--test', '--port', '0', '--clinic', 'harbor']);
  const started = Date.now();
  const { base } = server;
  const fhirBase = `${base}/fhir/R4`;
  console.log(`# Harbor Clinic up at ${base} in ${server.startMs.toFixed(0)} ms`);
  const get = async (path, headers = {}) => {
    const r = await http(base, 'GET', path, { headers });
    return { ...r, json: parse(r), html: r.body.toString('utf8') };
  };
  const post = async (path, fields, headers = {}) => {
    const r = await http(base, 'POST', path, { body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
    return { ...r, json: parse(r), html: r.body.toString('utf8') };
  };
  const fhir = async (method, path, token, body, headers = {}) => {
    const h = { accept: 'application/fhir+json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers };
    if (body !== undefined) {
      h['content-type'] ??= 'application/fhir+json';
    }
    const r = await http(base, method, `/fhir/R4/${path}`, { body, headers: h });
    return { ...r, json: parse(r) };
  };
  const pkce = () => {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  };
  const loopback = 'http://127.0.0.1:48213/callback';
  const request = (over = {}) => {
    const p = pkce();
    const params = {
      response_type: 'code', client_id: CLIENT, redirect_uri: loopback, scope: 'openid fhirUser launch/patient offline_access patient/*.rs',
      state: `s-${randomBytes(6).toString('hex')} +/=&é`, aud: fhirBase, code_challenge: p.challenge, code_challenge_method: 'S256', ...over,
    };
    for (const k of Object.keys(params)) {
      params[k] === undefined && delete params[k];
    }
    return { p, params, url: `/oauth2/authorize?${new URLSearchParams(params)}` };
  };
  const location = (r) => (r.headers.location ? new URL(r.headers.location) : undefined);
  /** The browser part: GET the form, POST it back with the fields; resolves the answer. */
  const browse = async (req, fields) => {
    const page = await get(req.url);
    return post('/oauth2/authorize', { ...hiddenFields(page.html), ...fields });
  };
  const signIn = async (over = {}) => {
    const req = request(over);
    const r = await browse(req, { email: 'maria@example.org', password: 'Harbor-demo-1' });
    const code = location(r)?.searchParams.get('code');
    return { ...req, code, answer: r };
  };
  const exchange = (s, over = {}) => post('/oauth2/token', {
    grant_type: 'authorization_code', code: s.code, code_verifier: s.p.verifier, client_id: CLIENT, redirect_uri: s.params.redirect_uri, ...over,
  });
  const tokensOf = async (over) => (await exchange(await signIn(over))).json;

  /* ---- discovery: SMART only ---- */
  for (const path of ['/.well-known/smart-configuration', '/fhir/R4/.well-known/smart-configuration']) {
    const d = (await get(path)).json;
    const want = ['launch-standalone', 'client-public', 'context-standalone-patient', 'permission-offline', 'permission-patient', 'permission-v2', 'sso-openid-connect'];
    check(d?.authorization_endpoint === `${base}/oauth2/authorize` && d.token_endpoint === `${base}/oauth2/token` && d.revocation_endpoint === `${base}/oauth2/revoke` &&
      d.code_challenge_methods_supported?.join() === 'S256' && want.every((c) => d.capabilities.includes(c)) && !d.capabilities.some((c) => c.startsWith('portal-')) &&
      ['openid', 'fhirUser', 'launch/patient', 'offline_access', 'patient/*.rs', 'patient/Patient.rs', 'patient/Observation.rs'].every((s) => d.scopes_supported.includes(s)),
    `harbor: discovery at ${path} announces SMART only (no portal-* capability)`, d);
  }
  const login = await http(base, 'POST', '/auth/login', { body: '{}', headers: { 'content-type': 'application/json' } });
  const me = await get('/auth/me');
  const logout = await post('/oauth2/logout', { token: 'x' });
  check(login.status === 404 && me.status === 404 && logout.status === 404, 'harbor: /auth/login, /auth/me and /oauth2/logout are 404', [login.status, me.status, logout.status]);

  /* ---- the authorization request ---- */
  const unknown = await get(request({ client_id: 'chartty' }).url);
  const noClient = await get(request({ client_id: undefined }).url);
  check(unknown.status === 400 && !unknown.headers.location && /not registered/.test(unknown.html) && noClient.status === 400 && !noClient.headers.location,
    'harbor: an unknown or missing client_id gets an error page, not a redirect', [unknown.status, noClient.status]);
  const elsewhere = await get(request({ redirect_uri: 'https://evil.example.com/callback' }).url);
  const lookalike = await get(request({ redirect_uri: 'http://127.0.0.1.evil.example.com/callback' }).url);
  check(elsewhere.status === 400 && !elsewhere.headers.location && lookalike.status === 400 && !lookalike.headers.location,
    'harbor: a redirect_uri neither loopback nor registered gets an error page', [elsewhere.status, lookalike.status]);
  const forms = await Promise.all(['http://127.0.0.1:9/callback', 'http://localhost:61000/cb', 'http://[::1]:5000/x', 'https://chartty.example.org/callback']
    .map((u) => get(request({ redirect_uri: u }).url)));
  const form = forms[0].html;
  check(forms.every((f) => f.status === 200 && /<form method="post" action="\/oauth2\/authorize">/.test(f.html)) &&
    /<label for="email">Email<\/label>/.test(form) && /<label for="password">Password<\/label>/.test(form) && /name="action" value="cancel"/.test(form) &&
    hiddenFields(form).client_id === CLIENT,
  'harbor: loopback redirects on any port and the registered one get the sign-in form (labels, hidden request, Cancel)', forms.map((f) => f.status));
  const errorOf = async (over) => {
    const r = await get(request(over).url);
    const l = location(r);
    return r.status === 302 && l ? [l.searchParams.get('error'), l.searchParams.get('state')] : [r.status];
  };
  const st = 'keep me';
  const errs = {
    token: await errorOf({ response_type: 'token', state: st }),
    noState: await errorOf({ state: undefined }),
    plain: await errorOf({ code_challenge_method: 'plain', state: st }),
    noChallenge: await errorOf({ code_challenge: undefined, state: st }),
    noAud: await errorOf({ aud: undefined, state: st }),
    wrongAud: await errorOf({ aud: 'http://127.0.0.1:1/fhir/R4', state: st }),
    noScope: await errorOf({ scope: undefined, state: st }),
    noPatient: await errorOf({ scope: 'openid fhirUser user/*.rs', state: st }),
  };
  check(errs.token.join() === `unsupported_response_type,${st}` && errs.noState.join() === 'invalid_request,' && errs.plain.join() === `invalid_request,${st}` &&
    errs.noChallenge.join() === `invalid_request,${st}` && errs.noAud.join() === `invalid_request,${st}` && errs.wrongAud.join() === `invalid_request,${st}` &&
    errs.noScope.join() === `invalid_scope,${st}` && errs.noPatient.join() === `invalid_scope,${st}`,
  'harbor: other bad requests redirect back with error and the state (response_type, state, PKCE, aud, scope)', errs);

  /* ---- the form ---- */
  const req1 = request();
  const wrongPw = await browse(req1, { email: 'maria@example.org', password: 'Chartty-demo-1' });
  check(wrongPw.status === 400 && !wrongPw.headers.location && /role="alert">Email or password is invalid/.test(wrongPw.html) &&
    hiddenFields(wrongPw.html).state === req1.params.state && /value="maria@example.org"/.test(wrongPw.html),
  'harbor: a wrong password shows the form again with the error (the request and email kept)', wrongPw.status);
  const cancel = await browse(request({ state: st }), { action: 'cancel' });
  check(cancel.status === 302 && location(cancel)?.searchParams.get('error') === 'access_denied' && location(cancel).searchParams.get('state') === st &&
    !location(cancel).searchParams.get('code'), 'harbor: Cancel redirects with error=access_denied and the state', cancel.headers.location);
  const s1 = await signIn({ nonce: 'n-0S6_WzA2Mj' });
  const l1 = location(s1.answer);
  check(s1.answer.status === 302 && l1.origin === 'http://127.0.0.1:48213' && l1.pathname === '/callback' && s1.code &&
    l1.searchParams.get('state') === s1.params.state, 'harbor: signing in redirects to the loopback redirect_uri with code and the state exactly', s1.answer.headers.location);

  /* ---- tokens ---- */
  const badVerifier = await exchange(await signIn(), { code_verifier: pkce().verifier });
  const otherRedirect = await exchange(await signIn(), { redirect_uri: 'http://127.0.0.1:48214/callback' });
  const noRedirect = await exchange(await signIn(), { redirect_uri: '' });
  const badClient = await exchange(await signIn(), { client_id: 'chartty' });
  const noClientId = await exchange(await signIn(), { client_id: '' });
  check(badVerifier.status === 400 && badVerifier.json.error === 'invalid_grant' && otherRedirect.status === 400 && otherRedirect.json.error === 'invalid_grant' &&
    noRedirect.json.error === 'invalid_request' && badClient.status === 401 && badClient.json.error === 'invalid_client' && noClientId.json.error === 'invalid_request',
  'harbor: the token endpoint refuses a wrong code_verifier or redirect_uri (invalid_grant), an unknown client (401) and missing fields',
  [badVerifier.json, otherRedirect.json, noRedirect.json, badClient.status, noClientId.json]);
  const t1 = await exchange(s1);
  const tok = t1.json;
  const idClaims = tok?.id_token && JSON.parse(Buffer.from(tok.id_token.split('.')[1], 'base64url').toString('utf8'));
  check(t1.status === 200 && tok.token_type === 'Bearer' && tok.access_token && tok.expires_in === 3600 && tok.patient === P && !('profile' in tok) && tok.refresh_token &&
    tok.scope === 'openid fhirUser launch/patient offline_access patient/*.rs' && idClaims?.fhirUser === `${fhirBase}/Patient/${P}` && idClaims.aud === CLIENT &&
    idClaims.nonce === 'n-0S6_WzA2Mj' && t1.headers['cache-control'] === 'no-store',
  'harbor: the code gives Bearer tokens with patient, no profile, a refresh token and an id_token with fhirUser', tok);
  const again = await exchange(s1);
  const afterReuse = await fhir('GET', `Patient/${P}`, tok.access_token);
  check(again.json?.error === 'invalid_grant' && afterReuse.status === 401, 'harbor: a code is single-use; using it again ends that sign-in', [again.json, afterReuse.status]);
  const narrow = await tokensOf({ scope: 'launch/patient patient/Observation.cruds user/*.rs patient/Coverage.rs' });
  check(narrow.scope === 'launch/patient patient/Observation.rs' && !narrow.refresh_token && !narrow.id_token,
    'harbor: the granted scope drops writes and what it does not serve; no offline_access, no refresh token', narrow);
  const obsOnly = await fhir('GET', `Observation?patient=Patient/${P}&category=vital-signs`, narrow.access_token);
  const condDenied = await fhir('GET', `Condition?patient=Patient/${P}`, narrow.access_token);
  const patDenied = await fhir('GET', `Patient/${P}`, narrow.access_token);
  check(obsOnly.status === 200 && condDenied.status === 403 && patDenied.status === 403, 'harbor: a token reads only what its scope grants', [obsOnly.status, condDenied.status, patDenied.status]);

  /* ---- refresh and revocation ---- */
  const T = await tokensOf();
  const ref1 = await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: T.refresh_token, client_id: CLIENT });
  const ref2 = await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: ref1.json?.refresh_token, client_id: CLIENT });
  check(ref1.status === 200 && ref1.json.refresh_token !== T.refresh_token && ref1.json.patient === P && ref1.json.access_token !== T.access_token && ref2.status === 200,
    'harbor: refresh_token gives new tokens and a new refresh token (rotation)', ref1.json);
  const replay = await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: T.refresh_token, client_id: CLIENT });
  const afterReplay = await fhir('GET', `Patient/${P}`, ref2.json?.access_token);
  check(replay.json?.error === 'invalid_grant' && afterReplay.status === 401, 'harbor: a rotated refresh token presented again is refused and ends the session', [replay.json, afterReplay.status]);
  const T2 = await tokensOf();
  const before = await fhir('GET', `Patient/${P}`, T2.access_token);
  const rv = await post('/oauth2/revoke', { token: T2.access_token, client_id: CLIENT });
  const afterRevoke = await fhir('GET', `Patient/${P}`, T2.access_token);
  const refreshRevoked = await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: T2.refresh_token, client_id: CLIENT });
  const rvUnknown = await post('/oauth2/revoke', { token: 'no-such-token' });
  const T3 = await tokensOf();
  const rvRefresh = await post('/oauth2/revoke', { token: T3.refresh_token });
  const afterRefreshRevoke = await fhir('GET', `Patient/${P}`, T3.access_token);
  check(before.status === 200 && rv.status === 200 && rv.body.length === 0 && afterRevoke.status === 401 && refreshRevoked.json?.error === 'invalid_grant' &&
    rvUnknown.status === 200 && rvRefresh.status === 200 && afterRefreshRevoke.status === 401,
  'harbor: revoking (RFC 7009) an access or refresh token ends that sign-in; an unknown token is 200 too',
  [before.status, rv.status, afterRevoke.status, refreshRevoked.json, rvUnknown.status, rvRefresh.status, afterRefreshRevoke.status]);

  /* ---- US Core reads ---- */
  const A = (await tokensOf()).access_token;
  const pat = await fhir('GET', `Patient/${P}`, A);
  check(pat.status === 200 && pat.headers.etag && pat.json.name[0].family === 'Lopez' && pat.json.birthDate === '1971-03-14' &&
    pat.json.managingOrganization?.display === 'Harbor Clinic', 'harbor: Patient read: Maria Lopez, born 1971-03-14, at Harbor Clinic, with an ETag', pat.json);
  const meds = await fhir('GET', `MedicationRequest?patient=Patient/${P}&_include=MedicationRequest:medication`, A);
  const rx = meds.json?.entry?.filter((e) => e.resource.resourceType === 'MedicationRequest') ?? [];
  const incl = meds.json?.entry?.filter((e) => e.resource.resourceType === 'Medication' && e.search?.mode === 'include') ?? [];
  check(meds.status === 200 && rx.length === 2 && incl.length === 2 && rx.every((e) => e.resource.medicationReference && !e.resource.medicationCodeableConcept) &&
    incl.some((e) => e.resource.code.coding[0].code === '617310'), 'harbor: _include=MedicationRequest:medication brings the Medications referenced', meds.json?.entry?.map((e) => e.resource.id));
  const imms = (await fhir('GET', `Immunization?patient=Patient/${P}&_sort=-date`, A)).json;
  const flu = imms?.entry?.find((e) => e.resource.vaccineCode.coding[0].code === '150')?.resource;
  check(imms?.total === 2 && [mainStreetFluShot(starting), mainStreetFluShot(started)].includes(flu?.occurrenceDateTime) && flu.id === 'hb-imm-flu',
    "harbor: two immunizations, the flu shot (CVX 150) at the very time of Main Street's", imms?.entry?.map((e) => [e.resource.vaccineCode.coding[0].code, e.resource.occurrenceDateTime]));
  const allergies = (await fhir('GET', `AllergyIntolerance?patient=Patient/${P}`, A)).json;
  check(allergies?.total === 2 && allergies.entry.some((e) => e.resource.code.coding[0].system === 'http://www.nlm.nih.gov/research/umls/rxnorm' && e.resource.code.coding[0].code === '70618'),
    'harbor: two allergies, one penicillin (RxNorm 70618) as at Main Street', allergies?.entry?.map((e) => e.resource.code.text));
  const labs = await fhir('GET', `Observation?patient=Patient/${P}&category=laboratory&_sort=-date`, A);
  const vitals = await fhir('GET', `Observation?patient=Patient/${P}&category=vital-signs&_sort=-date`, A);
  const reports = await fhir('GET', `DiagnosticReport?patient=Patient/${P}&_sort=-date&_include=DiagnosticReport:result`, A);
  check(labs.json?.total === 6 && vitals.json?.total === 10 && reports.json?.total === 3 &&
    reports.json.entry.filter((e) => e.search?.mode === 'include').length === 6, 'harbor: lab results, vital signs and reports with their results', [labs.json?.total, vitals.json?.total, reports.json?.total]);
  const notes = await fhir('GET', `DocumentReference?patient=Patient/${P}&category=clinical-note&_sort=-date`, A);
  const [checkup, ankle] = notes.json?.entry?.map((e) => e.resource) ?? [];
  const textOf = (d) => Buffer.from(d.content.find((c) => c.attachment.contentType === 'text/plain').attachment.data, 'base64').toString('utf8');
  const pdfRef = checkup?.content.find((c) => c.attachment.contentType === 'application/pdf')?.attachment;
  const pdfBytes = pdfRef && await http(base, 'GET', `/fhir/R4/${pdfRef.url}`, { headers: { accept: 'application/pdf', authorization: `Bearer ${A}` } });
  const inlinePdf = Buffer.from(ankle?.content.find((c) => c.attachment.contentType === 'application/pdf')?.attachment.data ?? '', 'base64');
  check(notes.json?.total === 2 && /^Yearly check-up/.test(textOf(checkup)) && /ankle/.test(textOf(ankle)) && pdfBytes?.status === 200 &&
    pdfBytes.body.subarray(0, 5).toString() === '%PDF-' && pdfBytes.body.length === pdfRef.size && inlinePdf.subarray(0, 5).toString() === '%PDF-',
  'harbor: two clinical notes, text/plain data and a PDF (a Binary by url, and inline)', notes.json?.entry?.map((e) => e.resource.id));
  const now = new Date().toISOString();
  const future = await fhir('GET', `Appointment?patient=Patient/${P}&date=ge${now}`, A);
  const past = await fhir('GET', `Appointment?patient=Patient/${P}&date=lt${now}`, A);
  check(future.json?.entry?.[0]?.resource.status === 'booked' && future.json.total === 1 && past.json?.entry?.[0]?.resource.status === 'fulfilled' &&
    !future.json.entry[0].resource.extension, 'harbor: one visit ahead (booked) and one past, no computed flags', [future.json?.total, past.json?.total]);
  const types = ['AllergyIntolerance', 'Condition', 'MedicationRequest', 'Immunization', 'Observation', 'DiagnosticReport', 'Encounter', 'DocumentReference', 'Appointment'];
  const everything = await Promise.all(types.map((t) => fhir('GET', `${t}?patient=Patient/${P}&_count=200`, A)));
  const directory = await Promise.all(['Practitioner', 'Organization', 'Location', 'Medication'].map((t) => fhir('GET', t, A)));
  const all = [pat.json, ...[...everything, ...directory].flatMap((r) => r.json?.entry?.map((e) => e.resource) ?? [])];
  check(everything.every((r) => r.status === 200 && r.json.total > 0) && directory.every((r) => r.status === 200 && r.json.total > 0) &&
    all.every((r) => r.id.startsWith('hb-')) && !JSON.stringify(all).includes('urn:chartty'),
  'harbor: every type has records, ids start hb-, and nothing anywhere is urn:chartty:', everything.map((r) => `${r.status}:${r.json?.total}`));
  const careTeam = await fhir('GET', `CareTeam?patient=Patient/${P}`, A);
  const task = await fhir('GET', `Task?patient=Patient/${P}`, A);
  const nameless = await fhir('GET', 'Observation', A);
  check(careTeam.status === 404 && task.status === 404 && nameless.status === 403, 'harbor: types it does not serve are 404; a search naming no patient is 403', [careTeam.status, task.status, nameless.status]);

  /* ---- no writes ---- */
  const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${P}` } };
  const create = await fhir('POST', 'Observation', A, obs);
  const put = await fhir('PUT', `Patient/${P}`, A, pat.json, { 'if-match': pat.headers.etag });
  const patch = await fhir('PATCH', `Patient/${P}`, A, [{ op: 'replace', path: '/gender', value: 'other' }], { 'content-type': 'application/json-patch+json', 'if-match': pat.headers.etag });
  const del = await fhir('DELETE', `Patient/${P}`, A);
  const op = await fhir('POST', 'Appointment/hb-appt-followup/$check-in', A, { resourceType: 'Parameters' });
  const batchWrite = await fhir('POST', '', A, { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: `Patient/${P}` } }, { resource: obs, request: { method: 'POST', url: 'Observation' } }] });
  const tx = await fhir('POST', '', A, { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: obs, request: { method: 'POST', url: 'Observation' } }] });
  const anon = await fhir('DELETE', `Patient/${P}`);
  const writes = [create, put, patch, del, op, batchWrite, tx];
  const stillOne = await fhir('GET', `Patient/${P}`, A);
  check(writes.every((r) => r.status === 405 && r.json?.resourceType === 'OperationOutcome' && /read-only/.test(text(r.json))) && create.headers.allow === 'GET' &&
    anon.status === 401 && stillOne.json?.meta?.versionId === pat.json.meta.versionId && stillOne.json.gender === 'female',
  'harbor: every write (create, update, patch, delete, operation, batch or transaction with a write) is 405 OperationOutcome; nothing changes', writes.map((r) => r.status));
  const batchRead = await fhir('POST', '', A, { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: `Patient/${P}` } }, { request: { method: 'GET', url: `Condition?patient=Patient/${P}` } }] });
  const searchPost = await http(base, 'POST', '/fhir/R4/Condition/_search', { body: `patient=Patient/${P}`, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${A}`, accept: 'application/fhir+json' } });
  check(batchRead.status === 200 && batchRead.json.entry.every((e) => e.response.status === '200') && searchPost.status === 200 && parse(searchPost)?.total === 3,
    'harbor: a batch of reads and a search by POST work', [batchRead.status, searchPost.status]);
  // The additions to the contract are Main Street's: _elements on a read
  // is 400 naming it, and Patient/<id>/$overview is not found.
  const slimRead = await fhir('GET', `Patient/${P}?_elements=name,birthDate`, A);
  const overview = await fhir('GET', `Patient/${P}/$overview`, A);
  check(slimRead.status === 400 && /_elements/.test(text(slimRead.json)) && overview.status === 404,
    'harbor: no additions: _elements on a read is 400 naming it, $overview is not found', [slimRead.status, overview.status]);

  /* ---- CapabilityStatement ---- */
  const meta = await fhir('GET', 'metadata');
  const cs = meta.json;
  const interactions = cs?.rest?.[0]?.resource?.flatMap((r) => r.interaction.map((i) => i.code)) ?? [];
  const mr = cs?.rest?.[0]?.resource?.find((r) => r.type === 'MedicationRequest');
  const meta304 = await fhir('GET', 'metadata', undefined, undefined, { 'if-none-match': meta.headers.etag });
  check(meta.status === 200 && /^W\/"[0-9a-f]+"$/.test(meta.headers.etag ?? '') && meta304.status === 304 &&
    cs.instantiates?.includes('http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server') && interactions.length > 0 &&
    interactions.every((c) => ['read', 'vread', 'search-type'].includes(c)) && mr?.searchInclude?.includes('MedicationRequest:medication') &&
    mr.supportedProfile?.includes('http://hl7.org/fhir/us/core/StructureDefinition/us-core-medicationrequest') &&
    cs.rest[0].resource.length === 16 && !cs.rest[0].resource.some((r) => r.type === 'CareTeam'),
  'harbor: metadata (no token, ETag, 304) instantiates US Core and lists reads and searches only, no create or update', [meta.headers.etag, [...new Set(interactions)]]);

  /* ---- test controls still work ---- */
  const fault = await http(base, 'POST', '/_test/fault', { body: JSON.stringify({ kind: '500', path: '/fhir/R4/Condition' }), headers: { 'content-type': 'application/json' } });
  const failing = await fhir('GET', `Condition?patient=Patient/${P}`, A);
  const healed = await fhir('GET', `Condition?patient=Patient/${P}`, A);
  const reset = await http(base, 'POST', '/_test/reset');
  const afterReset = await fhir('GET', `Patient/${P}`, A);
  check(fault.status === 200 && failing.status === 500 && healed.status === 200 && reset.status === 200 && afterReset.status === 401,
    'harbor: /_test/fault makes it fail (one server of two failing); /_test/reset forgets every token', [fault.status, failing.status, healed.status, reset.status, afterReset.status]);

  const exited = new Promise((resolve) => server.proc.on('exit', (c, s) => resolve(c ?? s)));
  server.proc.kill('SIGTERM');
  check((await exited) === 0, 'harbor: SIGTERM exits cleanly');
}
