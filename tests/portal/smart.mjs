// A plain SMART on FHIR server, as a health system without the portal's
// extensions serves one (--clinic harbor): SMART discovery with SMART's
// own capabilities; the standalone launch (GET /oauth2/authorize an HTML
// sign-in form, POST a redirect with code and state; registered public
// clients, loopback redirects on any port, PKCE S256, state and aud
// required); /oauth2/token (authorization code, refresh with rotation; a
// `patient`, no `profile`); RFC 7009 revocation; and FHIR reads and
// searches only, limited to the types and scopes granted. No /auth/*, no
// operations, no writes (405), no computed urn:chartty: flags.

import { globalSchema } from '@medplum/core';
import { AuthService, esc, oauthError, page } from './auth.mjs';
import { DIRECTORY_TYPES } from './access.mjs';
import { FhirService, SUPPORTED_PARAM_TYPES } from './fhir.mjs';
import { fail, forbidden, HttpError, mediaType, notFound, parseFormBody } from './util.mjs';

const FHIR_PREFIX = '/fhir/R4';
/** Scopes granted as asked; patient/<type>.<permissions> are granted as reads. */
const PLAIN_SCOPES = new Set(['openid', 'fhirUser', 'launch/patient', 'offline_access', 'online_access']);
/** The _include a client needs, announced in the CapabilityStatement (any works). */
const INCLUDES = {
  MedicationRequest: ['MedicationRequest:medication'],
  DiagnosticReport: ['DiagnosticReport:result'],
};
const US_CORE_SERVER = 'http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server';

/**
 * The granted scopes of a requested scope string: the plain SMART scopes
 * as asked; patient/<Type or *>.<permissions> for a served type reduced to
 * its read (r) and search (s) parts (v1 .read and .* become .read); the
 * rest (writes, user/ and system/ scopes, EHR launch, unknown) left out.
 * @returns {string[]}
 */
export function grantScope(requested, types) {
  const granted = [];
  for (const s of String(requested ?? '').split(/\s+/).filter(Boolean)) {
    const m = /^patient\/(\*|[A-Z][A-Za-z]+)\.(read|\*|c?r?u?d?s?)$/.exec(s);
    if (PLAIN_SCOPES.has(s)) {
      granted.push(s);
    } else if (m && m[2] && (m[1] === '*' || types.has(m[1]))) {
      const reads = m[2] === 'read' || m[2] === '*' ? 'read' : m[2].replace(/[cud]/g, '');
      reads && granted.push(`patient/${m[1]}.${reads}`);
    }
  }
  return [...new Set(granted)];
}

/** Does a granted scope list let a token read ('r') or search ('s') `type`? */
function scopeAllows(scopes, type, need) {
  return scopes.some((s) => {
    const m = /^patient\/(\*|[A-Za-z]+)\.(\S+)$/.exec(s);
    return m && (m[1] === '*' || m[1] === type) && (m[2] === 'read' || m[2].includes(need));
  });
}

/**
 * Is `uri` a loopback redirect (RFC 8252 §7.3, §8.3): http to 127.0.0.1,
 * [::1] or localhost, any port, any path, no user, no fragment?
 */
export function isLoopbackRedirect(uri) {
  let u;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  return typeof uri === 'string' && uri === uri.trim() && !uri.includes('#') && u.protocol === 'http:' &&
    ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname) && !u.username && !u.password;
}

/** A 302 to `uri` with `params` added to its query (undefined ones left out). */
function redirectTo(uri, params) {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '') {
      url.searchParams.set(k, v);
    }
  }
  return { status: 302, body: null, headers: { Location: url.toString() } };
}

/** The SMART configuration: SMART's own fields and capabilities, nothing else. */
export function smartConfiguration(root, { capabilities, types }) {
  const patientTypes = types.filter((t) => !DIRECTORY_TYPES.has(t) && t !== 'Binary');
  return {
    issuer: root,
    authorization_endpoint: `${root}/oauth2/authorize`,
    token_endpoint: `${root}/oauth2/token`,
    revocation_endpoint: `${root}/oauth2/revoke`,
    token_endpoint_auth_methods_supported: ['none'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: [...PLAIN_SCOPES, 'patient/*.rs', ...patientTypes.map((t) => `patient/${t}.rs`)],
    capabilities,
  };
}

/**
 * Sign-in and tokens of a plain SMART server. Only /oauth2/authorize,
 * /oauth2/token and /oauth2/revoke are served; /auth/* is 404.
 */
export class SmartAuth extends AuthService {
  /**
   * @param {object} o  as AuthService's, and:
   * @param {string} o.name      the clinic's name (pages, messages)
   * @param {object[]} o.clients registered public clients {clientId, name, redirectUris}
   * @param {string[]} o.types   record types served (scopes name them)
   */
  constructor({ name, clients, types, ...rest }) {
    super(rest);
    this.name = name;
    this.clients = clients;
    this.types = new Set(types);
  }

  fhirBase() {
    return `${this.baseUrl()}${FHIR_PREFIX}`;
  }

  client(id) {
    return this.clients.find((c) => c.clientId === id);
  }

  async handle(req) {
    switch (`${req.method} ${req.path}`) {
      case 'GET /oauth2/authorize': return this.authorizeStart(Object.fromEntries(req.query));
      case 'POST /oauth2/authorize': return this.authorizeSubmit(req);
      case 'POST /oauth2/token': return this.tokenEndpoint(req);
      case 'POST /oauth2/revoke': return this.revoke(req);
      default: return undefined;
    }
  }

  /* ---------------- the authorization request ---------------- */

  /**
   * Checks an authorization request (RFC 6749 §4.1.1, RFC 7636, SMART).
   * An unknown client or a redirect_uri it may not use gets an error page
   * (never a redirect); other errors redirect back with error and state.
   * @returns {{error: object} | {client: object, scope: string}}
   */
  checkAuthorize(p) {
    const client = this.client(p.client_id);
    if (!client) {
      return { error: this.errorPage(p.client_id ? `The app "${p.client_id}" is not registered with ${this.name}.` : 'The request does not say which app is asking (client_id).') };
    }
    if (!p.redirect_uri || !(isLoopbackRedirect(p.redirect_uri) || client.redirectUris.includes(p.redirect_uri))) {
      return { error: this.errorPage(`The app's redirect_uri is missing or not registered with ${this.name}.`) };
    }
    const back = (error, description) => ({ error: redirectTo(p.redirect_uri, { error, error_description: description, state: p.state }) });
    if (p.response_type !== 'code') {
      return back('unsupported_response_type', 'response_type must be code.');
    }
    if (!p.state) {
      return back('invalid_request', 'state is required.');
    }
    if (!p.code_challenge || p.code_challenge_method !== 'S256') {
      return back('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256.');
    }
    if (!/^[A-Za-z0-9_-]{43}$/.test(p.code_challenge)) {
      return back('invalid_request', 'code_challenge must be the base64url SHA-256 of the code verifier (43 characters).');
    }
    if (!p.aud || p.aud.replace(/\/+$/, '') !== this.fhirBase()) {
      return back('invalid_request', `aud must be this server's FHIR base URL, ${this.fhirBase()}.`);
    }
    if (!p.scope) {
      return back('invalid_scope', 'scope is required.');
    }
    const scope = grantScope(p.scope, this.types);
    if (!scope.some((s) => s.startsWith('patient/'))) {
      return back('invalid_scope', 'The scope asks for no patient data this server shares (for example patient/*.rs).');
    }
    return { client, scope: scope.join(' ') };
  }

  errorPage(text) {
    return { status: 400, html: page(`Cannot sign in to ${this.name}`, `<p role="alert">${esc(text)}</p>`) };
  }

  /** The sign-in form: email, password, Sign in and Cancel; the request rides along hidden. */
  signInPage(p, client, message, status = 200) {
    const keep = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'aud', 'nonce'];
    const hidden = keep.filter((k) => p[k] !== undefined).map((k) => `<input type="hidden" name="${k}" value="${esc(p[k])}">`).join('\n');
    const body = `${message ? `<p role="alert">${esc(message)}</p>\n` : ''}<p>${esc(client.name)} asks to read your health records at ${esc(this.name)}.</p>
<form method="post" action="/oauth2/authorize">
${hidden}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" value="${esc(p.email ?? '')}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" name="action" value="sign-in">Sign in</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</form>`;
    return { status, html: page(`Sign in to ${this.name}`, body) };
  }

  authorizeStart(params) {
    const checked = this.checkAuthorize(params);
    return checked.error ?? this.signInPage(params, checked.client);
  }

  /**
   * The form's answer: Cancel redirects with access_denied; a wrong
   * password (or a lock, 429) shows the form again with the message; a
   * right one redirects with a code and the state, unchanged.
   */
  async authorizeSubmit(req) {
    const form = parseFormBody(req.raw);
    const checked = this.checkAuthorize(form);
    if (checked.error) {
      return checked.error;
    }
    if (form.action === 'cancel') {
      return redirectTo(form.redirect_uri, { error: 'access_denied', error_description: 'The sign-in was cancelled.', state: form.state });
    }
    let account;
    try {
      account = await this.checkPassword(form.email, form.password, req.address);
    } catch (err) {
      if (err instanceof HttpError) {
        return this.signInPage(form, checked.client, err.message, err.status);
      }
      throw err;
    }
    const login = this.newLogin(account, {
      codeChallenge: form.code_challenge, codeChallengeMethod: form.code_challenge_method,
      clientId: checked.client.clientId, scope: checked.scope, redirectUri: form.redirect_uri, mfa: false,
    });
    login.nonce = form.nonce;
    this.issueCode(login);
    return redirectTo(form.redirect_uri, { code: login.code, state: form.state });
  }

  /* ---------------- tokens ---------------- */

  /** A public client names itself in the body; an unknown one is 401 invalid_client. */
  requireClient(form) {
    if (!form.client_id) {
      oauthError('invalid_request', 'Missing client_id.');
    }
    if (!this.client(form.client_id)) {
      oauthError('invalid_client', `Unknown client ${form.client_id}.`, 401);
    }
  }

  async tokenEndpoint(req) {
    if (mediaType(req.headers) !== 'application/x-www-form-urlencoded') {
      oauthError('invalid_request', 'The token endpoint takes application/x-www-form-urlencoded bodies only.');
    }
    const form = parseFormBody(req.raw);
    switch (form.grant_type) {
      case 'authorization_code':
        this.requireClient(form);
        if (!form.redirect_uri) {
          oauthError('invalid_request', 'Missing redirect_uri.');
        }
        return this.grantCode(form, req.address);
      case 'refresh_token':
        this.requireClient(form);
        return this.grantRefresh(form);
      case undefined:
      case '': return oauthError('invalid_request', 'Missing grant_type.');
      default: return oauthError('unsupported_grant_type', `Unsupported grant_type ${form.grant_type}.`);
    }
  }

  /** SMART's token answer: `patient`, no `profile`; an id_token with openid and fhirUser. */
  issueTokens(login) {
    const { profile: _profile, ...answer } = super.issueTokens(login);
    const scopes = login.scope.split(/\s+/);
    if (scopes.includes('openid') && scopes.includes('fhirUser')) {
      answer.id_token = this.idToken(login, answer.patient);
    }
    return answer;
  }

  /**
   * An OpenID Connect id_token as an unsecured JWT (alg "none", empty
   * signature: nothing to verify it with), carrying fhirUser.
   */
  idToken(login, patient) {
    const now = Math.floor(Date.now() / 1000);
    const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = {
      iss: this.baseUrl(), sub: patient, aud: login.clientId, iat: now, exp: now + this.tokenTtl,
      fhirUser: `${this.fhirBase()}/Patient/${patient}`, ...(login.nonce ? { nonce: login.nonce } : {}),
    };
    return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
  }

  /**
   * RFC 7009: form token=<access or refresh token>; ends its session (the
   * access and refresh tokens of that sign-in). 200 with no body, also for
   * a token that is unknown or already revoked.
   */
  async revoke(req) {
    if (mediaType(req.headers) !== 'application/x-www-form-urlencoded') {
      oauthError('invalid_request', 'The revocation endpoint takes application/x-www-form-urlencoded bodies only.');
    }
    const form = parseFormBody(req.raw);
    if (!form.token) {
      oauthError('invalid_request', 'Missing token.');
    }
    if (form.client_id && !this.client(form.client_id)) {
      oauthError('invalid_client', `Unknown client ${form.client_id}.`, 401);
    }
    const rec = this.accessTokens.get(form.token) ?? this.refreshTokens.get(form.token);
    const login = rec && this.logins.get(rec.login);
    const account = login && !login.revoked && this.accounts.get(login.email);
    this.revokeLogin(login);
    if (account) {
      this.audit.signOut(account.patient, req.address);
    }
    return { status: 200, body: null, headers: { 'Content-Length': '0' } };
  }
}

/** 405 OperationOutcome: this server takes no writes. */
function readOnly(name) {
  fail(405, 'not-supported', `${name} is read-only here: records cannot be created, changed or deleted.`, { headers: { Allow: 'GET' } });
}

/**
 * FHIR of a plain SMART server: reads and searches of the served types,
 * as the token's scope allows; batches of reads; everything else 405.
 * Resources are answered as stored (no computed flags).
 */
export class SmartFhir extends FhirService {
  /**
   * @param {object} o  as FhirService's, and:
   * @param {string} o.name     the clinic's name
   * @param {string[]} o.types  record types served (others are 404)
   */
  constructor({ name, types, ...rest }) {
    super(rest);
    this.name = name;
    this.types = new Set(types);
    this.addOperation('GET', /^Patient\/([^/]+)\/\$everything$/, (ctx, r, m) => this.everything(ctx, m[1], r.query));
  }

  /**
   * Patient/<id>/$everything (FHIR R4, without start, end or _since): a
   * searchset of the patient, then every record of the types served that
   * names the patient (by `patient`, or `subject` where the type has no
   * `patient`), in that order, _count (at most 20, as servers cap it) a page,
   * the next page by _offset. Only a patient the token reads in full (its
   * own), with a scope that lets each type be searched (those it does not
   * are left out).
   */
  async everything(ctx, id, query) {
    if (ctx.patients?.get(`Patient/${id}`)?.access !== 'full') {
      forbidden('Only a record this sign-in may read in full can be asked for whole.');
    }
    this.checkScope(ctx, 'Patient', 'r');
    const scopes = ctx.scope?.split(/\s+/) ?? [];
    const all = [];
    for (const type of ['Patient', ...[...this.types].sort()]) {
      const params = globalSchema.types[type]?.searchParams ?? {};
      const by = type === 'Patient' ? '_id' : params.patient ? 'patient' : params.subject ? 'subject' : null;
      if (!by || DIRECTORY_TYPES.has(type) || type === 'Binary' || !scopeAllows(scopes, type, 's')) {
        continue;
      }
      const q = new URLSearchParams({ [by]: type === 'Patient' ? id : `Patient/${id}`, _count: '1000' });
      const { body } = await this.search(ctx, type, q);
      all.push(...(body.entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => e.resource));
    }
    const count = Math.min(Math.max(Number(query.get('_count')) || 20, 1), 20);
    const offset = Math.max(Number(query.get('_offset')) || 0, 0);
    const self = `${this.fhirBase()}/Patient/${id}/$everything`;
    const link = [{ relation: 'self', url: `${self}?_count=${count}&_offset=${offset}` }];
    if (offset + count < all.length) {
      link.push({ relation: 'next', url: `${self}?_count=${count}&_offset=${offset + count}` });
    }
    const entry = all.slice(offset, offset + count).map((resource) => this.fullUrl({ resource, search: { mode: 'match' } }));
    return { status: 200, body: { resourceType: 'Bundle', type: 'searchset', total: all.length, link, ...(entry.length ? { entry } : {}) } };
  }

  present(resource) {
    return resource;
  }

  async handleHttp(req) {
    const search = req.method === 'POST' && /^[A-Za-z]+\/_search$/.test(req.path);
    if (['PUT', 'PATCH', 'DELETE'].includes(req.method) || (req.method === 'POST' && req.path !== '' && !search)) {
      this.auth.context(req.headers); // 401 first, as for every call
      readOnly(this.name);
    }
    return super.handleHttp(req);
  }

  async handle(ctx, r) {
    const seg = r.path.split('/').filter(Boolean);
    if (seg.length === 0) {
      return super.handle(ctx, r); // the base: bundle() takes batches of reads
    }
    if (!this.types.has(seg[0])) {
      notFound(`${this.name} does not serve ${seg[0]} records.`);
    }
    if (r.method !== 'GET') {
      readOnly(this.name);
    }
    this.checkScope(ctx, seg[0], seg.length === 1 ? 's' : 'r');
    return super.handle(ctx, r);
  }

  /**
   * 403 unless the token's scope allows it: patient/<type or *> with r
   * (read) or s (search); Binary also with DocumentReference's read;
   * directory types (Practitioner, Organization, ...) with any patient scope.
   */
  checkScope(ctx, type, need) {
    const scopes = ctx.scope?.split(/\s+/) ?? [];
    const ok = DIRECTORY_TYPES.has(type) ? scopes.some((s) => s.startsWith('patient/'))
      : scopeAllows(scopes, type, need) || (type === 'Binary' && scopeAllows(scopes, 'DocumentReference', 'r'));
    if (!ok) {
      forbidden(`This sign-in's scope does not allow ${need === 'r' ? 'reading' : 'searching'} ${type} records.`);
    }
  }

  /** Batches of reads only; a transaction, or a batch with a write, is 405. */
  async bundle(ctx, body, fault) {
    const writes = (body?.entry ?? []).some((e) => e.request?.method && e.request.method !== 'GET');
    if (body?.resourceType === 'Bundle' && (body.type === 'transaction' || writes)) {
      readOnly(this.name);
    }
    return super.bundle(ctx, body, fault);
  }

  /** Reads and searches of the served types, US Core's server statement instantiated. */
  capabilityStatement() {
    if (this.capability) {
      return this.capability;
    }
    const resource = [...this.types].sort().map((type) => {
      const params = Object.entries(globalSchema.types[type]?.searchParams ?? {})
        .filter(([code, p]) => (SUPPORTED_PARAM_TYPES.has(p.type) && !code.startsWith('_')) || code === '_id' || code === '_lastUpdated')
        .map(([code, p]) => ({ name: code, type: p.type, ...(p.url ? { definition: p.url } : {}) }));
      const profiles = [...new Set(this.repo.peekAll(type).flatMap((r) => r.meta?.profile ?? []))].sort();
      return {
        type,
        ...(profiles.length ? { supportedProfile: profiles } : {}),
        interaction: [{ code: 'read' }, { code: 'vread' }, ...(params.length ? [{ code: 'search-type' }] : [])],
        versioning: 'versioned',
        readHistory: true,
        updateCreate: false,
        conditionalCreate: false,
        conditionalUpdate: false,
        conditionalDelete: 'not-supported',
        ...(INCLUDES[type] ? { searchInclude: INCLUDES[type] } : {}),
        ...(params.length ? { searchParam: params } : {}),
        ...(type === 'Patient' ? { operation: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }] } : {}),
      };
    });
    const root = this.baseUrl();
    this.capability = {
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: new Date().toISOString(),
      publisher: this.name,
      kind: 'instance',
      instantiates: [US_CORE_SERVER],
      software: { name: `${this.name} FHIR server (chartty test portal)`, version: '0.1.0' },
      implementation: { description: `${this.name} FHIR R4 API`, url: this.fhirBase() },
      fhirVersion: '4.0.1',
      format: ['application/fhir+json', 'json'],
      implementationGuide: ['http://hl7.org/fhir/us/core/ImplementationGuide/hl7.fhir.us.core'],
      rest: [{
        mode: 'server',
        documentation: 'Reads and searches only, with a SMART access token. Searches of patient data name the patient.',
        security: {
          cors: false,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          extension: [{
            url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
            extension: [
              { url: 'authorize', valueUri: `${root}/oauth2/authorize` },
              { url: 'token', valueUri: `${root}/oauth2/token` },
              { url: 'revoke', valueUri: `${root}/oauth2/revoke` },
            ],
          }],
        },
        resource,
        interaction: [{ code: 'batch', documentation: 'Reads only: a batch with a write answers 405.' }],
      }],
    };
    return this.capability;
  }
}
