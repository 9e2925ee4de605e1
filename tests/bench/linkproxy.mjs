// A TCP proxy in front of the test portal that counts what crosses the
// link and, when asked, makes the link slow: a round trip of `rttMs`
// (half of it each way) and `kbit` kilobits a second each way.
//
// It counts at the byte level, headers included, as a modem would: bytes
// sent up, bytes received down, and HTTP requests (their request lines),
// each with the bytes of its answer. An HTTP/1.1 connection carries one
// request at a time, so what comes down a connection belongs to the last
// request sent on it.

import { createServer, connect } from 'node:net';

// A request starts right after the previous one's body, which need not end
// in a new line.
const REQUEST_LINE = /(GET|POST|PUT|PATCH|DELETE|HEAD) (\/\S*) HTTP\/1\.[01]\r\n/g;

/**
 * One direction of a connection: chunks are delivered in order, each no
 * sooner than half the round trip after it was sent and no sooner than
 * the link's rate allows after the one before it.
 */
function lane(to, { rttMs, kbit }) {
  const queue = [];
  let busyUntil = 0;
  let timer = null;
  let ended = false;
  const run = () => {
    timer = null;
    const now = performance.now();
    while (queue.length > 0 && queue[0].at <= now) {
      const { chunk } = queue.shift();
      if (!to.destroyed) to.write(chunk);
    }
    if (queue.length > 0) {
      timer = setTimeout(run, queue[0].at - now);
    } else if (ended && !to.destroyed) {
      to.end();
    }
  };
  return {
    send(chunk) {
      if (!rttMs && !kbit) {
        to.write(chunk);
        return;
      }
      const now = performance.now();
      const start = Math.max(now, busyUntil);
      busyUntil = start + (kbit ? (chunk.length * 8) / kbit : 0);
      queue.push({ chunk, at: busyUntil + rttMs / 2 });
      if (timer === null) timer = setTimeout(run, queue[0].at - now);
    },
    end() {
      ended = true;
      if (queue.length === 0 && timer === null && !to.destroyed) to.end();
    },
  };
}

/**
 * Starts the proxy to `target` (an http:// URL on loopback), which may be
 * set later (setTarget), once a portal that names the proxy is started.
 * setLink() changes the link for the connections made after it.
 * @returns {Promise<{url: string, setTarget: (url: string) => void,
 *   setLink: (link: object) => void, stats: () => object,
 *   reset: () => void, close: () => Promise<void>}>}
 */
export async function startProxy(target, link = {}) {
  let to = target ? new URL(target) : null;
  let { rttMs = 0, kbit = 0 } = link;
  let requests = [];
  let up = 0;
  let down = 0;
  let connections = 0;
  const sockets = new Set();
  const server = createServer((client) => {
    connections += 1;
    const upstream = connect(Number(to.port), to.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const toUpstream = lane(upstream, { rttMs, kbit });
    const toClient = lane(client, { rttMs, kbit });
    let current = null;
    let tail = '';
    client.on('data', (chunk) => { if (process.env.PROXY_DEBUG) console.error(JSON.stringify(chunk.toString('latin1').slice(0, 300)));
      up += chunk.length;
      const text = tail + chunk.toString('latin1');
      for (const m of text.matchAll(REQUEST_LINE)) {
        current = { method: m[1], path: m[2], down: 0 };
        requests.push(current);
      }
      tail = text.slice(Math.max(text.lastIndexOf('\n') + 1, text.length - 8192));
      toUpstream.send(chunk);
    });
    upstream.on('data', (chunk) => {
      down += chunk.length;
      if (current) current.down += chunk.length;
      toClient.send(chunk);
    });
    client.on('end', () => toUpstream.end());
    upstream.on('end', () => toClient.end());
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    setTarget(url) {
      to = new URL(url);
    },
    setLink(next) {
      ({ rttMs = 0, kbit = 0 } = next);
    },
    stats: () => ({ requests: requests.map((r) => ({ ...r })), up, down, connections }),
    reset() {
      requests = [];
      up = down = connections = 0;
    },
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
