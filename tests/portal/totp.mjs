// TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s step) and base32 (RFC 4648),
// with node:crypto only.

import { createHmac, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP = 30;

/** Base32 text (no padding) of a buffer. */
export function base32Encode(buf) {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) {
    out += ALPHABET[(value << (5 - bits)) & 31];
  }
  return out;
}

/** Bytes of a base32 text (case, spaces and padding ignored). */
export function base32Decode(text) {
  const clean = text.toUpperCase().replace(/[\s=]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) {
      throw new Error('Invalid base32 character');
    }
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new random secret (160 bits, base32). */
export function newTotpSecret() {
  return base32Encode(randomBytes(20));
}

/** The 6-digit code of `secret` for time step `counter`. */
function hotp(secret, counter) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const offset = mac[mac.length - 1] & 15;
  const bin = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(bin % 1e6).padStart(6, '0');
}

/** The current code of `secret` at time `ms`. */
export function totpNow(secret, ms = Date.now()) {
  return hotp(secret, Math.floor(ms / 1000 / STEP));
}

/** True when `code` is right for `secret` within one step either side. */
export function totpVerify(secret, code, ms = Date.now()) {
  if (!/^\d{6}$/.test(String(code ?? ''))) {
    return false;
  }
  const counter = Math.floor(ms / 1000 / STEP);
  return [-1, 0, 1].some((d) => hotp(secret, counter + d) === code);
}

/** otpauth:// URI for authenticator apps. */
export function totpUri(secret, account, issuer = 'Chartty Test Portal') {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=${STEP}`;
}
