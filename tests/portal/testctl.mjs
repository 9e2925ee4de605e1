// Test-only controls (/_test/*, served only with --test) and the fault
// injector that misbehaves on purpose for the next N requests.

import { careTeamReply, moveTask } from './rules.mjs';
import { OK_OUTCOME, badRequest, notFound, parseJsonBody, outcome } from './util.mjs';

export const FAULT_KINDS = ['latency', 'hold', 'drop', 'drop-answer', 'break-transaction', 'truncate', '500', 'expire-token', 'huge', 'malformed', 'trickle'];
const HUGE_DEFAULT = 64 * 1024 * 1024;
const TRICKLE_DEFAULT = 4; // bytes a second
const TRICKLE_MS = 600000; // how long, unless ms says

/** Queue of faults; each request consumes at most one. */
export class Faults {
  constructor() {
    this.list = [];
  }

  clear() {
    this.list = [];
  }

  add({ kind, count = 1, ms, path, bytes }) {
    if (!FAULT_KINDS.includes(kind)) {
      badRequest(`Unknown fault kind "${kind}"; use one of ${FAULT_KINDS.join(', ')}.`);
    }
    if (!Number.isInteger(count) || count < 1) {
      badRequest('count must be a positive whole number.');
    }
    if (kind === 'latency' && !(Number.isFinite(ms) && ms >= 0)) {
      badRequest('A latency fault needs ms (milliseconds).');
    }
    if (kind === 'trickle' && bytes !== undefined && !(Number.isInteger(bytes) && bytes >= 1 && bytes <= 65536)) {
      badRequest('A trickle fault sends bytes a second: 1 to 65536.');
    }
    const fault = { kind, remaining: count, ms: ms ?? 0, path: path ?? '', bytes: bytes ?? (kind === 'trickle' ? TRICKLE_DEFAULT : HUGE_DEFAULT) };
    this.list.push(fault);
    return fault;
  }

  /** The fault for a request path, consuming one use, or undefined. */
  take(path) {
    const f = this.list.find((x) => x.remaining > 0 && path.startsWith(x.path));
    if (!f) {
      return undefined;
    }
    f.remaining--;
    this.list = this.list.filter((x) => x.remaining > 0);
    return f;
  }
}

/**
 * Misbehaves as `fault` says. Returns true when the response is done,
 * false when the request should now be served normally (latency).
 */
export async function applyFault(fault, req, res, { auth, token }) {
  switch (fault.kind) {
    case 'latency':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return false;
    case 'hold':
      // Served only once the test says so (POST /_test/release), or
      // after ms (default 60 s): an answer that comes exactly when wanted.
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, fault.ms || 60000);
        held.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return false;
    case 'drop':
      req.socket.destroy();
      return true;
    case 'truncate': {
      const part = '{"resourceType":"Bundle","type":"searchset","total":3,"entry":[{"resource":{"resourceType":"Patient","id":"trunc';
      res.writeHead(200, { 'Content-Type': 'application/fhir+json; charset=utf-8', 'Content-Length': String(part.length + 4096) });
      res.write(part, () => res.socket?.destroy());
      return true;
    }
    case '500': {
      const body = JSON.stringify(outcome('exception', 'The portal had a problem. Please try again later.', { diagnostics: 'injected-fault' }));
      res.writeHead(500, { 'Content-Type': 'application/fhir+json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return true;
    }
    case 'expire-token': {
      auth.expireToken(token);
      const body = JSON.stringify(outcome('login', 'Your session has expired. Please sign in again.'));
      res.writeHead(401, { 'Content-Type': 'application/fhir+json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return true;
    }
    case 'malformed': {
      const body = '{"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": "Patient", "id": "x",]}';
      res.writeHead(200, { 'Content-Type': 'application/fhir+json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return true;
    }
    case 'huge':
      await streamHuge(res, fault.bytes);
      return true;
    case 'trickle':
      await streamTrickle(res, fault.bytes, fault.ms || TRICKLE_MS);
      return true;
    default:
      return false;
  }
}

/** Streams a valid but enormous searchset Bundle of about `bytes` bytes. */
async function streamHuge(res, bytes) {
  res.writeHead(200, { 'Content-Type': 'application/fhir+json; charset=utf-8' });
  const filler = 'x'.repeat(900);
  const entry = (i) => `{"resource":{"resourceType":"Observation","id":"huge-${i}","status":"final","code":{"text":"${filler}"}}}`;
  let sent = 0;
  let i = 0;
  let wake = () => {};
  res.on('close', () => wake());
  const head = '{"resourceType":"Bundle","type":"searchset","entry":[';
  res.write(head);
  sent += head.length;
  while (sent < bytes && !res.destroyed) {
    const chunk = [];
    for (let k = 0; k < 64; k++) {
      chunk.push(entry(i++));
    }
    const text = (i > 64 ? ',' : '') + chunk.join(',');
    sent += text.length;
    if (!res.write(text)) {
      await new Promise((resolve) => {
        wake = resolve;
        res.once('drain', resolve);
      });
    }
  }
  res.end(']}');
}

/**
 * Streams an empty searchset Bundle `perSecond` bytes a second (spaces
 * between its tokens) for `ms` milliseconds, then ends it: a server that
 * never stalls (libcurl's low-speed check passes) and never finishes.
 */
async function streamTrickle(res, perSecond, ms) {
  res.writeHead(200, { 'Content-Type': 'application/fhir+json; charset=utf-8' });
  res.write('{"resourceType":"Bundle","type":"searchset","total":0,');
  const end = Date.now() + ms;
  let stop = () => {};
  res.on('close', () => stop());
  while (Date.now() < end && !res.destroyed) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 1000);
      stop = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    if (!res.destroyed) {
      res.write(' '.repeat(perSecond));
    }
  }
  if (!res.destroyed) {
    res.end('"entry":[]}');
  }
}

/**
 * Handles /_test/*. Returns {status, body} or undefined for unknown paths.
 * ctl = {repo, snapshot, auth, audit, faults, capabilities, allCapabilities}.
 */
/* Requests held by a 'hold' fault, released by POST /_test/release. */
const held = [];

/* Requests waiting at /_test/meet, by key. */
const meetings = new Map();

function meet(key, n, ms) {
  return new Promise((resolve) => {
    const waiting = meetings.get(key) ?? [];
    meetings.set(key, waiting);
    const timer = setTimeout(() => {
      waiting.splice(waiting.indexOf(entry), 1);
      resolve({ status: 408, body: { met: waiting.length + 1, of: n } });
    }, ms);
    const entry = { resolve, timer };
    waiting.push(entry);
    if (waiting.length >= n) {
      meetings.delete(key);
      for (const w of waiting) {
        clearTimeout(w.timer);
        w.resolve({ status: 200, body: { met: waiting.length, of: n } });
      }
    }
  });
}

/*
 * The statuses the portal answered lately, newest last (GET
 * /_test/answers): {method, path, status, entries} with the statuses of
 * a batch's entries, so a test can see what was answered 304.
 */
const answered = [];
const ANSWERED_MAX = 200;

export function noteAnswer(method, path, answer) {
  const entries = answer.body?.type === 'batch-response' ? answer.body.entry?.map((e) => e.response?.status) : undefined;
  answered.push({ method, path, status: answer.status, ...(entries ? { entries } : {}) });
  if (answered.length > ANSWERED_MAX) {
    answered.shift();
  }
}

export async function handleTest(req, ctl) {
  const route = `${req.method} ${req.path}`;
  const email = req.query.get('email');
  switch (route) {
    case 'GET /_test/answers':
      return { status: 200, body: { answers: answered } };
    case 'DELETE /_test/answers':
      answered.length = 0;
      return { status: 200, body: {} };
    case 'POST /_test/reset':
      ctl.repo.restore(ctl.snapshot);
      ctl.auth.reset();
      ctl.audit.reset();
      ctl.faults.clear();
      ctl.capabilities = [...ctl.allCapabilities];
      return { status: 200, body: OK_OUTCOME };
    case 'POST /_test/capabilities': {
      // Announce fewer capabilities until the next reset: {without: [...]}.
      const body = parseJsonBody(req.headers, req.raw) ?? {};
      const without = Array.isArray(body.without) ? body.without : [];
      ctl.capabilities = ctl.allCapabilities.filter((c) => !without.includes(c));
      return { status: 200, body: { capabilities: ctl.capabilities } };
    }
    case 'GET /_test/meet': {
      // Answers only once n requests with this key are waiting (or 408
      // after ms): requests that arrive one after another never meet, so
      // a 200 proves a client had them on the wire side by side.
      const key = req.query.get('key') ?? '';
      const n = Math.min(Math.max(Number(req.query.get('n')) || 2, 2), 8);
      const ms = Math.min(Math.max(Number(req.query.get('ms')) || 5000, 100), 30000);
      return meet(key, n, ms);
    }
    case 'GET /_test/outbox': {
      const to = req.query.get('to');
      return { status: 200, body: ctl.auth.outbox.filter((m) => !to || m.to === to) };
    }
    case 'GET /_test/totp': {
      const t = ctl.auth.currentTotp(email);
      if (!t) {
        notFound('No account with an authenticator secret has that email.');
      }
      return { status: 200, body: { code: t.code } };
    }
    case 'POST /_test/fault': {
      const body = parseJsonBody(req.headers, req.raw) ?? {};
      ctl.faults.add(body);
      return { status: 200, body: { faults: ctl.faults.list } };
    }
    case 'GET /_test/fault':
      return { status: 200, body: { faults: ctl.faults.list } };
    case 'POST /_test/release': {
      const n = held.length;
      for (const go of held.splice(0)) {
        go();
      }
      return { status: 200, body: { released: n } };
    }
    case 'DELETE /_test/fault':
      ctl.faults.clear();
      return { status: 200, body: OK_OUTCOME };
    case 'POST /_test/expire-tokens':
      ctl.auth.expireAll();
      return { status: 200, body: OK_OUTCOME };
    case 'GET /_test/state':
      return { status: 200, body: ctl.auth.state(email) };
    case 'POST /_test/activation-code': {
      const body = parseJsonBody(req.headers, req.raw) ?? {};
      const rec = ctl.auth.issueActivationCode(String(body.patient ?? '').replace(/^Patient\//, ''), Number(body.issuedDaysAgo ?? 0));
      if (!rec) {
        notFound('No such patient.');
      }
      return { status: 200, body: { code: rec.code, patient: `Patient/${rec.patient}`, issued: rec.issued, expires: rec.expires } };
    }
    case 'POST /_test/task-status': {
      // The care team moves a Task; refill eligibility follows (rules.mjs).
      const body = parseJsonBody(req.headers, req.raw) ?? {};
      return { status: 200, body: await moveTask(ctl.repo, body) };
    }
    case 'GET /_test/payments': {
      // Every payment taken, to count charges (a patient cannot search them).
      const invoice = req.query.get('invoice');
      const all = ctl.repo.peekAll('PaymentNotice').filter((p) => !invoice || p.request?.reference === invoice.replace(/^(?!Invoice\/)/, 'Invoice/'));
      return { status: 200, body: { payments: all } };
    }
    case 'GET /_test/audit': {
      // Every AuditEvent, newest first (of one patient: patient=Patient/<id> or a bare id),
      // to check account activity where no patient token can look (a kiosk's changes).
      const patient = req.query.get('patient')?.replace(/^(?!Patient\/)/, 'Patient/');
      const names = (e) => [...(e.agent ?? []).map((a) => a.who?.reference), ...(e.entity ?? []).map((x) => x.what?.reference)].includes(patient);
      const events = ctl.repo.peekAll('AuditEvent').filter((e) => !patient || names(e)).sort((x, y) => (x.recorded < y.recorded ? 1 : x.recorded > y.recorded ? -1 : 0));
      return { status: 200, body: { events } };
    }
    case 'POST /_test/reply': {
      // The care team writes in a conversation: a new unread message (rules.mjs).
      const body = parseJsonBody(req.headers, req.raw) ?? {};
      return { status: 200, body: await careTeamReply(ctl.repo, body) };
    }
    default:
      return undefined;
  }
}
