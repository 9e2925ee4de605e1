// The FHIR R4 API at /fhir/R4: @medplum/fhir-router does the work; this
// module adds what portal-api.md §3 asks of a server and the library leaves
// out: bearer tokens and access control, search parameter validation,
// default page size and Bundle links, ETag / Last-Modified / Location,
// If-None-Match -> 304, If-Match required on updates (428), per-entry
// access control in batches, all-or-nothing transactions, friendly
// OperationOutcomes, a real CapabilityStatement, the portal rules of
// rules.mjs on creates and updates (refill requests, readings, messages),
// Binary reads as raw bytes, and account activity (audit.mjs): reads of
// someone else's record and every change, recorded once they succeeded.

import { createHash } from 'node:crypto';
import { deepClone, getDataType, getStatus, globalSchema, parseSearchRequest } from '@medplum/core';
import {
  checkRead, checkSearch, checkWrite, compartmentOf, DIRECTORY_TYPES, patientsOfSearch, readDenial, requireServed, SERVED_TYPES, WRITABLE,
} from './access.mjs';
import { searchParam } from './defs.mjs';
import { OVERVIEW_DEFINITION, registerOverview } from './overview.mjs';
import { CREATE_RULES, UPDATE_RULES } from './rules.mjs';
import { present, stripComputed } from './visits.mjs';
import { badRequest, fail, forbidden, HttpError, notFound, outcome, parseFormBody, parseJsonBody } from './util.mjs';

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 200;

/** Parameter types MemoryRepository can match (others would silently match nothing). */
export const SUPPORTED_PARAM_TYPES = new Set(['reference', 'token', 'date', 'string', 'uri']);
const MODIFIERS = {
  reference: ['missing', 'not'],
  token: ['missing', 'not'],
  date: ['missing'],
  string: ['missing', 'contains', 'exact'],
  uri: ['missing'],
};
const IGNORED = new Set(['_format', '_pretty']);
const UNSUPPORTED = new Set(['_elements', '_contained', '_containedType', '_list', '_text', '_content', '_query', '_filter', '_type', '_tag', '_security', '_profile', '_source']);

/** Friendlier sentences for the library's terse outcomes. */
const STATUS_TEXT = {
  404: 'That record was not found.',
  410: 'That record has been deleted.',
  412: 'Someone changed this record since you loaded it. Reload it and try again.',
};

/** An OperationOutcome whose issue[0].details.text is a plain sentence. */
export function friendlyOutcome(oc, status) {
  const issue = { ...(oc?.issue?.[0] ?? { severity: 'error', code: 'exception' }) };
  const text = STATUS_TEXT[status] ?? issue.details?.text ?? issue.diagnostics ?? 'The request failed.';
  issue.details = { ...issue.details, text: /[.!?]$/.test(text) ? text : `${text}.` };
  return { resourceType: 'OperationOutcome', issue: [issue, ...(oc?.issue?.slice(1) ?? [])] };
}

/** W/"versionId" of a resource, or undefined. */
const etagOf = (r) => (r?.meta?.versionId ? `W/"${r.meta.versionId}"` : undefined);
const lastModifiedOf = (r) => (r?.meta?.lastUpdated ? new Date(r.meta.lastUpdated).toUTCString() : undefined);
const versionOfTag = (tag) => /^(?:W\/)?"([^"]*)"$/.exec(String(tag ?? '').trim())?.[1];

/** FHIR's JSON media types: an Accept naming one of them gets a Binary as a resource. */
const JSON_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json+fhir']);

/**
 * Does a read of a Binary want its raw bytes? Yes when the request has an
 * Accept header that names no JSON type (e.g. application/octet-stream,
 * the Binary's contentType, or *\/*); no Accept, or one naming
 * application/fhir+json or application/json, gets the Binary resource.
 */
export function wantsRawBinary(headers) {
  const accept = headers?.accept;
  if (!accept) {
    return false;
  }
  return !accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((x) => x.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return JSON_TYPES.has(type) && !(q && Number(q.slice(2)) === 0);
  });
}

/**
 * Validates and normalizes search parameters for `type`: unknown
 * parameters, unsupported types and modifiers answer 400 naming them;
 * _count defaults to 20 and is capped at 200.
 * @returns {URLSearchParams}
 */
export function normalizeSearch(type, params) {
  const out = new URLSearchParams();
  for (const [key, value] of params) {
    if (IGNORED.has(key)) {
      continue;
    }
    if (key === '_count' || key === '_offset') {
      if (!/^\d+$/.test(value)) {
        badRequest(`${key} must be a whole number, not "${value}".`);
      }
      out.set(key, key === '_count' ? String(Math.min(Number(value), MAX_COUNT)) : String(Number(value)));
    } else if (key === '_summary') {
      if (value !== 'count') {
        badRequest(`_summary=${value} is not supported; only _summary=count is.`);
      }
      out.append(key, value);
    } else if (key === '_total' || key === '_include' || key === '_revinclude') {
      out.append(key, value);
    } else if (key === '_sort') {
      for (const field of value.split(',')) {
        const code = field.replace(/^-/, '');
        if (code !== '_id' && code !== '_lastUpdated' && !searchParam(type, code)) {
          badRequest(`Cannot sort ${type} by "${code}": unknown search parameter.`);
        }
      }
      out.append(key, value);
    } else if (key.startsWith('_has') || UNSUPPORTED.has(key.split(':')[0])) {
      badRequest(`Search parameter "${key}" is not supported by this portal.`);
    } else {
      checkParam(type, key);
      out.append(key, value);
    }
  }
  if (out.get('_summary') === 'count') {
    out.set('_count', '0'); // total only: no entries, no next link
  } else if (!out.has('_count')) {
    out.set('_count', String(DEFAULT_COUNT));
  }
  return out;
}

function checkParam(type, key) {
  const [name, modifier] = key.split(':');
  const [code, chained] = [name.split('.')[0], name.includes('.')];
  const param = searchParam(type, code) ?? (code === '_id' || code === '_lastUpdated' ? { type: code === '_id' ? 'token' : 'date' } : undefined);
  if (!param) {
    badRequest(`Unknown search parameter "${code}" for ${type}.`);
  }
  if (chained) {
    if (param.type !== 'reference' || modifier) {
      badRequest(`Chained search "${key}" is not supported.`);
    }
    return;
  }
  if (!SUPPORTED_PARAM_TYPES.has(param.type)) {
    badRequest(`Search parameter "${code}" (${param.type}) is not supported by this portal.`);
  }
  if (modifier && !MODIFIERS[param.type].includes(modifier)) {
    badRequest(`Modifier ":${modifier}" of search parameter "${code}" is not supported.`);
  }
}

/** A query string that keeps "/", ":" and "," readable (links, self URLs). */
function queryString(params) {
  const enc = (x) => encodeURIComponent(x).replace(/%2F/g, '/').replace(/%3A/g, ':').replace(/%2C/g, ',');
  return [...params].map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
}

/** The tag of a resource answered with only some of its elements (FHIR R4 search, _elements). */
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

/**
 * `resource` with only the top-level elements named in `fields` (a choice
 * named by its base, "value", or as "value[x]", keeps whichever it holds),
 * the elements the type requires, id, and meta with the version and the
 * SUBSETTED tag.
 */
export function subset(resource, fields) {
  const schema = getDataType(resource.resourceType)?.elements ?? {};
  const wanted = [...fields, ...Object.entries(schema).filter(([k, v]) => v.min > 0 && !k.includes('.')).map(([k]) => k)]
    .map((w) => w.replace(/\[x\]$/, ''));
  const keep = (key) => wanted.some((w) => key === w || (key.startsWith(w) && schema[`${w}[x]`]));
  const out = { resourceType: resource.resourceType, id: resource.id };
  for (const [key, value] of Object.entries(resource)) {
    if (key !== 'resourceType' && key !== 'id' && key !== 'meta' && keep(key)) {
      out[key] = value;
    }
  }
  out.meta = { ...(resource.meta?.versionId ? { versionId: resource.meta.versionId } : {}), tag: [...(resource.meta?.tag ?? []), SUBSETTED] };
  return out;
}

/** Splits "Type/id/_history/vid" into its parts. */
function parsePath(path) {
  const seg = path.split('/').filter(Boolean);
  return { seg, type: seg[0], id: seg[1] };
}

export class FhirService {
  /**
   * @param {object} o
   * @param {object} o.repo    PortalRepository
   * @param {object} o.router  FhirRouter
   * @param {object} o.auth    AuthService (for the access context)
   * @param {object} o.audit   AuditLog (account activity)
   * @param {() => string} o.baseUrl  server root
   * @param {boolean} [o.additions]  the additions to the contract
   *   (README.md): searches and reads take _elements,
   *   Observation/$lastn and Patient/<id>/$overview are served, and
   *   searches carry ETags; otherwise _elements is 400 like any
   *   parameter not supported, the operations are not found, and a
   *   search has no ETag
   */
  constructor({ repo, router, auth, audit, baseUrl, additions = false }) {
    this.repo = repo;
    this.elements = additions;
    this.router = router;
    this.auth = auth;
    this.audit = audit;
    this.baseUrl = baseUrl;
    this.operations = []; // {method, pattern: RegExp, handler(ctx, r, match)}
    this.writes = Promise.resolve();
    this.lastn = additions;
    this.searchTags = additions;
    if (additions) {
      this.addOperation('GET', /^Observation\/\$lastn$/, (ctx, r) => this.lastN(ctx, r.query));
      registerOverview(this);
    }
  }

  /**
   * Observation/$lastn (FHIR R4): the latest `max` (1 to 20, default 1)
   * observations of each code among those the search finds; a searchset.
   */
  async lastN(ctx, query) {
    const max = query.has('max') ? Number(query.get('max')) : 1;
    if (!Number.isInteger(max) || max < 1 || max > 20) {
      badRequest('max must be a whole number from 1 to 20.');
    }
    const q = new URLSearchParams(query);
    q.delete('max');
    q.set('_sort', '-date');
    q.set('_count', '200');
    const kept = new Map(); // code -> its latest observations
    for (let offset = 0; ; offset += 200) {
      q.set('_offset', String(offset));
      const { body } = await this.search(ctx, 'Observation', q);
      for (const e of (body.entry ?? []).filter((x) => x.search?.mode !== 'include')) {
        const c = e.resource.code?.coding?.[0];
        const key = c ? `${c.system}|${c.code}` : e.resource.code?.text ?? '';
        const list = kept.get(key) ?? [];
        if (list.length < max) {
          list.push(e);
          kept.set(key, list);
        }
      }
      if (!body.link?.some((l) => l.relation === 'next')) {
        break;
      }
    }
    const entry = [...kept.values()].flat();
    const link = [{ relation: 'self', url: `${this.fhirBase()}/Observation/$lastn?${new URLSearchParams(query)}` }];
    return { status: 200, body: { resourceType: 'Bundle', type: 'searchset', total: entry.length, link, ...(entry.length ? { entry } : {}) } };
  }

  /** A resource as answered: with what the server computes (visits.mjs). */
  present(resource) {
    return present(this.repo, resource);
  }

  fhirBase() {
    return `${this.baseUrl()}/fhir/R4`;
  }

  /**
   * Adds a portal operation ($pay, $check-in, ...). `pattern` matches the
   * path below the FHIR base; the handler gets (ctx, request, match) and
   * returns {status, body, headers?}. Kiosk access is the handler's call,
   * and so is recording what it wrote (this.audit.change).
   */
  addOperation(method, pattern, handler) {
    this.operations.push({ method, pattern, handler });
  }

  /** Entry point for HTTP: req = {method, path, query, headers, raw, address}. */
  async handleHttp(req) {
    if (req.path === 'metadata' && req.method === 'GET') {
      // With a validator: a client that kept it asks again with
      // If-None-Match and gets a 304.
      const cs = this.capabilityStatement();
      const etag = `W/"${createHash('sha256').update(JSON.stringify(cs)).digest('hex').slice(0, 16)}"`;
      const inm = req.headers['if-none-match'];
      // Kept by clients for an hour unasked, then asked with the ETag.
      const keep = { ETag: etag, 'Cache-Control': 'max-age=3600' };
      if (inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
        return { status: 304, body: null, headers: keep };
      }
      return { status: 200, body: cs, headers: { ...keep, ...(cs.date ? { 'Last-Modified': new Date(cs.date).toUTCString() } : {}) } };
    }
    const ctx = this.auth.context(req.headers);
    ctx.address = req.address; // the client's, for account activity
    let body;
    let query = req.query;
    if (req.method === 'POST' && /^[A-Za-z]+\/_search$/.test(req.path)) {
      // Search by POST: form parameters join the query string.
      query = new URLSearchParams([...req.query, ...new URLSearchParams(parseFormBody(req.raw))]);
      return this.handle(ctx, { method: 'GET', path: req.path.split('/')[0], query, headers: req.headers });
    }
    if (['POST', 'PUT', 'PATCH'].includes(req.method)) {
      body = parseJsonBody(req.headers, req.raw, { allowPatch: req.method === 'PATCH' });
      if (body === undefined) {
        badRequest('The request has no body.');
      }
    }
    const r = { method: req.method, path: req.path, query, headers: req.headers, body, fault: req.fault };
    if (req.method === 'GET') {
      return this.handle(ctx, r);
    }
    // Writes one at a time, as a database would serialize them: a check
    // and the write it allows never interleave with another request's.
    const turn = this.writes.then(() => this.handle(ctx, r));
    this.writes = turn.catch(() => {});
    return turn;
  }

  /**
   * Handles one FHIR interaction (a request or a batch entry).
   * r = {method, path, query: URLSearchParams, headers, body}. Where the
   * additions are served, a search's Bundle (an operation's Parameters)
   * carries an ETag, and If-None-Match (request.ifNoneMatch in a batch)
   * answers 304.
   */
  async handle(ctx, r) {
    const answer = await this.handleOne(ctx, r);
    if (!this.searchTags || r.method !== 'GET' || answer?.status !== 200 || !['Bundle', 'Parameters'].includes(answer.body?.resourceType) || answer.headers?.ETag) {
      return answer;
    }
    const etag = `W/"${createHash('sha256').update(JSON.stringify(answer.body)).digest('hex').slice(0, 20)}"`;
    const headers = { ...answer.headers, ETag: etag };
    const inm = r.headers?.['if-none-match'];
    if (inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
      return { status: 304, body: null, headers };
    }
    return { ...answer, headers };
  }

  async handleOne(ctx, r) {
    for (const op of this.operations) {
      const m = op.method === r.method && op.pattern.exec(r.path);
      if (m) {
        return op.handler(ctx, r, m);
      }
    }
    const { seg, type, id } = parsePath(r.path);
    if (seg.length === 0) {
      if (r.method === 'POST') {
        return this.bundle(ctx, r.body, r.fault);
      }
      forbidden('Searching across all record types is not allowed.');
    }
    if (seg.some((s) => s.startsWith('$'))) {
      notFound(`Operation ${seg.find((s) => s.startsWith('$'))} is not supported.`);
    }
    if (!globalSchema.types[type]?.searchParams && !SERVED_TYPES.has(type)) { // Binary has no search parameters
      notFound(`Unknown resource type "${type}".`);
    }
    requireServed(type);
    if (ctx.kind === 'kiosk') {
      forbidden('A kiosk device may only use the check-in operations.');
    }
    const key = `${r.method} ${seg.length}${seg[2] ? ' ' + seg[2] : ''}`;
    switch (key) {
      case 'GET 1': return this.search(ctx, type, r.query);
      case 'GET 2': return this.readElements(ctx, type, id, r.headers, r.query);
      case 'GET 3 _history':
      case 'GET 4 _history': return this.history(ctx, type, id, seg[3], r.headers);
      case 'POST 1': return this.create(ctx, type, r.body, r.headers);
      case 'PUT 2':
      case 'PATCH 2': return this.update(ctx, r.method, type, id, r.body, r.headers);
      case 'DELETE 2': return forbidden('Records cannot be deleted through the portal.');
      default: return fail(405, 'not-supported', `${r.method} ${r.path} is not supported.`);
    }
  }

  /** Calls the library router; throws HttpError for error outcomes. */
  async route(method, url, body, headers = {}) {
    const req = { method, url, pathname: '', body, params: {}, query: {}, headers, config: { transactions: true } };
    const [oc, resource] = await this.router.handleRequest(req, this.repo);
    const status = getStatus(oc);
    if (status >= 400) {
      throw new HttpError(status, friendlyOutcome(oc, status));
    }
    return { status, resource, outcome: oc };
  }

  resourceHeaders(resource, extra = {}) {
    const h = { ...extra };
    const etag = etagOf(resource);
    const lm = lastModifiedOf(resource);
    if (etag) {
      h.ETag = etag;
    }
    if (lm) {
      h['Last-Modified'] = lm;
    }
    return h;
  }

  async read(ctx, type, id, headers) {
    const stored = this.repo.peek(type, id);
    if (!stored) {
      notFound();
    }
    checkRead(ctx, stored, this.repo);
    const { resource } = await this.route('GET', `${type}/${id}`);
    this.audit.read(ctx, type, compartmentOf(stored, this.repo), 'read');
    const h = this.resourceHeaders(resource);
    const inm = headers['if-none-match'];
    if (inm && inm.split(',').some((t) => t.trim() === '*' || versionOfTag(t) === resource.meta?.versionId)) {
      return { status: 304, body: null, headers: h };
    }
    if (type === 'Binary' && wantsRawBinary(headers)) {
      const bytes = Buffer.from(resource.data ?? '', 'base64');
      return { status: 200, bytes, headers: { ...h, 'Content-Type': resource.contentType ?? 'application/octet-stream', 'X-Content-Type-Options': 'nosniff' } };
    }
    return { status: 200, body: this.present(resource), headers: h };
  }

  /**
   * A read with only the elements asked, where this portal takes
   * _elements (an addition, as on searches); elsewhere _elements is 400
   * naming it, as a parameter not supported.
   */
  async readElements(ctx, type, id, headers, query) {
    if (!query.has('_elements')) {
      return this.read(ctx, type, id, headers);
    }
    const elements = this.takeElements(query);
    if (!elements) {
      badRequest('Parameter "_elements" is not supported by this portal.');
    }
    const answer = await this.read(ctx, type, id, headers);
    return answer.body ? { ...answer, body: subset(answer.body, elements.fields) } : answer;
  }

  async history(ctx, type, id, vid, headers) {
    const stored = this.repo.peek(type, id);
    if (!stored) {
      notFound();
    }
    checkRead(ctx, stored, this.repo);
    const { resource } = await this.route('GET', vid ? `${type}/${id}/_history/${vid}` : `${type}/${id}/_history`);
    if (!vid) {
      this.audit.read(ctx, type, compartmentOf(stored, this.repo), 'read');
      return { status: 200, body: resource };
    }
    if (readDenial(ctx, resource, this.repo)) {
      forbidden();
    }
    this.audit.read(ctx, type, compartmentOf(stored, this.repo), 'read');
    const h = this.resourceHeaders(resource);
    if (versionOfTag(headers['if-none-match']) === resource.meta?.versionId) {
      return { status: 304, body: null, headers: h };
    }
    return { status: 200, body: this.present(resource), headers: h };
  }

  /**
   * The elements a search asks for, where this portal takes _elements:
   * {rest, fields} (rest: the query without it), or null.
   */
  takeElements(query) {
    if (!this.elements || !query.has('_elements')) {
      return null;
    }
    const rest = new URLSearchParams(query);
    rest.delete('_elements');
    const fields = query.getAll('_elements').flatMap((v) => v.split(',')).map((f) => f.trim()).filter(Boolean);
    for (const f of fields) {
      if (!/^[a-z][A-Za-z0-9]*(\[x\])?$/.test(f)) {
        badRequest(`_elements: "${f}" is not the name of an element.`);
      }
    }
    return { rest, fields };
  }

  async search(ctx, type, query) {
    const elements = this.takeElements(query);
    const params = normalizeSearch(type, elements ? elements.rest : query);
    checkSearch(ctx, type, params, this.repo);
    const { resource: bundle } = await this.route('GET', `${type}?${queryString(params)}`);
    this.audit.read(ctx, type, patientsOfSearch(type, params, this.repo), 'search-type');
    // Included resources the token may not read are left out, and so are
    // matches (a check-in token reads only its visit's records of its
    // patient); the total counts only the matches kept.
    const shown = bundle.entry?.filter((e) => !readDenial(ctx, e.resource, this.repo));
    const hidden = (bundle.entry ?? []).filter((e) => e.search?.mode !== 'include' && !shown.includes(e)).length;
    if (hidden && typeof bundle.total === 'number') {
      bundle.total -= hidden;
    }
    bundle.entry = shown;
    if (!bundle.entry?.length) {
      delete bundle.entry;
    }
    const count = Number(params.get('_count'));
    const offset = Number(params.get('_offset') ?? 0);
    const base = `${this.fhirBase()}/${type}`;
    const linked = new URLSearchParams(params);
    if (elements) {
      linked.set('_elements', elements.fields.join(','));
    }
    const link = [{ relation: 'self', url: `${base}?${queryString(linked)}` }];
    if (count > 0 && offset + count < bundle.total) {
      linked.set('_offset', String(offset + count));
      link.push({ relation: 'next', url: `${base}?${queryString(linked)}` });
    }
    const { resourceType, type: bundleType, total, entry } = bundle;
    const answered = (e) => {
      const full = this.fullUrl(e);
      return elements && full.resource && e.search?.mode !== 'include' ? { ...full, resource: subset(full.resource, elements.fields) } : full;
    };
    return { status: 200, body: { resourceType, type: bundleType, total, link, ...(entry ? { entry: entry.map(answered) } : {}) } };
  }

  fullUrl(entry) {
    if (entry.resource) {
      entry = { ...entry, resource: this.present(entry.resource) };
    }
    return entry.resource?.id ? { fullUrl: `${this.fhirBase()}/${entry.resource.resourceType}/${entry.resource.id}`, ...entry } : entry;
  }

  /**
   * Creates: access check, then the If-None-Exist lookup (a retry finds the
   * first record, 200, before any rule could refuse it), then the portal
   * rules of rules.mjs (400, 409, 422), then the write and what the rules
   * do after it, in one journal.
   */
  async create(ctx, type, body, headers) {
    if (body.resourceType !== type) {
      badRequest(`The body is a ${body.resourceType ?? 'resource without resourceType'}, not a ${type}.`);
    }
    checkWrite(ctx, 'POST', body, this.repo);
    // The server assigns id and meta on create, whatever the client sent.
    const { id: _id, meta: _meta, ...fresh } = stripComputed(body);
    body = fresh;
    const h = {};
    if (headers['if-none-exist']) {
      const first = await this.findExisting(type, headers['if-none-exist']);
      if (first) {
        return this.createdAnswer(ctx, 200, first);
      }
      h['if-none-exist'] = headers['if-none-exist'];
    }
    const rule = CREATE_RULES[type];
    rule?.check(ctx, this.repo, body);
    let written;
    const answer = await this.repo.atomically(async () => {
      const { status, resource } = await this.route('POST', type, body, h);
      await rule?.after?.(this.repo, resource);
      written = status === 201 ? resource : undefined; // 200: a conditional create found a record
      return this.createdAnswer(ctx, status, this.current(resource));
    });
    this.audit.change(ctx, 'create', written);
    return answer;
  }

  /**
   * The stored version of `resource` when a rule's after() moved it on
   * (e.g. a new conversation's header), else `resource` itself.
   */
  current(resource) {
    const stored = resource?.id && this.repo.peek(resource.resourceType, resource.id);
    return stored && stored.meta?.versionId !== resource.meta?.versionId ? deepClone(stored) : resource;
  }

  /**
   * The record an If-None-Exist search finds, or undefined; 400 for
   * parameters a search would refuse, 412 when several match.
   */
  async findExisting(type, criteria) {
    normalizeSearch(type, new URLSearchParams(criteria));
    let found;
    try {
      const search = parseSearchRequest(`${type}?${criteria}`);
      found = await this.repo.searchResources({ ...search, count: 2, offset: 0, sortRules: undefined });
    } catch (err) {
      const oc = err.outcome;
      if (!oc) {
        throw err;
      }
      throw new HttpError(getStatus(oc), friendlyOutcome(oc, getStatus(oc)));
    }
    if (found.length > 1) {
      fail(412, 'multiple-matches', 'More than one record matches If-None-Exist.');
    }
    return found[0];
  }

  createdAnswer(ctx, status, resource) {
    if (readDenial(ctx, resource, this.repo)) {
      // If-None-Exist matched a record of someone else: do not reveal it.
      fail(409, 'duplicate', 'That request identifier was already used.');
    }
    const location = `${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`;
    return { status, body: this.present(resource), headers: this.resourceHeaders(resource, { Location: `${this.fhirBase()}/${location}` }) };
  }

  async update(ctx, method, type, id, body, headers) {
    const stored = this.repo.peek(type, id);
    if (!stored) {
      notFound();
    }
    checkRead(ctx, stored, this.repo);
    if (!headers['if-match']) {
      fail(428, 'precondition', 'Send If-Match with the ETag of the version you loaded, so that no one else\'s change is overwritten.');
    }
    if (!versionOfTag(headers['if-match'])) {
      badRequest('If-Match must be an ETag like W/"<versionId>".');
    }
    checkWrite(ctx, method, stored, this.repo);
    if (method === 'PUT') {
      checkWrite(ctx, method, body, this.repo);
    } else if (!Array.isArray(body)) {
      badRequest('PATCH takes a JSON Patch array (application/json-patch+json).');
    }
    let written;
    const answer = await this.repo.atomically(async () => {
      const { resource } = await this.route(method, `${type}/${id}`, method === 'PUT' ? stripComputed(body) : body, { 'if-match': headers['if-match'] });
      checkWrite(ctx, method, resource, this.repo); // a patch must not move the record
      const rule = UPDATE_RULES[type];
      if (rule) {
        rule.check(ctx, this.repo, stored, resource); // a throw undoes the write
        await rule.after?.(this.repo, resource);
      }
      written = resource;
      const current = this.current(resource);
      return { status: 200, body: this.present(current), headers: this.resourceHeaders(current) };
    });
    this.audit.change(ctx, method === 'PUT' ? 'update' : 'patch', written, stored);
    return answer;
  }

  /* ---------------- batch and transaction ---------------- */

  async bundle(ctx, body, fault) {
    if (body?.resourceType !== 'Bundle' || !['batch', 'transaction'].includes(body.type)) {
      badRequest('POST to the FHIR base takes a Bundle of type batch or transaction.');
    }
    if (ctx.kind === 'kiosk') {
      forbidden('A kiosk device may only use the check-in operations.');
    }
    const entries = body.entry ?? [];
    if (entries.some((e) => !e.request?.method || !e.request?.url)) {
      badRequest('Every Bundle entry needs request.method and request.url.');
    }
    return body.type === 'batch' ? this.batch(ctx, entries) : this.transaction(ctx, body, fault);
  }

  /** Splits an entry's request.url into path and query, relative to the base. */
  entryRequest(entry) {
    let url = entry.request.url.replace(this.fhirBase(), '').replace(/^\/+/, '');
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const headers = {};
    for (const [field, header] of [['ifMatch', 'if-match'], ['ifNoneMatch', 'if-none-match'], ['ifNoneExist', 'if-none-exist']]) {
      if (entry.request[field]) {
        headers[header] = entry.request[field];
      }
    }
    return { method: entry.request.method, path, query, headers, body: entry.resource };
  }

  /** Each entry runs like its own request, with its own access checks. */
  async batch(ctx, entries) {
    const out = [];
    for (const entry of entries) {
      const r = this.entryRequest(entry);
      let answer;
      try {
        if (r.path === '' || r.path.startsWith('/')) {
          badRequest('A batch cannot contain another batch.');
        }
        answer = await this.handle(ctx, r);
      } catch (err) {
        answer = errorAnswer(err);
      }
      out.push(toEntry(answer));
    }
    return { status: 200, body: { resourceType: 'Bundle', type: 'batch-response', entry: out } };
  }

  /**
   * All or nothing: entries are checked first, then the library runs the
   * transaction (urn:uuid references, conditional creates) inside the
   * repository journal; any failure, or a result the token may not see,
   * undoes every write. Creates whose ifNoneExist finds a record are not
   * checked by the portal rules (the library returns the record, 200), and
   * their fullUrl stands for that record in the rules of later entries.
   */
  async transaction(ctx, bundle, fault) {
    bundle = { ...bundle, entry: (bundle.entry ?? []).map((e) => (e.resource ? { ...e, resource: stripComputed(e.resource) } : e)) };
    const entries = bundle.entry;
    const requests = entries.map((entry) => this.entryRequest(entry));
    // fullUrl -> resource (the entry's body, or the record its ifNoneExist finds),
    // so that a message can name its new conversation by urn:uuid.
    const placeholders = new Map();
    const existing = [];
    for (const [i, r] of requests.entries()) {
      const type = parsePath(r.path).type;
      if (r.method === 'POST' && r.headers['if-none-exist'] && type) {
        requireServed(type);
        existing[i] = await this.findExisting(type, r.headers['if-none-exist']);
      }
      const resource = existing[i] ?? entries[i].resource;
      if (entries[i].fullUrl && resource) {
        placeholders.set(entries[i].fullUrl, resource);
      }
    }
    const pending = []; // creates the rules accepted, for the rules of later entries
    const before = []; // stored versions that PUT and PATCH entries change
    for (const [i, r] of requests.entries()) {
      const { seg, type } = parsePath(r.path);
      requireServed(type);
      if (r.method === 'GET') {
        if (seg.length === 1) {
          checkSearch(ctx, type, normalizeSearch(type, r.query), this.repo);
        } else {
          const stored = this.repo.peek(type, seg[1]);
          stored && checkRead(ctx, stored, this.repo);
        }
      } else if (r.method === 'DELETE') {
        forbidden('Records cannot be deleted through the portal.');
      } else {
        if (r.method !== 'POST' && !r.headers['if-match']) {
          fail(428, 'precondition', `Entry ${r.method} ${r.path} needs ifMatch with the ETag of the version you loaded.`);
        }
        if (r.method !== 'POST') {
          const stored = this.repo.peek(type, seg[1]);
          stored && checkWrite(ctx, r.method, stored, this.repo);
          before[i] = stored;
        }
        if (r.method !== 'PATCH') {
          checkWrite(ctx, r.method, r.body, this.repo);
        }
        const rule = r.method === 'POST' && CREATE_RULES[type];
        if (rule && !existing[i]) {
          rule.check(ctx, this.repo, r.body, pending, placeholders);
          pending.push(r.body);
        }
      }
    }
    const written = []; // account activity once it committed: ['read', type, patients, interaction] or [interaction, resource, before]
    const answer = await this.repo.atomically(async () => {
      const { resource: result } = await this.route('POST', '', deepClone(bundle));
      const done = (result.entry ?? []).map((e, i) => [e, entries[i].request.method]);
      for (const [i, [e, method]] of done.entries()) {
        if (e.resource?.resourceType === 'Bundle' && method === 'GET') {
          e.resource.entry = e.resource.entry?.filter((x) => !readDenial(ctx, x.resource, this.repo));
        } else if (e.resource && method === 'GET') {
          checkRead(ctx, e.resource, this.repo);
        } else if (e.resource) {
          checkWrite(ctx, method, e.resource, this.repo); // e.g. a conditional create that found another's record
        }
        if (e.resource && (method === 'PUT' || method === 'PATCH')) {
          UPDATE_RULES[e.resource.resourceType]?.check(ctx, this.repo, before[i], e.resource);
        }
      }
      for (const [i, [e, method]] of done.entries()) {
        if (e.resource && method === 'POST') {
          await CREATE_RULES[e.resource.resourceType]?.after?.(this.repo, e.resource);
        } else if (e.resource && (method === 'PUT' || method === 'PATCH')) {
          await UPDATE_RULES[e.resource.resourceType]?.after?.(this.repo, e.resource);
        }
        if (fault === 'break-transaction' && i === 0 && done.length > 1) {
          // The test control's fault: the server fails between the parts.
          fail(500, 'exception', 'The portal had a problem. Please try again later.', { diagnostics: 'injected-fault' });
        }
      }
      for (const [i, [e, method]] of done.entries()) {
        if (e.resource && method === 'POST' && e.response?.status?.startsWith('201')) {
          written.push(['create', e.resource]);
        } else if (e.resource && (method === 'PUT' || method === 'PATCH')) {
          written.push([method === 'PUT' ? 'update' : 'patch', e.resource, before[i]]);
        } else if (method === 'GET') {
          const { seg, type } = parsePath(requests[i].path);
          const stored = seg.length > 1 && this.repo.peek(type, seg[1]);
          const patients = seg.length === 1 ? patientsOfSearch(type, normalizeSearch(type, requests[i].query), this.repo)
            : stored ? compartmentOf(stored, this.repo) : new Set();
          written.push(['read', type, patients, seg.length === 1 ? 'search-type' : 'read']);
        }
        if (e.resource && method !== 'GET') {
          e.resource = this.present(this.current(e.resource)); // what the rules' after() wrote last
        }
        if (e.resource && e.response) {
          e.response.etag = etagOf(e.resource);
          e.response.lastModified = e.resource.meta?.lastUpdated;
        }
      }
      return { status: 200, body: result };
    });
    for (const [interaction, ...rest] of written) {
      if (interaction === 'read') {
        this.audit.read(ctx, ...rest);
      } else {
        this.audit.change(ctx, interaction, ...rest);
      }
    }
    return answer;
  }

  /* ---------------- CapabilityStatement ---------------- */

  capabilityStatement() {
    this.capability ??= buildCapability(this.fhirBase(), this.baseUrl(), { lastn: this.lastn, overview: this.elements });
    return this.capability;
  }
}

/** The HTTP answer of an error thrown while handling a request. */
export function errorAnswer(err) {
  if (err instanceof HttpError) {
    return { status: err.status, body: err.body, headers: err.headers };
  }
  console.error(err);
  return { status: 500, body: outcome('exception', 'The server had an internal error.') };
}

/** A batch-response entry for an answer. */
function toEntry(answer) {
  const h = answer.headers ?? {};
  const response = { status: String(answer.status) };
  if (h.Location) {
    response.location = h.Location;
  }
  if (h.ETag) {
    response.etag = h.ETag;
  }
  if (h['Last-Modified']) {
    response.lastModified = new Date(h['Last-Modified']).toISOString();
  }
  const body = answer.body;
  if (body?.resourceType === 'OperationOutcome' && answer.status >= 400) {
    response.outcome = body;
    return { response };
  }
  return body ? { resource: body, response } : { response };
}

function buildCapability(fhirBase, root, { lastn = false, overview = false } = {}) {
  const resource = [...SERVED_TYPES].sort().map((type) => {
    const params = Object.entries(globalSchema.types[type]?.searchParams ?? {})
      .filter(([code, p]) => (SUPPORTED_PARAM_TYPES.has(p.type) && !code.startsWith('_')) || code === '_id' || code === '_lastUpdated')
      .map(([code, p]) => ({ name: code, type: p.type, ...(p.url ? { definition: p.url } : {}) }));
    const writes = WRITABLE[type] ?? [];
    const interaction = ['read', 'vread', 'search-type', 'history-instance'];
    if (writes.includes('POST')) {
      interaction.push('create');
    }
    if (writes.includes('PUT')) {
      interaction.push('update');
    }
    if (writes.includes('PATCH')) {
      interaction.push('patch');
    }
    return {
      type,
      documentation: DIRECTORY_TYPES.has(type) ? 'Directory data: readable by any signed-in patient.' : 'Patient data: searches must name the patient.',
      interaction: interaction.map((code) => ({ code })),
      versioning: 'versioned',
      readHistory: true,
      updateCreate: false,
      conditionalCreate: writes.includes('POST'),
      conditionalUpdate: false,
      searchParam: params,
      ...(lastn && type === 'Observation' ? { operation: [{ name: 'lastn', definition: 'http://hl7.org/fhir/OperationDefinition/Observation-lastn' }] } : {}),
      ...(overview && type === 'Patient' ? { operation: [{ name: 'overview', definition: OVERVIEW_DEFINITION }] } : {}),
    };
  });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    publisher: 'chartty',
    kind: 'instance',
    software: { name: 'chartty test portal', version: '0.1.0' },
    implementation: { description: 'Test portal for the chartty terminal client', url: fhirBase },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [{
      mode: 'server',
      documentation: 'Every request needs Authorization: Bearer. Searches default to _count=20, at most 200.',
      security: {
        cors: false,
        service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
        extension: [{
          url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
          extension: [
            { url: 'authorize', valueUri: `${root}/oauth2/authorize` },
            { url: 'token', valueUri: `${root}/oauth2/token` },
            { url: 'revoke', valueUri: `${root}/oauth2/logout` },
          ],
        }],
      },
      resource,
      interaction: [{ code: 'batch' }, { code: 'transaction' }],
    }],
  };
}
