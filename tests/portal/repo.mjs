// PortalRepository: @medplum/fhir-router's MemoryRepository plus what the
// portal needs from it: indexed search, fast seeding, a write journal for
// all-or-nothing transactions, and snapshot/restore for /_test/reset.
//
// MemoryRepository tests every resource of a type against every filter and
// evaluates FHIRPath inside its sort comparator; with one patient holding
// 20,000 Observations a search took ~22 s. Here a search first narrows the
// candidates with exact indexes (patient compartment references, code,
// category, identifier, _id), then lets @medplum/core's matchesSearchRequest
// check the remaining filters on the few candidates left, and sorts on keys
// computed once per stored version. Semantics follow MemoryRepository's.

import {
  allOk, badRequest, created, deepClone, evalFhirPath, matchesSearchRequest, multipleMatches, OperationOutcomeError, Operator,
  splitSearchOnComma, toPeriod,
} from '@medplum/core';
import { getExtraEntries, MemoryRepository } from '@medplum/fhir-router';
import { searchParam } from './defs.mjs';

/** Reference parameters indexed exactly (values of the form Type/id). */
export const COMPARTMENT_PARAMS = ['patient', 'subject', 'beneficiary'];
/** Token parameters indexed exactly. */
const TOKEN_PARAMS = ['code', 'category', 'identifier'];

/* ------------------------------------------------------------------ */
/* Fast evaluation of simple search expressions                         */
/* ------------------------------------------------------------------ */

const PART_RE = /^\(?([A-Za-z]+)((?:\.[A-Za-z]+)+)(?:\.where\(resolve\(\) is ([A-Za-z]+)\))?\)?$/;
const compiled = new Map(); // expression -> function | null

/**
 * Compiles expressions made of plain paths ("Observation.code",
 * "Task.for.where(resolve() is Patient)", unions of those) into a JS
 * function returning the same raw values evalFhirPath() would. Anything
 * else returns null and callers fall back to evalFhirPath().
 */
function compile(expr) {
  if (compiled.has(expr)) {
    return compiled.get(expr);
  }
  const parts = [];
  for (const p of expr.split(' | ')) {
    const m = PART_RE.exec(p.trim());
    if (!m) {
      compiled.set(expr, null);
      return null;
    }
    parts.push({ type: m[1], path: m[2].slice(1).split('.'), resolveIs: m[3] });
  }
  const fn = (resource) => {
    const out = [];
    for (const part of parts) {
      if (part.type !== resource.resourceType) {
        continue;
      }
      let values = [resource];
      for (const seg of part.path) {
        const next = [];
        for (const v of values) {
          pushValues(next, childOf(v, seg));
        }
        values = next;
      }
      if (part.resolveIs) {
        values = values.filter((v) => typeof v?.reference === 'string' && v.reference.startsWith(part.resolveIs + '/'));
      }
      out.push(...values);
    }
    return out;
  };
  compiled.set(expr, fn);
  return fn;
}

/** Property `seg` of `obj`, following FHIR choice types (effective -> effectiveDateTime). */
function childOf(obj, seg) {
  if (obj === null || typeof obj !== 'object') {
    return undefined;
  }
  if (obj[seg] !== undefined) {
    return obj[seg];
  }
  for (const key of Object.keys(obj)) {
    if (key.length > seg.length && key.startsWith(seg) && key[seg.length] >= 'A' && key[seg.length] <= 'Z') {
      return obj[key];
    }
  }
  return undefined;
}

function pushValues(out, v) {
  if (v === undefined || v === null) {
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) {
      if (x !== undefined && x !== null) {
        out.push(x);
      }
    }
  } else {
    out.push(v);
  }
}

/** Raw values of search parameter `code` for `resource` ([] if the type lacks it). */
export function paramValues(resource, code) {
  const param = searchParam(resource.resourceType, code);
  if (!param?.expression) {
    return [];
  }
  const fn = compile(param.expression);
  return fn ? fn(resource) : evalFhirPath(param.expression, resource);
}

/** Reference strings ("Patient/x") of a reference parameter. */
export function referenceValues(resource, code) {
  const out = [];
  for (const v of paramValues(resource, code)) {
    if (typeof v === 'string') {
      out.push(v);
    } else if (typeof v?.reference === 'string') {
      out.push(v.reference);
    }
  }
  return out;
}

/** Tokens {system, value} of a token parameter, as @medplum/core builds them. */
function tokenValues(resource, code) {
  const out = [];
  const add = (system, value) => {
    if (system || value) {
      out.push({ system, value });
    }
  };
  const coding = (c) => {
    if (c.display) {
      add(undefined, c.display);
    }
    add(c.system, c.code);
  };
  for (const v of paramValues(resource, code)) {
    if (typeof v !== 'object') {
      add(undefined, String(v));
    } else if (Array.isArray(v.coding) || ('text' in v && !('code' in v) && !('value' in v))) {
      if (v.text) {
        add(undefined, v.text);
      }
      (v.coding ?? []).forEach(coding);
    } else if ('code' in v || 'system' in v && !('value' in v)) {
      coding(v);
    } else {
      if (v.type?.text) {
        add(undefined, v.type.text);
      }
      add(v.system, v.value);
    }
  }
  return out;
}

/** Date comparisons of @medplum/core's matchesDateValue: (resource start, end, filter start, end). */
const DATE_TESTS = {
  [Operator.EQUALS]: (rs, re, fs, fe) => rs < fe && re > fs,
  [Operator.APPROXIMATELY]: (rs, re, fs, fe) => rs < fe && re > fs,
  [Operator.LESS_THAN]: (rs, re, fs) => rs < fs,
  [Operator.GREATER_THAN]: (rs, re, fs, fe) => re > fe,
  [Operator.LESS_THAN_OR_EQUALS]: (rs, re, fs, fe) => rs <= fe,
  [Operator.GREATER_THAN_OR_EQUALS]: (rs, re, fs) => re >= fs,
  [Operator.STARTS_AFTER]: (rs, re, fs, fe) => rs > fe,
  [Operator.ENDS_BEFORE]: (rs, re, fs) => re < fs,
};

/* ------------------------------------------------------------------ */
/* The repository                                                       */
/* ------------------------------------------------------------------ */

export class PortalRepository extends MemoryRepository {
  constructor() {
    super();
    this.index = new Map(); // resourceType -> Map<key, Set<id>>
    this.keysOf = new Map(); // "Type/id" -> keys it is indexed under
    this.derived = new WeakMap(); // stored resource -> Map<'sort:'|'date:' + param, value>
    this.journal = null; // array while a transaction runs
  }

  /* ---- index maintenance ---- */

  static indexKeys(resource) {
    const keys = [];
    const type = resource.resourceType;
    for (const code of COMPARTMENT_PARAMS) {
      if (searchParam(type, code)) {
        for (const ref of referenceValues(resource, code)) {
          keys.push(`${code}=${ref}`);
        }
      }
    }
    for (const code of TOKEN_PARAMS) {
      if (searchParam(type, code)?.type !== 'token') {
        continue;
      }
      for (const { system, value } of tokenValues(resource, code)) {
        const s = system?.toLowerCase();
        const v = value?.toLowerCase();
        if (v) {
          keys.push(`${code}=v:${v}`);
          keys.push(s ? `${code}=s:${s}|${v}` : `${code}=n:${v}`);
        }
        if (s) {
          keys.push(`${code}=s:${s}|`);
        }
      }
    }
    return keys;
  }

  reindex(type, id) {
    const ref = `${type}/${id}`;
    let typeIndex = this.index.get(type);
    if (!typeIndex) {
      typeIndex = new Map();
      this.index.set(type, typeIndex);
    }
    const stored = this.resources.get(type)?.get(id);
    const keys = stored ? PortalRepository.indexKeys(stored) : [];
    // Keys that stay are left alone, so an update keeps the record's place
    // in unsorted results (as MemoryRepository's Map does).
    const old = this.keysOf.get(ref);
    if (old) {
      const kept = new Set(keys);
      for (const key of old) {
        if (!kept.has(key)) {
          typeIndex.get(key)?.delete(id);
        }
      }
    }
    if (!stored) {
      this.keysOf.delete(ref);
      return;
    }
    for (const key of keys) {
      let set = typeIndex.get(key);
      if (!set) {
        set = new Set();
        typeIndex.set(key, set);
      }
      set.add(id);
    }
    this.keysOf.set(ref, keys);
  }

  /** Records the state of Type/id before a write, when a transaction is open. */
  remember(type, id) {
    if (this.journal) {
      this.journal.push({
        type,
        id,
        prev: this.resources.get(type)?.get(id),
        histLen: this.history.get(type)?.get(id)?.length ?? 0,
      });
    }
  }

  /* ---- writes: every path into the maps goes through these ---- */

  async createResource(resource, options, update = false) {
    const id = resource.id;
    if (id) {
      this.remember(resource.resourceType, id);
    }
    const result = await super.createResource(resource, options, update);
    if (!id) {
      // The id was generated: the resource did not exist before.
      this.journal?.push({ type: result.resourceType, id: result.id, prev: undefined, histLen: 0 });
    }
    this.reindex(result.resourceType, result.id);
    return result;
  }

  async deleteResource(resourceType, id, options) {
    this.remember(resourceType, id);
    await super.deleteResource(resourceType, id, options);
    this.reindex(resourceType, id);
  }

  async expungeResources(resourceType, ids) {
    ids.forEach((id) => this.remember(resourceType, id));
    await super.expungeResources(resourceType, ids);
    ids.forEach((id) => this.reindex(resourceType, id));
  }

  // MemoryRepository's conditionalCreate writes through a private method that
  // bypasses createResource (and so the index): use the generic algorithm.
  async conditionalCreate(resource, search, options) {
    if (search.resourceType !== resource.resourceType) {
      throw new OperationOutcomeError(badRequest('Search type must match resource type for conditional create'));
    }
    const matches = await this.searchResources({ ...search, count: 2, offset: 0, sortRules: undefined });
    if (matches.length > 1) {
      throw new OperationOutcomeError(multipleMatches);
    }
    if (matches.length === 1) {
      return { resource: matches[0], outcome: allOk };
    }
    return { resource: await this.createResource(resource, options), outcome: created };
  }

  // MemoryRepository.readHistory() reverses the stored version list in place
  // on every call; build the answer from a copy (newest first).
  async readHistory(resourceType, id) {
    await this.readResource(resourceType, id);
    const versions = (this.history.get(resourceType)?.get(id) ?? []).slice().reverse();
    return {
      resourceType: 'Bundle', type: 'history',
      ...(versions.length ? { entry: versions.map((v) => ({ resource: deepClone(v) })) } : {}),
    };
  }

  /** Stores a seed resource as version "1" without the JSON round trip. */
  seedPut(resource) {
    const type = resource.resourceType;
    resource.id ??= this.generateId();
    resource.meta = { ...resource.meta, versionId: '1', lastUpdated: resource.meta?.lastUpdated ?? new Date().toISOString() };
    if (!this.resources.has(type)) {
      this.resources.set(type, new Map());
      this.history.set(type, new Map());
    }
    if (this.resources.get(type).has(resource.id)) {
      throw new Error(`Duplicate seed id ${type}/${resource.id}`);
    }
    this.resources.get(type).set(resource.id, resource);
    this.history.get(type).set(resource.id, [resource]);
    this.reindex(type, resource.id);
  }

  /**
   * Stores a new resource the portal writes about itself (an AuditEvent):
   * version 1 at `recorded` (else now), indexed, outside any write journal
   * (an audit record outlives the undo of a failed transaction; none is
   * written for one), and without the JSON round trip of createResource.
   */
  putDirect(resource) {
    const type = resource.resourceType;
    const stored = {
      ...resource,
      meta: { versionId: this.generateId(), lastUpdated: resource.recorded ?? new Date().toISOString() },
    };
    if (!this.resources.has(type)) {
      this.resources.set(type, new Map());
      this.history.set(type, new Map());
    }
    this.resources.get(type).set(stored.id, stored);
    this.history.get(type).set(stored.id, [stored]);
    this.reindex(type, stored.id);
    return stored;
  }

  /* ---- transactions ---- */

  /** Runs fn with a write journal; undoes every write if it throws. */
  async atomically(fn) {
    if (this.journal) {
      return fn();
    }
    this.journal = [];
    try {
      const result = await fn();
      this.journal = null;
      return result;
    } catch (err) {
      this.rollback();
      throw err;
    }
  }

  rollback() {
    const journal = this.journal ?? [];
    this.journal = null;
    for (const { type, id, prev, histLen } of journal.reverse()) {
      const map = this.resources.get(type);
      if (prev) {
        map.set(id, prev);
      } else {
        map?.delete(id);
      }
      const hist = this.history.get(type);
      if (hist?.has(id)) {
        if (histLen === 0) {
          hist.delete(id);
        } else {
          hist.get(id).length = histLen;
        }
      }
      this.reindex(type, id);
    }
  }

  /* ---- snapshot / restore (for /_test/reset) ---- */

  // Stored resources are never mutated in place (MemoryRepository stores a
  // new object per version and hands out clones), so copying the maps is a
  // complete snapshot.
  snapshot() {
    return copyState(this);
  }

  restore(snap) {
    const copy = copyState(snap);
    this.resources.clear();
    this.history.clear();
    copy.resources.forEach((v, k) => this.resources.set(k, v));
    copy.history.forEach((v, k) => this.history.set(k, v));
    this.index = copy.index;
    this.keysOf = copy.keysOf;
    this.journal = null;
  }

  /* ---- search ---- */

  /** Ids matching one filter via the index, or undefined when not indexable. */
  lookup(type, filter) {
    if (filter.operator !== Operator.EQUALS) {
      return undefined;
    }
    const code = filter.code;
    const values = splitSearchOnComma(filter.value);
    const typeIndex = this.index.get(type) ?? new Map();
    const keys = [];
    if (code === '_id') {
      return new Set(values);
    } else if (COMPARTMENT_PARAMS.includes(code) && searchParam(type, code)?.type === 'reference') {
      if (!values.every((v) => v.includes('/'))) {
        return undefined;
      }
      values.forEach((v) => keys.push(`${code}=${v}`));
    } else if (TOKEN_PARAMS.includes(code) && searchParam(type, code)?.type === 'token') {
      for (const raw of values) {
        const v = raw.toLowerCase();
        const bar = v.indexOf('|');
        if (bar < 0) {
          keys.push(`${code}=v:${v}`);
        } else {
          const [system, value] = [v.slice(0, bar), v.slice(bar + 1)];
          if (!system && value) {
            keys.push(`${code}=n:${value}`);
          } else if (system) {
            keys.push(`${code}=s:${system}|${value}`);
          }
        }
      }
    } else {
      return undefined;
    }
    const ids = new Set();
    for (const key of keys) {
      typeIndex.get(key)?.forEach((id) => ids.add(id));
    }
    return ids;
  }

  /** A value derived from a stored resource, computed once per version. */
  derive(resource, key, compute) {
    let cache = this.derived.get(resource);
    if (!cache) {
      cache = new Map();
      this.derived.set(resource, cache);
    }
    let value = cache.get(key);
    if (value === undefined) {
      value = compute();
      cache.set(key, value);
    }
    return value;
  }

  /** Sort key as MemoryRepository computes it (JSON of the parameter's values). */
  sortKey(resource, code) {
    return this.derive(resource, `sort:${code}`, () =>
      searchParam(resource.resourceType, code)?.expression ? JSON.stringify(paramValues(resource, code)) : '');
  }

  /**
   * A matcher for a date filter on a plain-path parameter, equivalent to
   * @medplum/core's matchesDateFilter but on periods cached per version;
   * undefined when the filter is not of that kind.
   */
  dateMatcher(type, filter) {
    const param = searchParam(type, filter.code);
    if (param?.type !== 'date' || !param.expression || !compile(param.expression)) {
      return undefined;
    }
    const op = filter.operator;
    const negated = op === Operator.NOT_EQUALS;
    const filters = splitSearchOnComma(filter.value).map(toPeriod).filter(Boolean);
    const test = DATE_TESTS[negated ? Operator.EQUALS : op];
    if (!test) {
      return undefined;
    }
    return (resource) => {
      const periods = this.derive(resource, `date:${filter.code}`, () => paramValues(resource, filter.code).map(toPeriod).filter(Boolean));
      const hit = periods.some((p) => filters.some((f) => test(p.start ?? '0000', p.end ?? '9999', f.start, f.end)));
      return negated ? !hit : hit;
    };
  }

  async search(searchRequest, options) {
    const type = searchRequest.resourceType;
    const filters = searchRequest.filters ?? [];
    if (!type || searchRequest.types || filters.some((f) => f.code.includes('.'))) {
      return super.search(searchRequest, options); // chained or multi-type: the library's way
    }
    const all = this.resources.get(type) ?? new Map();

    let ids;
    const rest = [];
    for (const f of filters) {
      const found = this.lookup(type, f);
      if (found === undefined) {
        rest.push(f);
      } else {
        ids = ids ? new Set([...found].filter((id) => ids.has(id))) : found;
      }
    }
    let matches = ids ? [...ids].map((id) => all.get(id)).filter(Boolean) : [...all.values()];
    const tests = [];
    const slow = [];
    for (const f of rest) {
      const fast = this.dateMatcher(type, f);
      fast ? tests.push(fast) : slow.push(f);
    }
    if (slow.length > 0) {
      const sub = { resourceType: type, filters: slow };
      tests.push((r) => matchesSearchRequest(r, sub));
    }
    if (tests.length > 0) {
      matches = matches.filter((r) => tests.every((t) => t(r)));
    }
    for (const rule of [...(searchRequest.sortRules ?? [])].reverse()) {
      // Stable sorts applied last-rule-first give a multi-key sort.
      const dir = rule.descending ? -1 : 1;
      const keyed = matches.map((r) => [this.sortKey(r, rule.code), r]);
      keyed.sort((a, b) => (a[0] < b[0] ? -dir : a[0] > b[0] ? dir : 0));
      matches = keyed.map((x) => x[1]);
    }

    const total = matches.length;
    const offset = searchRequest.offset ?? 0;
    const page = searchRequest.count === undefined ? matches.slice(offset) : matches.slice(offset, offset + searchRequest.count);
    const entries = page.map((r) => ({ search: { mode: 'match' }, resource: deepClone(r) }));
    if ((searchRequest.include || searchRequest.revInclude) && entries.length > 0) {
      await getExtraEntries(this, searchRequest, entries.map((e) => e.resource), entries);
    }
    return { resourceType: 'Bundle', type: 'searchset', entry: entries.length ? entries : undefined, total };
  }

  /** The stored (not cloned) resource, or undefined. Callers must not mutate it. */
  peek(type, id) {
    return this.resources.get(type)?.get(id);
  }

  /** All stored resources of a type (not cloned). */
  peekAll(type) {
    return [...(this.resources.get(type)?.values() ?? [])];
  }
}

/** A copy of the maps of a repository (or of a snapshot), sharing the resources. */
function copyState(src) {
  const copyMaps = (m, f) => new Map([...m].map(([k, v]) => [k, f(v)]));
  return {
    resources: copyMaps(src.resources, (m) => new Map(m)),
    history: copyMaps(src.history, (m) => copyMaps(m, (a) => a.slice())),
    index: copyMaps(src.index, (m) => copyMaps(m, (s) => new Set(s))),
    keysOf: new Map(src.keysOf),
  };
}
