import { describe, expect, it } from 'vitest'
import { apiKeyDetector, entropyBits } from './api-key-detector.js'
import { cardDetector } from './card-detector.js'
import { customDetector } from './custom-detector.js'
import type { Detector } from './detector.js'
import { emailDetector } from './email-detector.js'
import { ibanValid } from './iban-checksum.js'
import { ibanDetector } from './iban-detector.js'
import { luhnValid } from './luhn.js'
import { phoneDetector } from './phone-detector.js'

const found = (detector: Detector, text: string) => detector.find(text).map((m) => text.slice(m.start, m.end))

describe('email detector', () => {
  it('finds addresses, subaddresses and subdomains', () => {
    expect(found(emailDetector, 'Write jane.doe+news@mail.example.co.uk or bob@example.com.')).toEqual([
      'jane.doe+news@mail.example.co.uk',
      'bob@example.com',
    ])
  })
  it('leaves what is not an address', () => {
    expect(found(emailDetector, 'user@localhost, @handle, a@b.c, name at example dot com')).toEqual([])
  })
})

describe('card detector', () => {
  it('finds Luhn-valid numbers, grouped or not', () => {
    expect(
      found(cardDetector, 'Visa 4111 1111 1111 1111, Amex 378282246310005, MC 5555-5555-5555-4444.'),
    ).toEqual(['4111 1111 1111 1111', '378282246310005', '5555-5555-5555-4444'])
  })
  it('leaves numbers that fail the Luhn check', () => {
    expect(found(cardDetector, 'Order 4111 1111 1111 1112 and 1234567890123')).toEqual([])
  })
  it('checks the Luhn sum', () => {
    expect(luhnValid('79927398713')).toBe(true)
    expect(luhnValid('79927398710')).toBe(false)
    expect(luhnValid('')).toBe(false)
  })
})

describe('IBAN detector', () => {
  it('finds IBANs that pass mod 97, compact or grouped, and stops at the next word', () => {
    expect(
      found(ibanDetector, 'Pay DE89 3704 0044 0532 0130 00 IS DONE, or GB82WEST12345698765432.'),
    ).toEqual(['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432'])
  })
  it('leaves IBAN-shaped strings whose checksum is wrong', () => {
    expect(found(ibanDetector, 'DE88 3704 0044 0532 0130 00 and GB82WEST12345698765433')).toEqual([])
    expect(ibanValid('DE89370400440532013000')).toBe(true)
    expect(ibanValid('DE89370400440532013001')).toBe(false)
  })
})

describe('phone detector', () => {
  it('finds international, North American and national numbers', () => {
    expect(
      found(
        phoneDetector,
        'Call +44 20 7946 0958, +14155552671, 0049 30 1234567, (415) 555-2671, 415-555-2671, 07700 900123 or 06 12 34 56 78.',
      ),
    ).toEqual([
      '+44 20 7946 0958',
      '+14155552671',
      '0049 30 1234567',
      '(415) 555-2671',
      '415-555-2671',
      '07700 900123',
      '06 12 34 56 78',
    ])
  })
  it('leaves dates, versions, amounts and bare numbers', () => {
    expect(found(phoneDetector, 'On 2024-01-15, v1.2.3, 1,234,567.89 EUR, id 4155552671, +12 3')).toEqual([])
  })
})

describe('API key detector', () => {
  it('finds keys of known shapes', () => {
    const keys = [
      'sk-proj-abcDEF1234567890abcdEF12',
      'AKIAIOSFODNN7EXAMPLE',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'xoxb-1234567890-abcdefghij',
      'AIzaSyA1234567890abcdefghijklmnopqrstuv',
      'sk_live_abcdefghijklmnop1234',
    ]
    expect(found(apiKeyDetector, `keys: ${keys.join(' and ')}.`)).toEqual(keys)
  })
  it('finds long high-entropy tokens, not hex digests, UUIDs or long words', () => {
    const token = 'q8Zr2LmX0vB7nT4kW9pF1sH6dJ3yC5gA'
    expect(entropyBits(token)).toBeGreaterThan(4.1)
    expect(
      found(
        apiKeyDetector,
        `token ${token} commit 3f786850e387550fdab836ed7e6dc881de23001b uuid 123e4567-e89b-12d3-a456-426614174000 ${'a'.repeat(40)} internationalization_and_localization`,
      ),
    ).toEqual([token])
  })
})

describe('custom detector', () => {
  it('finds every match of a pattern given as a RegExp or a string', () => {
    expect(found(customDetector('employee', /EMP-\d{4}/), 'EMP-1234 and EMP-5678')).toEqual([
      'EMP-1234',
      'EMP-5678',
    ])
    expect(found(customDetector('employee', 'EMP-\\d{4}'), 'x EMP-0001')).toEqual(['EMP-0001'])
  })
})
