import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PaymentEvent, PaymentProvider } from './payment-provider';

/**
 * A payment provider for tests and demos: no money moves. Checkouts are remembered; a "payment"
 * is a webhook whose body is signed with HMAC-SHA256 over the raw bytes, as real providers do.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly id: string;
  readonly checkouts: Array<{ paymentId: string; externalId: string; accountId: string; amount: number }> = [];

  constructor(
    private readonly secret: string,
    id = 'test',
  ) {
    this.id = id;
  }

  async createCheckout(input: { paymentId: string; accountId: string; amount: number }) {
    const externalId = `tp_${randomBytes(8).toString('hex')}`;
    this.checkouts.push({ ...input, externalId });
    return { externalId, url: `https://payments.invalid/checkout/${externalId}` };
  }

  /** What the provider would POST to the webhook: body and signature header. */
  webhook(event: PaymentEvent): { body: string; headers: Record<string, string> } {
    const body = JSON.stringify(event);
    return { body, headers: { 'content-type': 'application/json', 'x-test-signature': this.sign(body) } };
  }

  async parseWebhook(input: { headers: Record<string, string | string[] | undefined>; rawBody: Buffer }): Promise<PaymentEvent | null> {
    const given = Buffer.from(String(input.headers['x-test-signature'] ?? ''), 'hex');
    const expected = Buffer.from(this.sign(input.rawBody), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('bad webhook signature');
    const event = JSON.parse(input.rawBody.toString('utf8')) as PaymentEvent;
    return event.type === 'paid' || event.type === 'failed' ? event : null;
  }

  private sign(body: string | Buffer): string {
    return createHmac('sha256', this.secret).update(body).digest('hex');
  }
}
