/**
 * The plug-in point for taking payments (Stripe, Paddle, an invoice system...). Switchyard asks
 * the provider for a checkout, sends the payer there, and credits the account when the provider's
 * webhook says the payment went through. Crediting is idempotent per payment, so a webhook
 * delivered twice credits once.
 */
export interface PaymentProvider {
  /** Lowercase id, used in the webhook URL: POST /api/public/payments/<id>/webhook. */
  readonly id: string;
  /** Starts a payment of `amount` micro-credits for `accountId`. */
  createCheckout(input: { paymentId: string; accountId: string; amount: number; returnUrl?: string }): Promise<{ externalId: string; url: string }>;
  /**
   * Verifies a webhook call (signature over the raw body) and says what happened. Throws when the
   * call is not authentic; returns null for events that do not concern payments.
   */
  parseWebhook(input: { headers: Record<string, string | string[] | undefined>; rawBody: Buffer }): Promise<PaymentEvent | null>;
}

export type PaymentEvent = { type: 'paid'; externalId: string } | { type: 'failed'; externalId: string };

export class PaymentProviders {
  private readonly providers = new Map<string, PaymentProvider>();

  register(provider: PaymentProvider): void {
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(provider.id)) throw new Error(`invalid payment provider id '${provider.id}'`);
    this.providers.set(provider.id, provider);
  }

  get(id: string): PaymentProvider | undefined {
    return this.providers.get(id);
  }

  list(): string[] {
    return [...this.providers.keys()];
  }
}
