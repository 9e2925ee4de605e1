// The yardstick: Medplum's own JS client (@medplum/core, installed with
// the test portal) doing what `chartty summary --text` does: sign in with
// email and password (POST /auth/login, then the code for tokens), then
// read the health summary the contract lists (portal-api.md, section 4).
// Usage: node jsclient.mjs BASE EMAIL PASSWORD; prints one JSON line.

import { createHash, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const core = await import(join(here, '..', 'portal', 'node_modules', '@medplum', 'core', 'dist', 'esm', 'index.mjs'));
const [base, email, password] = process.argv.slice(2);
const medplum = new core.MedplumClient({ baseUrl: base, cacheTime: 0 });
// The client's own PKCE needs a browser's window.crypto; the same S256
// pair is made here and handed to it.
const verifier = randomBytes(48).toString('base64url');
medplum.storage.setString('codeVerifier', verifier);
const login = await medplum.startLogin({
  email, password, codeChallengeMethod: 'S256', codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
});
await medplum.processCode(login.code);
await medplum.getProfileAsync();
const patient = medplum.getActiveLogin().profile.reference;
const [who, ...sections] = await Promise.all([
  medplum.readReference({ reference: patient }),
  medplum.searchResources('AllergyIntolerance', { patient, 'clinical-status': 'active' }),
  medplum.searchResources('Condition', { patient, 'clinical-status': 'active', category: 'problem-list-item' }),
  medplum.searchResources('MedicationRequest', { patient, status: 'active' }),
  medplum.searchResources('Immunization', { patient, _sort: '-date' }),
  medplum.searchResources('Observation', { patient, category: 'vital-signs', _sort: '-date', _count: '20' }),
]);
console.log(JSON.stringify({ patient: who.id, rows: sections.map((s) => s.length) }));
