// Benchmark of the wire: what chartty sends and receives, counted by a
// proxy on the link (linkproxy.mjs), against Medplum's JS client doing the
// same work (jsclient.mjs), then on a slow link. TAP, figures as "# ".
//
// - Sign-in and the health summary (`chartty summary --text`): requests
//   and bytes received, beside the JS client's; then a second start.
// - Home and each area, opened in plain mode as a person does: requests
//   and bytes received, beside the physical limit, the gzip size of what
//   the screen shows.
// - A slow link (300 ms round trip, 64 kbit/s): time to the summary.
//
// Budgets (issue 16): sign-in and summary in at most 5 requests and 0.5x
// the JS client's bytes; Home at most 1 KB; a second start with kept
// records under 1.5 KB; on the slow link under 1/3 of the JS client's
// time (printed, not checked: see the figures). A check fails at twice
// a budget, so noise does not fail the suite; the figures show where each
// stands, and a goal line says whether it is met.
//
// Before and after the additions of issue 16 (Main Street, --no-big):
// - Home: 1.3 KB, its batch of nine searches with _elements; now 0.5 KB,
//   Patient/<id>/$overview (a 551-byte screen gzipped).
// - A known server's sign-in and summary: 4 requests, 3.9 KB (0.59x the
//   JS client's 6.6 KB); now 3 requests, 3.0 KB (0.46x): the wallet
//   card's records as the elements it prints (the Patient read too), and
//   /auth/me not asked where the token names one's own record.
// - A second start with a keyring: kept records (issue 16), each read
//   and search asked with its ETag and answered 304.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startProxy } from './linkproxy.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const chartty = process.env.CHARTTY;
const portalDir = process.env.TEST_PORTAL_DIR || join(here, '..', 'portal');
const EMAIL = 'maria@example.org';
const PASSWORD = 'Chartty-demo-1';
const SLOW = { rttMs: 300, kbit: 64 };

let tests = 0;
let failed = 0;
function check(ok, what, detail) {
  tests += 1;
  if (!ok) failed += 1;
  console.log(`${ok ? 'ok' : 'not ok'} ${tests} - ${what}`);
  if (!ok && detail !== undefined) console.log(`#   ${JSON.stringify(detail)}`);
}
const say = (line) => console.log(`# ${line}`);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** Runs a program to its end: {code, out, err, ms}. */
function run(cmd, args, { input = '', env = {} } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => resolve({ code, out, err, ms: performance.now() - started }));
    child.stdin.end(input);
  });
}

/** chartty against the proxy, with its own cache directory. */
const chart = (proxy, cache, args, input) => run(chartty, ['--no-keyring', '--server', proxy.url, '--user', EMAIL, ...args],
  { input, env: { XDG_CACHE_HOME: cache, TERM: 'dumb' } });
/*
 * chartty with a keyring of its own (gnome-keyring on a private D-Bus, as
 * tests/harness.sh gives the keyring tests), its files in home, kept
 * from one run to the next.
 */
const chartKept = (proxy, home, args, input) => run('dbus-run-session', ['--', 'sh', '-c',
  'echo -n chartty-bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"', 'sh',
  chartty, '--server', proxy.url, '--user', EMAIL, ...args],
{ input, env: { HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache'), XDG_CONFIG_HOME: join(home, 'config'), TERM: 'dumb' } });
const jsClient = (proxy) => run(process.execPath, ['--experimental-websocket', join(here, 'jsclient.mjs'), proxy.url, EMAIL, PASSWORD]);
const freshCache = () => mkdtempSync(join(process.env.TMPDIR ?? '/tmp', 'cache-'));
/* What a summary printed, its date aside. */
const printed = (out) => out.replace(/^Password: /, '').replace(/on \d{4}-\d\d-\d\d/, '');
const lines = (reqs) => reqs.map((r) => `${r.method} ${r.path.replace(/\?.*/, '?...')}`);

/** One run through the proxy: what it cost, and the program's result. */
async function measure(proxy, work) {
  proxy.reset();
  const result = await work();
  const stats = proxy.stats();
  return { ...result, requests: stats.requests, received: stats.down, sent: stats.up };
}

/* The screens of a plain session: the text between one "Choice: " and the next. */
function screens(out) {
  return out.split('Choice: ');
}

/*
 * Its own test portal, behind the proxy: discovery names the proxy, so
 * the token request and every link come through it too.
 */
const proxy = await startProxy(null);
const portal = spawn(process.execPath, ['--experimental-websocket', join(portalDir, 'server.mjs'), '--test', '--port', '0',
  '--no-big', '--public-url', proxy.url], { stdio: ['ignore', 'pipe', 'inherit'] });
/* Never left running, whatever ends the benchmark. */
process.on('exit', () => portal.kill());
const listening = await new Promise((resolve) => {
  let out = '';
  portal.stdout.on('data', (d) => {
    out += d;
    const m = /^portal listening on (http:\/\/\S+)/m.exec(out);
    if (m) resolve(m[1]);
  });
  portal.on('exit', () => resolve(null));
});
if (!listening) {
  console.log('Bail out! the test portal did not start');
  process.exit(1);
}
proxy.setTarget(listening);

/* ---- Sign-in and the health summary, beside the JS client ---- */
const js = await measure(proxy, () => jsClient(proxy));
check(js.code === 0 && /"rows":\[2,2,3,3,/.test(js.out), 'the JS client signs in and reads the summary', js.err.slice(-400));
const cache = freshCache();
const first = await measure(proxy, () => chart(proxy, cache, ['summary', '--text'], `${PASSWORD}\n`));
check(first.code === 0 && /Allergies\n- Penicillin/.test(first.out), 'chartty summary --text signs in and prints the summary', first.err);
const limit = gzipSync(first.out, { level: 9 }).length;
const second = await measure(proxy, () => chart(proxy, cache, ['summary', '--text'], `${PASSWORD}\n`));
check(second.code === 0 && printed(second.out) === printed(first.out),
  'a second start prints the same summary');
say('sign-in and the health summary      requests  received  sent');
say(`  Medplum JS client                  ${String(js.requests.length).padStart(8)}  ${kb(js.received).padStart(8)}  ${kb(js.sent).padStart(7)}`);
say(`  chartty summary --text             ${String(first.requests.length).padStart(8)}  ${kb(first.received).padStart(8)}  ${kb(first.sent).padStart(7)}  (${(first.received / js.received).toFixed(2)}x)`);
say(`  chartty, a second start            ${String(second.requests.length).padStart(8)}  ${kb(second.received).padStart(8)}  ${kb(second.sent).padStart(7)}`);
say(`  the physical limit: the summary's text gzipped, ${limit} bytes`);
say(`  the JS client's requests: ${lines(js.requests).join(', ')}`);
say(`  chartty's requests: ${lines(first.requests).join(', ')}`);
say(`  a second start's: ${lines(second.requests).join(', ')}`);
// The budgets are a known server's, as a patient meets it from the second
// start on: the first contact also reads the server's capabilities
// (metadata), which the JS client never asks for.
const ratio = second.received / js.received;
say(`  goal, a known server: at most 5 requests and 0.5x the JS client's bytes: ${second.requests.length} and ${ratio.toFixed(2)}x, ${second.requests.length <= 5 && ratio <= 0.5 ? 'met' : 'not met'}`);
check(second.requests.length <= 2 * 5, `a known server: sign-in and the summary in at most 10 requests (twice the budget of 5): ${second.requests.length}`);
check(second.received <= 2 * 0.5 * js.received,
  `a known server: sign-in and the summary receive at most the JS client's bytes (twice the budget of 0.5x): ${(second.received / js.received).toFixed(2)}x`);

/* ---- A second start with kept records (a keyring of its own) ---- */
const keptHome = freshCache();
const keptFirst = await measure(proxy, () => chartKept(proxy, keptHome, ['summary', '--text'], `${PASSWORD}\n`));
const kept = await measure(proxy, () => chartKept(proxy, keptHome, ['summary', '--text'], ''));
check(keptFirst.code === 0 && kept.code === 0 && printed(kept.out) === printed(keptFirst.out) && /Allergies\n- Penicillin/.test(kept.out),
  'with a keyring, a second start signs in silently and prints the same summary from kept records', `${keptFirst.out}\n${kept.out}`);
say('');
say('a second start with kept records      requests  received  sent');
say(`  chartty, a first start with a keyring ${String(keptFirst.requests.length).padStart(6)}  ${kb(keptFirst.received).padStart(8)}  ${kb(keptFirst.sent).padStart(7)}`);
say(`  chartty, the second: 304s             ${String(kept.requests.length).padStart(6)}  ${kb(kept.received).padStart(8)}  ${kb(kept.sent).padStart(7)}`);
say(`  its requests: ${lines(kept.requests).join(', ')}; by each: ${kept.requests.map((r) => r.down).join(', ')} bytes`);
say(`  goal: a second sign-in and summary under 1.5 KB received: ${kept.received} bytes, ${kept.received < 1536 ? 'met' : 'not met'}`);
check(kept.received < 2 * 1536, `a second start with kept records receives under 3 KB (twice the budget of 1.5 KB): ${kept.received} bytes`);

/* ---- Home and each area, opened as a person does, in plain mode ---- */
const signIn = `\n${PASSWORD}\n`;
const homeCache = freshCache();
/* A first session keeps discovery and capabilities, as for a person. */
const login = await chart(proxy, homeCache, [], `${signIn}q\n`);
const home = await measure(proxy, () => chart(proxy, homeCache, [], `${signIn}q\n`));
const homeScreens = screens(home.out);
const menu = [...(homeScreens[0] ?? '').matchAll(/^(\d+)\. ([^:\n]+)/gm)].map((m) => ({ n: m[1], name: m[2] }));
check(login.code === 0 && menu.length >= 6, 'a plain session shows Home with its menu', home.out.slice(-600));
/* Home's requests: from the first FHIR request after signing in on (a
 * batch, or Patient/<id>/$overview where announced), in a session that
 * ends at Home. */
const firstHome = home.requests.findIndex((r) => /^\/fhir\/R4(\/|$)/.test(r.path) && !/^\/fhir\/R4\/metadata/.test(r.path));
const homeRequests = firstHome >= 0 ? home.requests.slice(firstHome) : [];
const homeBytes = homeRequests.reduce((s, r) => s + r.down, 0);
const homeShown = gzipSync(homeScreens[0].slice(homeScreens[0].lastIndexOf('\nHome\n')), { level: 9 }).length;
say('');
say('a screen, as opened from Home           requests  received  shown, gzipped');
say(`  Home                                  ${String(homeRequests.length).padStart(8)}  ${kb(homeBytes).padStart(8)}  ${String(homeShown).padStart(6)} bytes`);
say(`  goal, Home: at most 1 KB: ${homeBytes} bytes, ${homeBytes <= 1024 ? 'met' : 'not met'} (${lines(homeRequests).join(', ')})`);
check(homeRequests.length >= 1 && homeBytes <= 2 * 1024, `Home receives at most 2 KB (twice the budget of 1 KB): ${homeBytes} bytes`);
for (const item of menu) {
  if (/^(Sign out|Help|Change password|Two-step|Download)/.test(item.name)) continue;
  const area = await measure(proxy, () => chart(proxy, homeCache, [], `${signIn}${item.n}\nq\n`));
  const shown = screens(area.out)[1] ?? '';
  const own = area.requests.slice(home.requests.length); /* the same start as Home's */
  const bytes = own.reduce((s, r) => s + r.down, 0);
  say(`  ${item.name.padEnd(36)}  ${String(own.length).padStart(8)}  ${kb(bytes).padStart(8)}  ${String(gzipSync(shown, { level: 9 }).length).padStart(6)} bytes`);
}

/* ---- A slow link: 300 ms round trip, 64 kbit/s ---- */
proxy.setLink(SLOW);
const slow = proxy;
const jsSlow = await measure(slow, () => jsClient(slow));
const slowCache = freshCache();
const chSlow = await measure(slow, () => chart(slow, slowCache, ['summary', '--text'], `${PASSWORD}\n`));
const chSlow2 = await measure(slow, () => chart(slow, slowCache, ['summary', '--text'], `${PASSWORD}\n`));
say('');
say(`a slow link (${SLOW.rttMs} ms round trip, ${SLOW.kbit} kbit/s), start to the summary printed`);
say(`  Medplum JS client   ${Math.round(jsSlow.ms)} ms, ${jsSlow.requests.length} requests, ${kb(jsSlow.received)}`);
say(`  chartty             ${Math.round(chSlow.ms)} ms, ${chSlow.requests.length} requests, ${kb(chSlow.received)} (${(chSlow.ms / jsSlow.ms).toFixed(2)}x)`);
say(`  chartty, known      ${Math.round(chSlow2.ms)} ms, ${chSlow2.requests.length} requests, ${kb(chSlow2.received)} (${(chSlow2.ms / jsSlow.ms).toFixed(2)}x)`);
const keptSlow = await measure(slow, () => chartKept(slow, keptHome, ['summary', '--text'], ''));
say(`  chartty, kept       ${Math.round(keptSlow.ms)} ms, ${keptSlow.requests.length} requests, ${kb(keptSlow.received)} (${(keptSlow.ms / jsSlow.ms).toFixed(2)}x): a second start with a keyring`);
check(jsSlow.code === 0 && chSlow.code === 0 && chSlow2.code === 0 && keptSlow.code === 0 && /Allergies/.test(chSlow.out) &&
  printed(keptSlow.out) === printed(kept.out), 'both read the summary over the slow link, kept records too',
`${keptSlow.code} ${keptSlow.out}${keptSlow.err}`);
// Not a check yet: chartty's round trips come one after another (issue
// 16's goal of 1/3 is not met; see the figures).
say(`  goal: under 1/3 of the JS client's time; chartty's round trips: ${chSlow2.requests.length} in a row, the JS client's reads side by side`);
await proxy.close();
portal.kill();

console.log(`1..${tests}`);
process.exit(failed > 0 ? 1 : 0);
