// Accounts, sign-in and tokens: the Medplum-style /auth/* calls, the
// OAuth 2.0 /oauth2/* endpoints (PKCE S256, refresh rotation, client
// credentials for kiosks) and the access context FHIR requests run under.
// Everything lives in memory; reset() returns to the seeded state.

import { createHash, randomBytes, randomUUID, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { ACCOUNTS, KIOSK_CLIENTS } from './seed.mjs';
import { newTotpSecret, totpNow, totpUri, totpVerify } from './totp.mjs';
import { CHECKIN_DENIAL } from './access.mjs';
import {
  badRequest, bearerToken, fail, forbidden, HttpError, mediaType, OK_OUTCOME, parseFormBody,
  parseJsonBody, safeEqual, unauthorized,
} from './util.mjs';

const scryptAsync = promisify(scrypt);

const MINUTE = 60000;
const CODE_TTL = 5 * MINUTE;
const MFA_LOGIN_TTL = 15 * MINUTE;
const MFA_MAX_FAILURES = 5;
const LOCK_AFTER = 5;
const LOCK_TIME = 15 * MINUTE;
const REFRESH_TTL = 30 * 24 * 60 * MINUTE;
const RESET_TTL = 60 * MINUTE;
const THROTTLE_AFTER = 10;
const CHECKIN_TTL = 900; // seconds a check-in token lives (less when --token-ttl is shorter)
const KIOSK_MISSES = 6; // lookups in a row that find nothing before a kiosk is throttled
const KIOSK_WAIT = 10 * MINUTE; // ... until this long after its last miss
const DEFAULT_SCOPE = 'openid patient/*.*';
const BAD_LOGIN = 'Email or password is invalid';
const HELP_DESK = 'We could not match these details to a patient record. Please call the help desk at 555-0100 and we will help you sign up.';

const token = (bytes = 32) => randomBytes(bytes).toString('base64url');

async function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32);
  return `${salt.toString('hex')}:${hash.toString('hex')}`;
}

async function verifyPassword(password, stored) {
  const [salt, hash] = (stored ?? '00:00').split(':');
  const got = await scryptAsync(String(password ?? ''), Buffer.from(salt, 'hex'), 32);
  return safeEqual(got.toString('hex'), hash);
}

/** The PKCE S256 challenge of a verifier. */
export function pkceChallenge(verifier) {
  return createHash('sha256').update(verifier).digest('base64url');
}

function checkPasswordRules(password) {
  if (typeof password !== 'string' || password.length < 8) {
    badRequest('Password must be at least 8 characters long.');
  }
}

function requireFields(body, ...fields) {
  for (const f of fields) {
    if (typeof body?.[f] !== 'string' || body[f].trim() === '') {
      badRequest(`Missing ${f}.`);
    }
  }
}

/** OAuth-style error of /oauth2/token. */
export function oauthError(error, description, status = 400) {
  throw new HttpError(status, { error, error_description: description });
}

function throttled(until, text, diagnostics) {
  const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
  fail(429, 'throttled', text, { diagnostics, headers: { 'Retry-After': String(seconds) } });
}

export class AuthService {
  /**
   * @param {object} opts
   * @param {() => string} opts.baseUrl  server root, e.g. http://127.0.0.1:8103
   * @param {number} opts.tokenTtl       access token lifetime in seconds
   * @param {object} opts.repo           PortalRepository (patients are read from it)
   * @param {object} opts.audit          AuditLog (sign-ins, sign-outs, security changes)
   */
  constructor({ baseUrl, tokenTtl, repo, audit, accounts = ACCOUNTS }) {
    this.accounts = accounts;
    this.audit = audit;
    this.baseUrl = baseUrl;
    this.tokenTtl = tokenTtl;
    this.repo = repo;
    this.templates = [];
    this.activationTemplates = [];
  }

  /** Hashes the seed passwords (in parallel, off the main thread). */
  async init(activationCodes) {
    this.templates = await Promise.all(this.accounts.map(async (a) => ({
      email: a.email,
      passwordHash: await hashPassword(a.password),
      patient: a.patient,
      proxies: a.proxies ?? [],
      mfaSecret: a.mfaSecret,
    })));
    this.activationTemplates = activationCodes;
    this.dummyHash = await hashPassword(token());
    this.reset();
  }

  /** Forgets every account change, lock, login, token and message. */
  reset() {
    this.accounts = new Map(this.templates.map((t) => [t.email, {
      ...t, proxies: t.proxies.map((p) => ({ ...p })),
      mfa: { enrolled: Boolean(t.mfaSecret), secret: t.mfaSecret, pending: undefined },
      failures: 0, lockedUntil: 0,
    }]));
    this.unknownLocks = new Map();
    this.logins = new Map();
    this.codes = new Map();
    this.accessTokens = new Map();
    this.refreshTokens = new Map();
    this.resets = new Map();
    this.activations = new Map(this.activationTemplates.map((a) => [normalizeCode(a.code), { ...a, used: false }]));
    this.throttles = { signup: { failures: 0, until: 0 }, activate: { failures: 0, until: 0 } };
    this.kioskMisses = new Map(); // clientId -> {misses, last}: $kiosk-lookup answers that found nothing
    this.outbox = [];
  }

  /* ---------------- helpers ---------------- */

  send(message) {
    const m = { id: randomUUID(), time: new Date().toISOString(), ...message };
    this.outbox.push(m);
    return m;
  }

  patientDisplay(id) {
    const p = this.repo.peek('Patient', id);
    const n = p?.name?.[0];
    return n?.text ?? [n?.given?.join(' '), n?.family].filter(Boolean).join(' ') ?? id;
  }

  accountOfPatient(patientId) {
    return [...this.accounts.values()].find((a) => a.patient === patientId);
  }

  /**
   * Checks an email/password pair with lockout; returns the account or
   * throws. A wrong password for an account is recorded (from `address`).
   */
  async checkPassword(email, password, address) {
    const key = String(email ?? '').trim().toLowerCase();
    const account = this.accounts.get(key);
    let lock = account;
    if (!lock) {
      lock = this.unknownLocks.get(key) ?? { failures: 0, lockedUntil: 0 };
      this.unknownLocks.set(key, lock);
    }
    const now = Date.now();
    if (lock.lockedUntil > now) {
      throttled(lock.lockedUntil, `Too many failed sign-in attempts. Try again in ${Math.ceil((lock.lockedUntil - now) / MINUTE)} minutes.`, 'account-locked');
    }
    if (lock.lockedUntil) {
      lock.failures = 0;
      lock.lockedUntil = 0;
    }
    const ok = await verifyPassword(password, account?.passwordHash ?? this.dummyHash);
    if (!ok || !account) {
      if (account) {
        this.audit.signIn(account.patient, address, 'Wrong password');
      }
      lock.failures++;
      if (lock.failures >= LOCK_AFTER) {
        lock.lockedUntil = Date.now() + LOCK_TIME;
      }
      badRequest(BAD_LOGIN);
    }
    lock.failures = 0;
    return account;
  }

  /** Answers 429 while sign-up or activation is throttled. */
  checkThrottle(kind) {
    const t = this.throttles[kind];
    if (t.until > Date.now()) {
      throttled(t.until, 'Too many attempts. Please wait a while or call the help desk at 555-0100.', `${kind}-throttled`);
    }
    if (t.until) {
      t.failures = 0;
      t.until = 0;
    }
  }

  noteFailure(kind) {
    const t = this.throttles[kind];
    t.failures++;
    if (t.failures >= THROTTLE_AFTER) {
      t.until = Date.now() + LOCK_TIME;
    }
  }

  /** Starts a login for an account; returns the login record. */
  newLogin(account, { codeChallenge, codeChallengeMethod, clientId, scope, redirectUri, mfa = true }) {
    if (typeof codeChallenge !== 'string' || codeChallenge.length < 43) {
      badRequest('Missing or invalid codeChallenge (PKCE S256 is required).');
    }
    if (codeChallengeMethod !== 'S256') {
      badRequest('Only the S256 code challenge method is supported.');
    }
    const login = {
      id: randomUUID(), email: account.email, created: Date.now(), expires: Date.now() + MFA_LOGIN_TTL,
      codeChallenge, clientId, redirectUri, scope: (scope ?? '').trim() || DEFAULT_SCOPE,
      mfaPending: mfa && account.mfa.enrolled, mfaFailures: 0, revoked: false,
    };
    this.logins.set(login.id, login);
    return login;
  }

  issueCode(login) {
    login.code = token();
    login.codeExpires = Date.now() + CODE_TTL;
    login.codeUsed = false;
    this.codes.set(login.code, login.id);
    return { login: login.id, code: login.code };
  }

  loginAnswer(login) {
    if (login.mfaPending) {
      return { login: login.id, mfaRequired: true, mfaMethods: ['totp'] };
    }
    return this.issueCode(login);
  }

  revokeLogin(login) {
    if (!login) {
      return;
    }
    login.revoked = true;
    for (const [t, rec] of this.accessTokens) {
      if (rec.login === login.id) {
        this.accessTokens.delete(t);
      }
    }
    for (const rec of this.refreshTokens.values()) {
      if (rec.login === login.id) {
        rec.revoked = true;
      }
    }
  }

  revokeAccount(email) {
    for (const login of this.logins.values()) {
      if (login.email === email) {
        this.revokeLogin(login);
      }
    }
  }

  issueTokens(login) {
    const account = this.accounts.get(login.email);
    const access = token();
    this.accessTokens.set(access, { login: login.id, email: login.email, kind: 'patient', scope: login.scope, expires: Date.now() + this.tokenTtl * 1000 });
    const answer = {
      token_type: 'Bearer', access_token: access, expires_in: this.tokenTtl, scope: login.scope,
      patient: account.patient, profile: { reference: `Patient/${account.patient}` },
    };
    if (login.scope.split(/\s+/).includes('offline_access')) {
      const refresh = token(48);
      this.refreshTokens.set(refresh, { login: login.id, expires: Date.now() + REFRESH_TTL, rotated: false, revoked: false });
      answer.refresh_token = refresh;
    }
    return answer;
  }

  /**
   * A check-in token for one visit found by $kiosk-lookup on the device
   * `kiosk` (its context): its own login (logout ends only it), kind
   * 'checkin'. Returns {token, expiresIn} (seconds).
   */
  issueCheckinToken(kiosk, { patient, appointment, invoice }) {
    const login = { id: randomUUID(), email: `checkin:${kiosk.clientId}`, revoked: false, scope: 'system/checkin' };
    this.logins.set(login.id, login);
    const access = token();
    const expiresIn = Math.min(CHECKIN_TTL, this.tokenTtl);
    this.accessTokens.set(access, {
      login: login.id, email: login.email, kind: 'checkin', clientId: kiosk.clientId, location: kiosk.location, kioskName: kiosk.kioskName,
      patient, appointment, invoice, scope: 'system/checkin', expires: Date.now() + expiresIn * 1000,
    });
    return { token: access, expiresIn };
  }

  /** Answers 429 while a kiosk has missed too often ($kiosk-lookup). */
  checkKioskThrottle(clientId) {
    const t = this.kioskMisses.get(clientId);
    if (t && t.misses >= KIOSK_MISSES && t.last + KIOSK_WAIT > Date.now()) {
      throttled(t.last + KIOSK_WAIT, 'Too many lookups found no visit at this kiosk. Please see the front desk.', 'kiosk-throttled');
    }
  }

  /** Counts a lookup that found nothing (a new run after 10 quiet minutes), or clears the count on a hit. */
  noteKioskLookup(clientId, found) {
    const t = this.kioskMisses.get(clientId);
    if (found) {
      this.kioskMisses.delete(clientId);
    } else if (!t || t.last + KIOSK_WAIT <= Date.now()) {
      this.kioskMisses.set(clientId, { misses: 1, last: Date.now() });
    } else {
      t.misses++;
      t.last = Date.now();
    }
  }

  /**
   * The access context of a bearer token, or a thrown 401:
   * {kind:'patient', email, profile, patients: Map<"Patient/x", {access, note}>,
   * scope (the granted scope string)},
   * {kind:'kiosk', clientId, location, kioskName}, or {kind:'checkin',
   * clientId, location, kioskName, patient, appointment, invoice, patients}
   * (one patient, full).
   */
  context(headers) {
    const t = bearerToken(headers);
    const rec = t && this.accessTokens.get(t);
    if (!rec) {
      unauthorized(t ? 'Your session is not valid. Please sign in again.' : 'Please sign in first.');
    }
    if (rec.expires <= Date.now()) {
      unauthorized('Your session has expired. Please sign in again.');
    }
    if (rec.kind === 'kiosk') {
      return { kind: 'kiosk', token: t, clientId: rec.clientId, location: rec.location, kioskName: rec.kioskName };
    }
    if (rec.kind === 'checkin') {
      return {
        kind: 'checkin', token: t, clientId: rec.clientId, location: rec.location, kioskName: rec.kioskName, patient: rec.patient,
        appointment: rec.appointment, invoice: rec.invoice, patients: new Map([[rec.patient, { access: 'full' }]]),
      };
    }
    const account = this.accounts.get(rec.email);
    const patients = new Map([[`Patient/${account.patient}`, { access: 'full' }]]);
    for (const p of account.proxies) {
      patients.set(`Patient/${p.patient}`, { access: p.access, note: p.note });
    }
    return { kind: 'patient', token: t, email: account.email, account, profile: `Patient/${account.patient}`, patients, login: rec.login, scope: rec.scope };
  }

  /** Expires one access token now (the "expire-token" fault). */
  expireToken(t) {
    const rec = t && this.accessTokens.get(t);
    if (rec) {
      rec.expires = Date.now() - 1;
    }
  }

  /** Expires every access token issued so far. */
  expireAll() {
    for (const rec of this.accessTokens.values()) {
      rec.expires = Math.min(rec.expires, Date.now() - 1);
    }
  }

  /** {sessions, refreshTokens} still usable for an email (for tests). */
  state(email) {
    const key = String(email ?? '').toLowerCase();
    const now = Date.now();
    const live = new Set();
    let refresh = 0;
    for (const rec of this.accessTokens.values()) {
      if (rec.email === key && rec.expires > now) {
        live.add(rec.login);
      }
    }
    for (const rec of this.refreshTokens.values()) {
      const login = this.logins.get(rec.login);
      if (login?.email === key && !rec.revoked && !rec.rotated && rec.expires > now && !login.revoked) {
        refresh++;
        live.add(rec.login);
      }
    }
    return { sessions: live.size, refreshTokens: refresh };
  }

  /** Current TOTP code of an account (enrolled secret, else the pending one). */
  currentTotp(email) {
    const a = this.accounts.get(String(email ?? '').toLowerCase());
    const secret = a?.mfa.secret ?? a?.mfa.pending;
    return secret ? { code: totpNow(secret), secret, enrolled: a.mfa.enrolled } : undefined;
  }

  /** Issues a new activation code for a patient (test control). */
  issueActivationCode(patientId, issuedDaysAgo = 0) {
    const p = this.repo.peek('Patient', patientId);
    if (!p) {
      return undefined;
    }
    const chars = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const pick = (n) => Array.from(randomBytes(n), (b) => chars[b % chars.length]).join('');
    const issued = Date.now() - issuedDaysAgo * 86400000;
    const rec = {
      code: `ACT-${pick(4)}-${pick(4)}`, patient: patientId, birthDate: p.birthDate,
      issued: new Date(issued).toISOString(), expires: new Date(issued + 30 * 86400000).toISOString(), used: false,
    };
    this.activations.set(normalizeCode(rec.code), rec);
    this.send({ kind: 'activation-code', to: `Patient/${patientId}`, subject: 'Your portal activation code', body: `Your activation code is ${rec.code}. It expires on ${rec.expires.slice(0, 10)}.`, activationCode: rec.code });
    return rec;
  }

  /* ---------------- HTTP entry points ---------------- */

  /**
   * Handles /auth/* and /oauth2/*. `req` = {method, path, headers, query, raw}.
   * Returns {status, body, headers?, html?} or undefined when no route matches.
   */
  async handle(req) {
    const route = `${req.method} ${req.path}`;
    const json = () => parseJsonBody(req.headers, req.raw) ?? {};
    switch (route) {
      case 'POST /auth/login': return this.login(json(), req.address);
      case 'POST /auth/mfa/verify': return this.mfaVerify(json(), req.address);
      case 'GET /auth/mfa/status': return this.mfaStatus(req.headers);
      case 'POST /auth/mfa/enroll': return this.mfaEnroll(req.headers, json(), req.address);
      case 'GET /auth/me': return this.me(req.headers);
      case 'POST /auth/activate': return this.activate(json());
      case 'POST /auth/signup': return this.signup(json());
      case 'POST /auth/resetpassword': return this.resetPassword(json());
      case 'POST /auth/setpassword': return this.setPassword(json(), req.address);
      case 'POST /auth/forgot-username': return this.forgotUsername(json());
      case 'POST /auth/changepassword': return this.changePassword(req.headers, json(), req.address);
      case 'POST /oauth2/token': return this.tokenEndpoint(req);
      case 'POST /oauth2/logout':
      case 'POST /oauth2/revoke': return this.logout(req);
      case 'GET /oauth2/authorize': return this.authorizePage(Object.fromEntries(req.query));
      case 'POST /oauth2/authorize': return this.authorizeSubmit(req);
      default: return undefined;
    }
  }

  async login(body, address) {
    requireFields(body, 'email', 'password');
    const account = await this.checkPassword(body.email, body.password, address);
    const login = this.newLogin(account, body);
    return { status: 200, body: this.loginAnswer(login) };
  }

  async mfaVerify(body, address) {
    requireFields(body, 'login', 'token');
    const login = this.logins.get(body.login);
    if (!login || login.revoked || !login.mfaPending) {
      badRequest('This sign-in is no longer valid. Please sign in again.');
    }
    if (Date.now() > login.expires) {
      this.revokeLogin(login);
      badRequest('This sign-in has expired. Please sign in again.');
    }
    const account = this.accounts.get(login.email);
    if (!totpVerify(account.mfa.secret, body.token)) {
      this.audit.signIn(account.patient, address, 'Wrong two-step code');
      login.mfaFailures++;
      if (login.mfaFailures >= MFA_MAX_FAILURES) {
        this.revokeLogin(login);
        badRequest('Too many wrong codes. Please sign in again.');
      }
      badRequest('The code is not correct. Check your authenticator app and try again.');
    }
    login.mfaPending = false;
    return { status: 200, body: this.issueCode(login) };
  }

  async mfaStatus(headers) {
    const ctx = this.patientContext(headers);
    const mfa = ctx.account.mfa;
    if (mfa.enrolled) {
      return { status: 200, body: { enrolled: true } };
    }
    mfa.pending ??= newTotpSecret();
    return { status: 200, body: { enrolled: false, enrollUri: totpUri(mfa.pending, ctx.email) } };
  }

  async mfaEnroll(headers, body, address) {
    const ctx = this.patientContext(headers);
    const mfa = ctx.account.mfa;
    requireFields(body, 'token');
    if (mfa.enrolled) {
      badRequest('Two-step sign-in is already turned on for this account.');
    }
    if (!mfa.pending) {
      badRequest('Ask for the enrollment code first (GET /auth/mfa/status).');
    }
    if (!totpVerify(mfa.pending, body.token)) {
      badRequest('The code is not correct. Check your authenticator app and try again.');
    }
    mfa.enrolled = true;
    mfa.secret = mfa.pending;
    mfa.pending = undefined;
    this.audit.securityChange(ctx.account.patient, address, 'two-step-on');
    return { status: 200, body: OK_OUTCOME };
  }

  patientContext(headers) {
    const ctx = this.context(headers);
    if (ctx.kind !== 'patient') {
      forbidden(ctx.kind === 'checkin' ? CHECKIN_DENIAL : 'A kiosk device has no personal account.');
    }
    return ctx;
  }

  async me(headers) {
    const { account } = this.patientContext(headers);
    const self = `Patient/${account.patient}`;
    const display = this.patientDisplay(account.patient);
    return {
      status: 200,
      body: {
        profile: { reference: self, display },
        email: account.email,
        patients: [
          { reference: self, display, relationship: 'self', access: 'full' },
          ...account.proxies.map((p) => ({
            reference: `Patient/${p.patient}`, display: this.patientDisplay(p.patient),
            relationship: p.relationship, access: p.access, ...(p.note ? { note: p.note } : {}),
          })),
        ],
      },
    };
  }

  /** Creates an account for a patient and signs it in (activation, sign-up). */
  async createAccount(patientId, body) {
    const email = body.email.trim().toLowerCase();
    checkPasswordRules(body.password);
    const account = {
      email, passwordHash: await hashPassword(body.password), patient: patientId, proxies: [],
      mfa: { enrolled: false }, failures: 0, lockedUntil: 0,
    };
    const login = this.newLogin(account, body);
    this.accounts.set(email, account);
    return { status: 200, body: this.loginAnswer(login) };
  }

  checkNewAccount(body, patientId) {
    if (this.accounts.has(body.email.trim().toLowerCase())) {
      fail(409, 'conflict', 'An account with this email address already exists. Sign in, or reset your password.');
    }
    if (this.accountOfPatient(patientId)) {
      fail(409, 'conflict', 'This patient already has a portal account. Sign in, or reset the password.');
    }
  }

  async activate(body) {
    this.checkThrottle('activate');
    requireFields(body, 'activationCode', 'birthDate', 'email', 'password');
    const rec = this.activations.get(normalizeCode(body.activationCode));
    const failWith = (text) => {
      this.noteFailure('activate');
      badRequest(text);
    };
    if (!rec || rec.birthDate !== body.birthDate.trim()) {
      failWith('The activation code or date of birth is not correct.');
    }
    if (rec.used) {
      failWith('This activation code has already been used. Sign in, or ask the clinic for a new code.');
    }
    if (Date.parse(rec.expires) <= Date.now()) {
      failWith('This activation code has expired. Ask the clinic for a new one.');
    }
    this.checkNewAccount(body, rec.patient);
    const answer = await this.createAccount(rec.patient, body);
    rec.used = true;
    this.throttles.activate.failures = 0;
    return answer;
  }

  async signup(body) {
    this.checkThrottle('signup');
    requireFields(body, 'firstName', 'lastName', 'birthDate', 'ssnLast4', 'email', 'password');
    if (!/^\d{4}$/.test(body.ssnLast4)) {
      badRequest('ssnLast4 must be the last 4 digits of the social security number.');
    }
    const lc = (s) => String(s ?? '').trim().toLowerCase();
    const matches = this.repo.peekAll('Patient').filter((p) =>
      p.birthDate === body.birthDate.trim() &&
      (p.name ?? []).some((n) => lc(n.family) === lc(body.lastName) && (n.given ?? []).some((g) => lc(g) === lc(body.firstName))) &&
      (p.identifier ?? []).some((i) => i.system === 'http://hl7.org/fhir/sid/us-ssn' && String(i.value).endsWith(body.ssnLast4)));
    if (matches.length !== 1) {
      this.noteFailure('signup');
      fail(404, 'not-found', HELP_DESK);
    }
    this.checkNewAccount(body, matches[0].id);
    const answer = await this.createAccount(matches[0].id, body);
    this.throttles.signup.failures = 0;
    return answer;
  }

  async resetPassword(body) {
    requireFields(body, 'email');
    const account = this.accounts.get(body.email.trim().toLowerCase());
    if (account) {
      const id = randomUUID();
      const secret = token(24);
      this.resets.set(id, { email: account.email, secret, expires: Date.now() + RESET_TTL, used: false });
      const url = `${this.baseUrl()}/setpassword/${id}/${secret}`;
      this.send({
        kind: 'reset-password', to: account.email, subject: 'Reset your password',
        body: `Someone asked to reset the password of your patient portal account. To choose a new password, open ${url} within one hour. If it was not you, ignore this message.`,
        resetId: id, resetSecret: secret, url,
      });
    }
    return { status: 200, body: OK_OUTCOME };
  }

  async setPassword(body, address) {
    requireFields(body, 'id', 'secret', 'password');
    const rec = this.resets.get(body.id);
    if (!rec || rec.used || rec.expires < Date.now() || !safeEqual(rec.secret, body.secret)) {
      badRequest('This password reset link is not valid or has expired. Ask for a new one.');
    }
    checkPasswordRules(body.password);
    const account = this.accounts.get(rec.email);
    account.passwordHash = await hashPassword(body.password);
    account.failures = 0;
    account.lockedUntil = 0;
    rec.used = true;
    this.revokeAccount(account.email); // a reset signs out every session
    this.audit.securityChange(account.patient, address, 'password-reset');
    return { status: 200, body: OK_OUTCOME };
  }

  async forgotUsername(body) {
    requireFields(body, 'firstName', 'lastName', 'birthDate');
    const lc = (s) => String(s ?? '').trim().toLowerCase();
    for (const p of this.repo.peekAll('Patient')) {
      const nameOk = (p.name ?? []).some((n) => lc(n.family) === lc(body.lastName) && (n.given ?? []).some((g) => lc(g) === lc(body.firstName)));
      const account = nameOk && p.birthDate === body.birthDate.trim() && this.accountOfPatient(p.id);
      if (account) {
        this.send({
          kind: 'username-reminder', to: account.email, subject: 'Your patient portal username',
          body: `You asked for a reminder: you sign in to the patient portal with ${account.email}.`, username: account.email,
        });
      }
    }
    return { status: 200, body: OK_OUTCOME };
  }

  async changePassword(headers, body, address) {
    const { account } = this.patientContext(headers);
    requireFields(body, 'oldPassword', 'newPassword');
    if (!(await verifyPassword(body.oldPassword, account.passwordHash))) {
      badRequest('Your current password is not correct.');
    }
    checkPasswordRules(body.newPassword);
    account.passwordHash = await hashPassword(body.newPassword);
    this.audit.securityChange(account.patient, address, 'password-changed');
    return { status: 200, body: OK_OUTCOME };
  }

  /* ---------------- /oauth2 ---------------- */

  async tokenEndpoint(req) {
    if (mediaType(req.headers) !== 'application/x-www-form-urlencoded') {
      oauthError('invalid_request', 'The token endpoint takes application/x-www-form-urlencoded bodies only.');
    }
    const form = parseFormBody(req.raw);
    switch (form.grant_type) {
      case 'authorization_code': return this.grantCode(form, req.address);
      case 'refresh_token': return this.grantRefresh(form);
      case 'client_credentials': return this.grantClient(form, req.headers);
      case undefined:
      case '': return oauthError('invalid_request', 'Missing grant_type.');
      default: return oauthError('unsupported_grant_type', `Unsupported grant_type ${form.grant_type}.`);
    }
  }

  /** Exchanges an authorization code: a new session, recorded as a sign-in. */
  grantCode(form, address) {
    if (!form.code) {
      oauthError('invalid_request', 'Missing code.');
    }
    const login = this.logins.get(this.codes.get(form.code));
    if (!login || login.revoked) {
      oauthError('invalid_grant', 'Invalid authorization code.');
    }
    if (login.codeUsed) {
      this.revokeLogin(login);
      oauthError('invalid_grant', 'Authorization code was already used; the sign-in has been revoked.');
    }
    login.codeUsed = true;
    if (Date.now() > login.codeExpires) {
      oauthError('invalid_grant', 'Authorization code has expired.');
    }
    if (!form.code_verifier) {
      oauthError('invalid_request', 'Missing code_verifier.');
    }
    if (!safeEqual(pkceChallenge(form.code_verifier), login.codeChallenge)) {
      oauthError('invalid_grant', 'PKCE verification failed: code_verifier does not match the code challenge.');
    }
    if (login.clientId && form.client_id && form.client_id !== login.clientId) {
      oauthError('invalid_grant', 'client_id does not match the sign-in.');
    }
    if (login.redirectUri && form.redirect_uri !== login.redirectUri) {
      oauthError('invalid_grant', 'redirect_uri does not match the authorization request.');
    }
    const tokens = this.issueTokens(login);
    this.audit.signIn(this.accounts.get(login.email).patient, address);
    return { status: 200, body: tokens, headers: { 'Cache-Control': 'no-store' } };
  }

  grantRefresh(form) {
    if (!form.refresh_token) {
      oauthError('invalid_request', 'Missing refresh_token.');
    }
    const rec = this.refreshTokens.get(form.refresh_token);
    const login = rec && this.logins.get(rec.login);
    if (!rec || !login) {
      oauthError('invalid_grant', 'Invalid refresh token.');
    }
    if (rec.rotated && !rec.revoked) {
      // A rotated token came back: someone holds a copy. End the session.
      this.revokeLogin(login);
      oauthError('invalid_grant', 'Refresh token was already used; the session has been revoked.');
    }
    if (rec.revoked || login.revoked || rec.expires <= Date.now()) {
      oauthError('invalid_grant', 'Refresh token has expired or was revoked.');
    }
    if (login.clientId && form.client_id && form.client_id !== login.clientId) {
      oauthError('invalid_grant', 'client_id does not match the sign-in.');
    }
    rec.rotated = true;
    return { status: 200, body: this.issueTokens(login), headers: { 'Cache-Control': 'no-store' } };
  }

  grantClient(form, headers) {
    let { client_id: id, client_secret: secret } = form;
    const basic = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '');
    if (basic) {
      const text = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = text.indexOf(':');
      id = decodeURIComponent(text.slice(0, colon));
      secret = decodeURIComponent(text.slice(colon + 1));
    }
    const client = KIOSK_CLIENTS.find((c) => c.clientId === id);
    if (!client || !secret || !safeEqual(client.secret, secret)) {
      oauthError('invalid_client', 'Unknown client or wrong client secret.');
    }
    const login = { id: randomUUID(), email: `device:${client.clientId}`, revoked: false, scope: 'system/kiosk' };
    this.logins.set(login.id, login);
    const access = token();
    this.accessTokens.set(access, {
      login: login.id, email: login.email, kind: 'kiosk', clientId: client.clientId, location: client.location, kioskName: client.name,
      scope: 'system/kiosk', expires: Date.now() + this.tokenTtl * 1000,
    });
    return {
      status: 200,
      body: { token_type: 'Bearer', access_token: access, expires_in: this.tokenTtl, scope: 'system/kiosk' },
      headers: { 'Cache-Control': 'no-store' },
    };
  }

  /**
   * Revokes the session of a Bearer token, or of form token=... (RFC 7009);
   * the end of a patient's live session is recorded as a sign-out.
   */
  async logout(req) {
    let t = bearerToken(req.headers);
    let login;
    if (t) {
      const rec = this.accessTokens.get(t);
      if (!rec || rec.expires <= Date.now()) {
        unauthorized('Your session is not valid. Please sign in again.');
      }
      login = this.logins.get(rec.login);
    } else if (mediaType(req.headers) === 'application/x-www-form-urlencoded') {
      t = parseFormBody(req.raw).token;
      const rec = t && (this.accessTokens.get(t) ?? this.refreshTokens.get(t));
      login = rec && this.logins.get(rec.login);
      // RFC 7009: an unknown token is not an error.
    } else {
      unauthorized('Please sign in first.');
    }
    const account = login && !login.revoked && this.accounts.get(login.email);
    this.revokeLogin(login);
    if (account) {
      this.audit.signOut(account.patient, req.address);
    }
    return { status: 200, body: OK_OUTCOME };
  }

  /* ---------------- browser flow (SMART App Launch) ---------------- */

  authorizePage(params, message) {
    const p = { ...params };
    const errors = [];
    if (p.response_type !== 'code') {
      errors.push('response_type must be "code".');
    }
    if (!p.redirect_uri || !/^(https?:\/\/|[a-z][a-z0-9+.-]*:)/i.test(p.redirect_uri)) {
      errors.push('redirect_uri is missing or not a URL.');
    }
    if (!p.code_challenge || p.code_challenge_method !== 'S256') {
      errors.push('PKCE is required: code_challenge with code_challenge_method=S256.');
    }
    if (errors.length) {
      return { status: 400, html: page('Cannot sign in', `<p>${errors.map(esc).join('<br>')}</p>`) };
    }
    const keep = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'aud', 'login'];
    const hidden = keep.filter((k) => p[k] !== undefined).map((k) => `<input type="hidden" name="${k}" value="${esc(p[k])}">`).join('');
    const fields = p.login
      ? '<label>Code from your authenticator app <input name="totp" inputmode="numeric" autocomplete="one-time-code" autofocus></label>'
      : '<label>Email <input name="email" type="email" autocomplete="username" autofocus></label><label>Password <input name="password" type="password" autocomplete="current-password"></label>';
    const body = `${message ? `<p role="alert">${esc(message)}</p>` : ''}<form method="post" action="/oauth2/authorize">${hidden}${fields}<button>Sign in</button></form>`;
    return { status: message ? 400 : 200, html: page('Sign in to Main Street Clinic', body) };
  }

  async authorizeSubmit(req) {
    const form = parseFormBody(req.raw);
    try {
      let login;
      if (form.login) {
        await this.mfaVerify({ login: form.login, token: form.totp ?? '' }, req.address);
        login = this.logins.get(form.login);
      } else {
        const account = await this.checkPassword(form.email, form.password, req.address);
        login = this.newLogin(account, {
          codeChallenge: form.code_challenge, codeChallengeMethod: form.code_challenge_method,
          clientId: form.client_id, scope: form.scope, redirectUri: form.redirect_uri,
        });
        if (login.mfaPending) {
          return this.authorizePage({ ...form, login: login.id });
        }
        this.issueCode(login);
      }
      const url = new URL(login.redirectUri);
      url.searchParams.set('code', login.code);
      if (form.state !== undefined) {
        url.searchParams.set('state', form.state);
      }
      return { status: 302, body: null, headers: { Location: url.toString() } };
    } catch (err) {
      if (err instanceof HttpError) {
        const retry = form.login && !this.logins.get(form.login)?.revoked ? form : { ...form, login: undefined };
        return this.authorizePage(retry, err.message);
      }
      throw err;
    }
  }
}

function normalizeCode(code) {
  return String(code ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:28em;margin:3em auto}label{display:block;margin:.8em 0}input{display:block;width:100%}</style>
</head><body><h1>${esc(title)}</h1>${body}</body></html>`;
}

