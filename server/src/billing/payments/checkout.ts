import { errors, GatewayError } from '@switchyard/core';
import type { Db } from '../../db/connect';
import { newId } from '../../repos/ids';
import { addCredit } from '../ledger/credits';
import type { PaymentProviders } from './payment-provider';

export interface PaymentView {
  id: string;
  provider: string;
  externalId: string;
  accountId: string;
  amount: number;
  status: 'pending' | 'paid' | 'failed';
  url?: string;
}

/** Starts a payment: a pending row, then the provider's checkout. */
export async function startCheckout(db: Db, providers: PaymentProviders, input: { provider: string; accountId: string; amount: number; returnUrl?: string }): Promise<PaymentView> {
  const provider = providers.get(input.provider);
  if (!provider) throw errors.invalidRequest(`No payment provider '${input.provider}' is registered.`, 'provider', 'unknown_payment_provider');
  const id = newId('pay');
  const { externalId, url } = await provider.createCheckout({ paymentId: id, accountId: input.accountId, amount: input.amount, returnUrl: input.returnUrl });
  await db('billing_payments').insert({ id, provider: provider.id, external_id: externalId, account_id: input.accountId, amount: input.amount, status: 'pending', created_at: Date.now() });
  return { id, provider: provider.id, externalId, accountId: input.accountId, amount: input.amount, status: 'pending', url };
}

/**
 * Handles a provider's webhook. A payment is credited once: the pending -> paid transition is a
 * guarded UPDATE, and the credit carries the payment's id as its unique external id.
 */
export async function handleWebhook(db: Db, providers: PaymentProviders, providerId: string, request: { headers: Record<string, string | string[] | undefined>; rawBody: Buffer }): Promise<{ handled: boolean }> {
  const provider = providers.get(providerId);
  if (!provider) throw errors.notFound(`No payment provider '${providerId}'.`);
  let event;
  try {
    event = await provider.parseWebhook(request);
  } catch {
    throw new GatewayError({ status: 401, type: 'authentication_error', code: 'invalid_signature', message: 'The webhook signature is not valid.', retryable: false });
  }
  if (!event) return { handled: false };
  const payment = await db('billing_payments').where({ provider: providerId, external_id: event.externalId }).first();
  if (!payment) throw errors.notFound('Unknown payment.');
  if (event.type === 'failed') {
    await db('billing_payments').where({ id: payment.id, status: 'pending' }).update({ status: 'failed', completed_at: Date.now() });
    return { handled: true };
  }
  await db('billing_payments').where({ id: payment.id }).whereIn('status', ['pending', 'failed']).update({ status: 'paid', completed_at: Date.now() });
  await addCredit(db, { accountId: payment.account_id, amount: Number(payment.amount), kind: 'topup', externalId: `payment:${payment.id}`, memo: `payment ${providerId}:${event.externalId}`, createdBy: `payment:${providerId}` });
  return { handled: true };
}
