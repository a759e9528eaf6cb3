import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTORS, detectorsFor, ibanValid, luhnValid } from './detectors';
import { Pseudonymizer } from './pseudonymizer';

const redact = (text: string, kinds = [...BUILTIN_DETECTORS]) => new Pseudonymizer(detectorsFor(kinds, [])).redact(text);

describe('detectors', () => {
  it('checks card numbers with Luhn and IBANs with mod 97', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(ibanValid('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(ibanValid('DE89 3704 0044 0532 0130 01')).toBe(false);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
  });

  it.each([
    ['Write to ada.lovelace+work@example.co.uk today', 'Write to [EMAIL_1] today'],
    ['Card: 4111 1111 1111 1111, exp 12/30', 'Card: [CARD_1], exp 12/30'],
    ['Card 4111-1111-1111-1112 fails Luhn', 'Card 4111-1111-1111-1112 fails Luhn'],
    ['IBAN DE89 3704 0044 0532 0130 00 please', 'IBAN [IBAN_1] please'],
    ['Server at 10.0.12.7.', 'Server at [IP_1].'],
    ['Version 1.2.3.4.5 is not an address', 'Version 1.2.3.4.5 is not an address'],
    ['SSN 123-45-6789', 'SSN [SSN_1]'],
    ['Call +1 (415) 555-0132 or 020 7946 0958', 'Call [PHONE_1] or [PHONE_2]'],
    ['Order 20240131 shipped on 2024-01-31, total 1234.56', 'Order 20240131 shipped on 2024-01-31, total 1234.56'],
    ['Due 31.01.2024 or 01-31-2024', 'Due 31.01.2024 or 01-31-2024'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('only runs the kinds asked for', () => {
    expect(redact('mail ada@example.com from 10.0.0.1', ['email'])).toBe('mail [EMAIL_1] from 10.0.0.1');
  });

  it('runs custom patterns first, with their own labels', () => {
    const p = new Pseudonymizer(detectorsFor(['email'], [{ label: 'EMPLOYEE', pattern: 'EMP-\\d{6}' }]));
    expect(p.redact('EMP-004211 is emp004211@example.com')).toBe('[EMPLOYEE_1] is [EMAIL_1]');
  });
});
