// The chartty test portal: a FHIR R4 + SMART + Medplum-style account server
// on loopback, seeded with synthetic patients (see README.md).
//
//   node --experimental-websocket tests/portal/server.mjs [--port N]
//        [--host 127.0.0.1] [--demo] [--test] [--token-ttl SECONDS] [--no-big]
//        [--clinic main-street|springfield|harbor]
//
// --clinic springfield serves the contract-only clinic (springfield.mjs):
// Medplum's example data with only what the contract needs added.
// --clinic harbor serves Harbor Clinic (harbor.mjs) as a plain SMART
// server (smart.mjs): no /auth/*, no extensions, no writes.
//
// Prints "portal listening on http://127.0.0.1:PORT" once ready.

import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { FhirRouter } from '@medplum/fhir-router';
import { loadDefinitions } from './defs.mjs';
import { PortalRepository } from './repo.mjs';
import { buildSeed, ACCOUNTS, JAMES_TOTP_SECRET, KIOSK_CLIENTS } from './seed.mjs';
import { buildSpringfieldSeed, SPRINGFIELD_ACCOUNTS, SPRINGFIELD_CAPABILITIES } from './springfield.mjs';
import { buildHarborSeed, HARBOR_ACCOUNTS, HARBOR_CAPABILITIES, HARBOR_CLIENTS, HARBOR_TYPES } from './harbor.mjs';
import { SmartAuth, SmartFhir, smartConfiguration } from './smart.mjs';
import { AuditLog, socketAddress } from './audit.mjs';
import { AuthService } from './auth.mjs';
import { FhirService, errorAnswer } from './fhir.mjs';
import { registerBillingOperations } from './billing.mjs';
import { registerVisitOperations } from './visits.mjs';
import { registerKioskOperations } from './kiosk.mjs';
import { Faults, applyFault, handleTest, noteAnswer } from './testctl.mjs';
import { HttpError, bearerToken, fail, outcome } from './util.mjs';

const MAX_BODY = 16 * 1024 * 1024;
const FHIR_PREFIX = '/fhir/R4';
const DISCOVERY_MAX_AGE = 3600; // seconds a client may keep discovery unasked
const CAPABILITIES = [
  'launch-standalone', 'client-public', 'client-confidential-symmetric', 'context-standalone-patient',
  'permission-patient', 'permission-offline',
  'portal-password-login', 'portal-mfa-totp', 'portal-signup', 'portal-activation', 'portal-kiosk', 'portal-payments',
];

function usage(message) {
  if (message) {
    process.stderr.write(`server.mjs: ${message}\n`);
  }
  process.stderr.write('usage: node --experimental-websocket server.mjs [--port N] [--host 127.0.0.1] [--public-url URL] [--demo] [--test] [--token-ttl SECONDS] [--no-big] [--clinic main-street|springfield|harbor]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { port: 0, host: '127.0.0.1', demo: false, test: false, tokenTtl: 3600, big: true, verbose: false, clinic: 'main-street' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${arg} needs a value`));
    switch (arg) {
      case '--port': opts.port = Number(value()); break;
      case '--host': opts.host = value(); break;
      case '--public-url': opts.publicUrl = value().replace(/\/+$/, ''); break;
      case '--token-ttl': opts.tokenTtl = Number(value()); break;
      case '--demo': opts.demo = true; break;
      case '--test': opts.test = true; break;
      case '--big': opts.big = true; break;
      case '--no-big': opts.big = false; break;
      case '--verbose': opts.verbose = true; break;
      case '--clinic': opts.clinic = value(); break;
      case '-h':
      case '--help': usage(); break;
      default: usage(`unknown option ${arg}`);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    usage('--port must be 0..65535');
  }
  if (!Number.isInteger(opts.tokenTtl) || opts.tokenTtl < 1) {
    usage('--token-ttl must be a positive number of seconds');
  }
  if (!['main-street', 'springfield', 'harbor'].includes(opts.clinic)) {
    usage('--clinic is main-street, springfield or harbor');
  }
  if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(opts.host)) {
    usage('the test portal listens on loopback addresses only');
  }
  // https:// for a TLS proxy in front of it (tests/integration/tls.py).
  if (opts.publicUrl !== undefined && !/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/.test(opts.publicUrl)) {
    usage('--public-url is http:// or https://, a loopback address and a port');
  }
  return opts;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, outcome('too-costly', 'The request body is too large.')));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Writes an answer {status, body, headers, html, bytes}, gzipped when the
 * client accepts it. `bytes` (a Buffer: a Binary's content) is sent as is,
 * with the Content-Type of answer.headers.
 */
function send(req, res, answer, path) {
  if (!path.startsWith('/_test/')) {
    noteAnswer(req.method, path, answer);
  }
  const headers = { ...answer.headers };
  let payload;
  if (answer.bytes !== undefined) {
    headers['Content-Type'] ??= 'application/octet-stream';
    payload = answer.bytes;
  } else if (answer.html !== undefined) {
    headers['Content-Type'] = 'text/html; charset=utf-8';
    payload = Buffer.from(answer.html);
  } else if (answer.body !== null && answer.body !== undefined) {
    const fhir = path.startsWith(FHIR_PREFIX);
    headers['Content-Type'] = fhir ? 'application/fhir+json; charset=utf-8' : 'application/json; charset=utf-8';
    payload = Buffer.from(JSON.stringify(answer.body));
  }
  if (!path.startsWith(FHIR_PREFIX)) {
    headers['Cache-Control'] ??= 'no-store';
  }
  if (payload) {
    headers.Vary = 'Accept-Encoding';
    if (/\bgzip\b/i.test(req.headers['accept-encoding'] ?? '') && !/gzip\s*;\s*q=0(\.0*)?\b/i.test(req.headers['accept-encoding'])) {
      payload = gzipSync(payload);
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = payload.length;
  }
  res.writeHead(answer.status, headers);
  res.end(payload);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = performance.now();
  let port = opts.port;
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  // The address clients reach it by: its own, or a proxy's in front of it.
  const root = () => opts.publicUrl ?? `http://${hostPart}:${port}`;

  // Password hashing runs on the thread pool while definitions load.
  const clinic = clinicOf(opts);
  const repo = new PortalRepository();
  const audit = new AuditLog({ repo });
  const auth = clinic.auth({ baseUrl: root, tokenTtl: opts.tokenTtl, repo, accounts: clinic.accounts, audit });
  const seed = clinic.seed();
  const authReady = auth.init(seed.activationCodes);
  loadDefinitions();
  for (const r of seed.resources) {
    repo.seedPut(r);
  }
  const snapshot = repo.snapshot();
  await authReady;

  const router = new FhirRouter();
  const fhir = clinic.fhir({ repo, router, auth, audit, baseUrl: root });
  if (clinic.operations) {
    registerVisitOperations(fhir);
    registerBillingOperations(fhir);
    registerKioskOperations(fhir);
  }
  const faults = new Faults();
  // capabilities: what discovery announces (/_test/capabilities narrows it).
  const ctl = { repo, snapshot, auth, audit, faults, capabilities: [...clinic.capabilities], allCapabilities: clinic.capabilities };
  const smartConfig = () => clinic.smartConfig(root(), ctl.capabilities);

  async function dispatch(req, res, url, raw) {
    const path = url.pathname;
    // address: the client's, for account activity (audit.mjs).
    const r = { method: req.method, path, query: url.searchParams, headers: req.headers, raw, address: socketAddress(req.socket) };
    if (opts.test && path.startsWith('/_test/')) {
      return handleTest(r, ctl);
    }
    const fault = faults.take(path);
    if (fault?.kind === 'break-transaction') {
      r.fault = fault.kind; // the FHIR service fails between a transaction's parts
      return route(req, r, path);
    }
    if (fault?.kind === 'drop-answer') {
      // Do the work, then hang up: the client never learns it was done.
      await route(req, r, path).catch(() => {});
      req.socket.destroy();
      return null;
    }
    if (fault && (await applyFault(fault, req, res, { auth, token: bearerToken(req.headers) }))) {
      return null; // the fault answered (or hung up)
    }
    return route(req, r, path);
  }

  async function route(req, r, path) {
    if (req.method === 'GET' && (path === '/.well-known/smart-configuration' || path === `${FHIR_PREFIX}/.well-known/smart-configuration`)) {
      // Kept by clients for an hour unasked, then asked with its ETag.
      const body = smartConfig();
      const headers = { ETag: `W/"${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16)}"`, 'Cache-Control': `max-age=${DISCOVERY_MAX_AGE}` };
      const inm = req.headers['if-none-match'];
      if (inm && inm.split(',').some((t) => t.trim() === headers.ETag || t.trim() === '*')) {
        return { status: 304, body: null, headers };
      }
      return { status: 200, body, headers };
    }
    if (path.startsWith('/auth/') || path.startsWith('/oauth2/')) {
      return auth.handle(r);
    }
    if (path === FHIR_PREFIX || path.startsWith(`${FHIR_PREFIX}/`)) {
      return fhir.handleHttp({ ...r, path: path.slice(FHIR_PREFIX.length + 1) });
    }
    return undefined;
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, root());
    const t0 = performance.now();
    let answer;
    try {
      const raw = await readBody(req);
      answer = await dispatch(req, res, url, raw);
      if (answer === undefined) {
        fail(404, 'not-found', `Nothing is served at ${url.pathname}.`);
      }
    } catch (err) {
      answer = errorAnswer(err);
    }
    if (answer && !res.headersSent && !res.destroyed) {
      send(req, res, answer, url.pathname);
    }
    if (opts.verbose) {
      process.stderr.write(`${req.method} ${req.url} -> ${answer?.status ?? res.statusCode} ${(performance.now() - t0).toFixed(1)} ms\n`);
    }
  });
  server.on('clientError', (err, socket) => socket.destroy());

  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  server.listen(opts.port, opts.host, () => {
    port = server.address().port;
    process.stdout.write(`portal listening on http://${hostPart}:${port}${opts.publicUrl ? ` (reached at ${opts.publicUrl})` : ''}\n`);
    if (opts.verbose) {
      process.stderr.write(`ready in ${(performance.now() - started).toFixed(0)} ms (${seed.resources.length} resources)\n`);
    }
    if (opts.demo) {
      process.stdout.write(clinic.demo(root()));
    }
  });
}

/** Main Street's discovery: SMART and the portal's capabilities. */
function portalSmartConfig(root, capabilities) {
  return {
    issuer: root,
    authorization_endpoint: `${root}/oauth2/authorize`,
    token_endpoint: `${root}/oauth2/token`,
    revocation_endpoint: `${root}/oauth2/logout`,
    token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'fhirUser', 'offline_access', 'patient/*.*', 'patient/*.read', 'system/kiosk'],
    capabilities,
  };
}

/**
 * What differs between the clinics: accounts, data, discovery, the auth
 * and FHIR services, the portal operations and the demo text.
 */
function clinicOf(opts) {
  const portal = {
    auth: (o) => new AuthService(o),
    fhir: (o) => new FhirService(o),
    operations: true,
    smartConfig: portalSmartConfig,
  };
  switch (opts.clinic) {
    case 'springfield':
      return {
        ...portal, accounts: SPRINGFIELD_ACCOUNTS, seed: buildSpringfieldSeed, capabilities: SPRINGFIELD_CAPABILITIES,
        demo: (root) => springfieldText(root),
      };
    case 'harbor': {
      const name = 'Harbor Clinic';
      return {
        accounts: HARBOR_ACCOUNTS, seed: () => buildHarborSeed(new Date()), capabilities: HARBOR_CAPABILITIES,
        auth: (o) => new SmartAuth({ ...o, name, clients: HARBOR_CLIENTS, types: HARBOR_TYPES }),
        fhir: (o) => new SmartFhir({ ...o, name, types: HARBOR_TYPES }),
        operations: false,
        smartConfig: (root, capabilities) => smartConfiguration(root, { capabilities, types: HARBOR_TYPES }),
        demo: (root) => harborText(root),
      };
    }
    default:
      return {
        ...portal, accounts: ACCOUNTS, seed: () => buildSeed(new Date(), { big: opts.big }), capabilities: CAPABILITIES,
        fhir: (o) => new FhirService({ ...o, additions: true }),
        demo: (root) => demoText(root, opts),
      };
  }
}

function demoText(root, opts) {
  const lines = ['', 'Demo sign-in (Main Street Clinic test portal):'];
  for (const a of ACCOUNTS.filter((x) => !x.testOnly)) {
    lines.push(`  ${a.email.padEnd(20)} password ${a.password}${a.mfaSecret ? '  (needs an authenticator code)' : ''}`);
  }
  lines.push('  Test-only: long@example.org and mallory@example.org, password Chartty-test-9');
  lines.push('');
  lines.push(`James's authenticator (TOTP, SHA1, 6 digits, 30 s) secret: ${JAMES_TOTP_SECRET}`);
  lines.push(opts.test
    ? `  current code: curl '${root}/_test/totp?email=james@example.org'`
    : '  start with --test to read the current code from /_test/totp, or add the secret to an authenticator app');
  lines.push('Activation code for Grace Okafor (born 1988-04-12): ACT-7Q4M-2KD9');
  lines.push('Identity-matched sign-up: Samuel Reyes, born 1990-07-23, SSN last 4 digits 6789');
  lines.push(`Kiosk device: client_id ${KIOSK_CLIENTS[0].clientId}, client_secret ${KIOSK_CLIENTS[0].secret}`);
  lines.push('Kiosk check-in: Zoë Peña (Pena), born 1990-06-15, has a visit at Main Street Clinic 90 to 120 minutes after startup');
  lines.push(`FHIR base: ${root}${FHIR_PREFIX}`);
  lines.push('');
  return lines.join('\n');
}

function springfieldText(root) {
  const lines = ['', 'Demo sign-in (Springfield, the contract-only clinic):'];
  for (const a of SPRINGFIELD_ACCOUNTS) {
    lines.push(`  ${a.email.padEnd(20)} password ${a.password}`);
  }
  lines.push(`FHIR base: ${root}${FHIR_PREFIX}`, '');
  return lines.join('\n');
}

function harborText(root) {
  const lines = ['', 'Demo sign-in (Harbor Clinic, a plain SMART server: sign in in a browser):'];
  for (const a of HARBOR_ACCOUNTS) {
    lines.push(`  ${a.email.padEnd(20)} password ${a.password}`);
  }
  for (const c of HARBOR_CLIENTS) {
    lines.push(`Client: client_id ${c.clientId} (public); redirect_uri any http://127.0.0.1:PORT/... or ${c.redirectUris.join(', ')}`);
  }
  lines.push(`FHIR base (the aud of the authorization request): ${root}${FHIR_PREFIX}`, '');
  return lines.join('\n');
}

main().catch((err) => {
  process.stderr.write(`server.mjs: ${err.stack ?? err}\n`);
  process.exit(1);
});
