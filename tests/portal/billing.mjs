// Portal rules for billing (portal-api.md §4, "Billing"): payments that
// never charge twice, payment plans and their rules, and paperless.
//
// - POST Invoice/<id>/$pay: card or HSA card, idempotency key required,
//   test cards that decline; the balance due drops.
// - POST Account/<id>/$payment-plan: a monthly amount within the rules
//   (at least $25 a month, at most 12 months).
// - PUT Account: only urn:chartty:paperless may change (If-Match).

import { randomUUID } from 'node:crypto';
import { checkOperation, checkRead, checkWrite } from './access.mjs';
import { badRequest, fail, notFound } from './util.mjs';
import { EXT, extOf, parametersOf, partOf, withoutExt } from './visits.mjs';

export const PAPERLESS = 'urn:chartty:paperless';
export const PAYMENT_PLAN = 'urn:chartty:payment-plan';
export const PLAN_MIN_MONTHLY = 25;
export const PLAN_MAX_MONTHS = 12;
const money = (value) => ({ value, currency: 'USD' });
const dollars = (v) => `$${v.toFixed(2)}`;

/* ------------------------------------------------------------------ */
/* Payments (POST Invoice/<id>/$pay)                                    */
/* ------------------------------------------------------------------ */

/** Test cards: every other number that passes the Luhn check is approved. */
export const TEST_CARDS = {
  '4000000000000002': 'Your card was declined. Please use another card or call your bank.',
  '4000000000009995': 'Your card has insufficient funds.',
  '4000000000000069': 'Your card has expired.',
};

export function luhn(number) {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      d -= d > 9 ? 9 : 0;
    }
    sum += d;
  }
  return number.length >= 12 && sum % 10 === 0;
}

const cents = (v) => Math.round(v * 100);

/**
 * Charges a card (or HSA card) for an invoice. The idempotency key is
 * required; a key seen before answers the first payment (200) and never
 * charges again. The card number is never stored: only its last four.
 */
async function pay(ctx, repo, id, params, now) {
  const inv = repo.peek('Invoice', id);
  if (!inv) {
    notFound('That bill was not found.');
  }
  checkRead(ctx, inv, repo);
  const key = partOf(params, 'idempotency-key')?.valueString;
  if (typeof key !== 'string' || key.length < 8 || key.length > 200) {
    badRequest('A payment needs an idempotency-key (8 to 200 characters), so that it can never be charged twice.');
  }
  const first = repo.peekAll('PaymentNotice').find((p) => (p.identifier ?? []).some((i) => i.system === EXT.idempotencyKey && i.value === key));
  if (first) {
    checkRead(ctx, first, repo);
    return { status: 200, body: first };
  }
  const method = partOf(params, 'method')?.valueCode ?? partOf(params, 'method')?.valueString;
  if (!['card', 'hsa'].includes(method)) {
    badRequest('The payment method must be card or hsa.');
  }
  const amount = partOf(params, 'amount')?.valueMoney;
  const due = extOf(inv, EXT.balanceDue)?.valueMoney?.value ?? 0;
  if (!(typeof amount?.value === 'number' && cents(amount.value) > 0) || (amount.currency && amount.currency !== 'USD')) {
    badRequest('The amount must be more than $0.00 (USD).');
  }
  if (cents(amount.value) > cents(due)) {
    badRequest(`The amount is more than what is due ($${due.toFixed(2)}).`);
  }
  const number = String(partOf(params, 'card-number')?.valueString ?? '').replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number) || !luhn(number)) {
    badRequest('That card number is not valid. Please check it.');
  }
  const m = /^(\d{2})\/(\d{2}|\d{4})$/.exec(String(partOf(params, 'card-expiry')?.valueString ?? ''));
  const month = m ? Number(m[1]) : 0;
  const year = m ? Number(m[2].length === 2 ? `20${m[2]}` : m[2]) : 0;
  if (!m || month < 1 || month > 12) {
    badRequest('The expiry date must be MM/YY.');
  }
  if (year * 12 + month < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1) {
    badRequest('The card has expired.');
  }
  if (!/^\d{3,4}$/.test(String(partOf(params, 'card-cvc')?.valueString ?? ''))) {
    badRequest('The security code (CVC) is the 3 or 4 digits on the card.');
  }
  if (TEST_CARDS[number]) {
    fail(402, 'business-rule', TEST_CARDS[number]);
  }
  const left = (cents(due) - cents(amount.value)) / 100;
  return repo.atomically(async () => {
    const notice = await repo.createResource({
      resourceType: 'PaymentNotice', status: 'active', created: now.toISOString(),
      identifier: [{ system: EXT.idempotencyKey, value: key }, { system: 'urn:chartty:receipt', value: `R-${randomUUID().slice(0, 8).toUpperCase()}` }],
      request: { reference: `Invoice/${id}` }, payment: { display: method === 'hsa' ? 'HSA card' : 'Card' },
      recipient: inv.issuer ?? { reference: 'Organization/org-main-street' }, amount: money(amount.value), paymentDate: now.toISOString().slice(0, 10),
      extension: [{ url: EXT.cardLast4, valueString: number.slice(-4) }],
    });
    await repo.updateResource({
      ...inv, status: left === 0 ? 'balanced' : inv.status,
      extension: [...withoutExt(inv, new Set([EXT.balanceDue])), { url: EXT.balanceDue, valueMoney: money(left) }],
    });
    return { status: 201, body: notice };
  });
}


/* ------------------------------------------------------------------ */
/* Payment plans (POST Account/<id>/$payment-plan)                      */
/* ------------------------------------------------------------------ */

/** What is still owed on the account: the balance due of its invoices. */
export function accountBalance(repo, accountId) {
  const ref = `Account/${accountId}`;
  const owed = repo.peekAll('Invoice')
    .filter((i) => i.account?.reference === ref && i.status !== 'cancelled')
    .reduce((sum, i) => sum + cents(extOf(i, EXT.balanceDue)?.valueMoney?.value ?? 0), 0);
  return owed / 100;
}

/** The plan extension: monthly amount, months left, next due date. */
export function planExtension(monthly, months, nextDue) {
  return {
    url: PAYMENT_PLAN,
    extension: [
      { url: 'monthly-amount', valueMoney: money(monthly) },
      { url: 'months-left', valueInteger: months },
      { url: 'next-due', valueDate: nextDue },
    ],
  };
}

async function paymentPlan(ctx, repo, id, params, now) {
  const acct = repo.peek('Account', id);
  if (!acct) {
    notFound('That account was not found.');
  }
  checkRead(ctx, acct, repo);
  checkWrite(ctx, 'PUT', acct, repo);
  const monthly = partOf(params, 'monthly-amount')?.valueMoney?.value;
  if (typeof monthly !== 'number' || !(cents(monthly) > 0)) {
    badRequest('Give the monthly amount in dollars, more than $0.00.');
  }
  const owed = accountBalance(repo, id);
  if (owed <= 0) {
    badRequest('Nothing is owed on this account, so no plan is needed.');
  }
  const least = Math.max(PLAN_MIN_MONTHLY, Math.ceil(cents(owed) / PLAN_MAX_MONTHS) / 100);
  if (cents(monthly) > cents(owed)) {
    badRequest(`That is more than the ${dollars(owed)} owed: pay the balance instead.`);
  }
  if (cents(monthly) < cents(least)) {
    badRequest(owed <= PLAN_MIN_MONTHLY
      ? `For ${dollars(owed)} owed, a plan is not offered: please pay the balance.`
      : `A plan is at least ${dollars(PLAN_MIN_MONTHLY)} a month and at most ${PLAN_MAX_MONTHS} months: for ${dollars(owed)} owed, pay at least ${dollars(least)} a month.`);
  }
  const months = Math.ceil(cents(owed) / cents(monthly));
  const next = new Date(now.getTime() + 30 * 86400000).toISOString().slice(0, 10);
  return repo.atomically(() => repo.updateResource({
    ...acct, extension: [...withoutExt(acct, new Set([PAYMENT_PLAN])), planExtension(monthly, months, next)],
  }));
}

/* ------------------------------------------------------------------ */
/* Paperless (PUT Account)                                              */
/* ------------------------------------------------------------------ */

function withoutPaperless(acct) {
  const { meta: _m, text: _t, ...rest } = acct;
  return JSON.stringify({ ...rest, extension: withoutExt(acct, new Set([PAPERLESS])) });
}

/** The one change a patient makes to an account: paperless on or off. */
function checkAccountUpdate(ctx, repo, before, after) {
  if (withoutPaperless(before) !== withoutPaperless(after)) {
    badRequest('Only paperless billing can be changed here; for anything else, call the billing office.');
  }
  if (typeof extOf(after, PAPERLESS)?.valueBoolean !== 'boolean') {
    badRequest(`Paperless billing is the extension ${PAPERLESS} (valueBoolean).`);
  }
}

export const BILLING_UPDATE_RULES = {
  Account: { check: checkAccountUpdate },
};

/** Registers $pay and $payment-plan with the FHIR service. */
export function registerBillingOperations(fhir) {
  const repo = fhir.repo;
  fhir.addOperation('POST', /^Invoice\/([^/]+)\/\$pay$/, async (ctx, r, m) => {
    checkOperation(ctx, '$pay', `Invoice/${m[1]}`);
    const answer = await pay(ctx, repo, m[1], parametersOf(r.body), new Date());
    if (answer.status === 201) {
      fhir.audit.change(ctx, 'create', answer.body); // the payment (not the balance it lowered)
    }
    return answer;
  });
  fhir.addOperation('POST', /^Account\/([^/]+)\/\$payment-plan$/, async (ctx, r, m) => {
    checkOperation(ctx, '$payment-plan', `Account/${m[1]}`);
    const before = repo.peek('Account', m[1]);
    const acct = await paymentPlan(ctx, repo, m[1], parametersOf(r.body), new Date());
    fhir.audit.change(ctx, 'update', acct, before);
    return { status: 200, body: acct, headers: fhir.resourceHeaders(acct) };
  });
}
