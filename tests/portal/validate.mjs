// Checks a FHIR R4 resource in a file with the engine's own validator
// (validateResource of @medplum/core), the definitions loaded as the
// portal loads them (defs.mjs): a Bundle whole, then each of its entries
// on its own, so that an error names the record it is in.
//
//   node --experimental-websocket validate.mjs FILE
//
// Prints one line per error ("entry 3 (Patient/maria-lopez): Invalid date
// format at Patient.birthDate"), then "N errors in M resources". Exits 0
// when there is none, 1 when there are errors, 2 when FILE is not JSON.

import { readFileSync } from 'node:fs';
import { validateResource } from '@medplum/core';
import { loadDefinitions } from './defs.mjs';

/** The error issues of one resource (validateResource throws them). */
function errorsOf(resource) {
  try {
    const issues = validateResource(resource) ?? [];
    return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  } catch (err) {
    const issues = err?.outcome?.issue;
    if (Array.isArray(issues)) {
      return issues.filter((i) => i.severity !== 'warning' && i.severity !== 'information');
    }
    return [{ severity: 'error', details: { text: String(err?.message ?? err) } }];
  }
}

function say(where, issue) {
  const text = issue.details?.text ?? issue.diagnostics ?? 'invalid';
  const at = issue.expression?.join(', ');
  console.log(`${where}: ${text}${at ? ` at ${at}` : ''}`);
}

const file = process.argv[2];
if (!file) {
  console.log('usage: validate.mjs FILE');
  process.exit(2);
}
let resource;
try {
  resource = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.log(`${file}: not JSON: ${err.message}`);
  process.exit(2);
}
loadDefinitions();

let errors = 0;
let checked = 1;
for (const issue of errorsOf(resource)) {
  say(resource?.resourceType ?? 'resource', issue);
  errors++;
}
if (resource?.resourceType === 'Bundle') {
  (resource.entry ?? []).forEach((entry, i) => {
    const r = entry?.resource;
    if (!r) {
      return;
    }
    checked++;
    for (const issue of errorsOf(r)) {
      say(`entry ${i} (${r.resourceType}/${r.id ?? '?'})`, issue);
      errors++;
    }
  });
}
console.log(`${errors} error${errors === 1 ? '' : 's'} in ${checked} resource${checked === 1 ? '' : 's'}`);
process.exit(errors > 0 ? 1 : 0);
