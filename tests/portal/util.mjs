// Small helpers shared by the portal modules: OperationOutcome builders,
// the HttpError carried up to the server loop, and request body parsing.

import { timingSafeEqual } from 'node:crypto';

/** An error that becomes an HTTP answer (OperationOutcome or raw JSON). */
export class HttpError extends Error {
  constructor(status, body, headers = {}) {
    super(body?.issue?.[0]?.details?.text ?? body?.error_description ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** OperationOutcome with one issue whose details.text is a plain sentence. */
export function outcome(code, text, { severity, diagnostics } = {}) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{
      severity: severity ?? (code === 'informational' ? 'information' : 'error'),
      code,
      details: { text },
      ...(diagnostics ? { diagnostics } : {}),
    }],
  };
}

/** The OperationOutcome answered for success ("ok"). */
export const OK_OUTCOME = { resourceType: 'OperationOutcome', id: 'ok', issue: [{ severity: 'information', code: 'informational', details: { text: 'All OK' } }] };

/** Throws an HttpError with an OperationOutcome. */
export function fail(status, code, text, opts = {}) {
  throw new HttpError(status, outcome(code, text, opts), opts.headers);
}

export const badRequest = (text, opts) => fail(400, 'invalid', text, opts);
export const unauthorized = (text = 'Please sign in again.') => fail(401, 'login', text);
export const forbidden = (text = 'You do not have access to this information.') => fail(403, 'forbidden', text);
export const notFound = (text = 'That record was not found.') => fail(404, 'not-found', text);

/** The "Authorization: Bearer x" token of a request, or undefined. */
export function bearerToken(headers) {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return m ? m[1] : undefined;
}

/** Media type of a request without parameters, lower case ('' when absent). */
export function mediaType(headers) {
  return (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Parses a JSON body, accepting application/json and application/fhir+json. */
export function parseJsonBody(headers, raw, { allowPatch = false } = {}) {
  const type = mediaType(headers);
  const ok = ['application/json', 'application/fhir+json'];
  if (allowPatch) {
    ok.push('application/json-patch+json');
  }
  if (raw.length === 0) {
    return undefined;
  }
  if (!ok.includes(type)) {
    fail(415, 'not-supported', `The request body must be JSON (${ok.join(' or ')}).`);
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return badRequest('The request body is not valid JSON.');
  }
}

/** Parses an application/x-www-form-urlencoded body into a plain object. */
export function parseFormBody(raw) {
  return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
}

/** Constant-time string comparison. */
export function safeEqual(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Letters that NFD does not split into a base letter and a mark. */
const FOLD_LETTERS = { 'ł': 'l', 'ø': 'o', 'ß': 'ss', 'æ': 'ae', 'đ': 'd', 'ı': 'i', 'œ': 'oe' };

/** A name for comparing: lower case, no accents, hyphens as spaces, single spaces. */
export function fold(s) {
  return String(s ?? '').normalize('NFD').toLowerCase().normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[łøßæđıœ]/g, (c) => FOLD_LETTERS[c])
    .replace(/[-\s]+/g, ' ')
    .trim();
}
