import fc from 'fast-check'
import { toDriftAttributes } from '../flatten'
import {
  DEFAULT_BLOCKED_ATTRIBUTES,
  blockedAttributesRule,
  canonicalAttributeName,
  compileBlockedAttributes,
  dropBlockedAttributes
} from '../privacy/blocked-attributes'
import { checkSettings } from '../settings-rules'

const ENTRY = 'must be a string, not blank and without spaces around it, at most 200 characters and not only *'

const blockedNames = (names: string[], patterns?: readonly string[], separator?: string) => {
  const blocklist = compileBlockedAttributes(patterns, separator)
  return names.filter((name) => blocklist.blockedBy(name) !== undefined)
}

describe('Drift.blockedAttributes', () => {
  it('should list the default secrets', () => {
    expect(DEFAULT_BLOCKED_ATTRIBUTES).toEqual([
      'password',
      '*_password',
      'passwd',
      'secret',
      '*_secret',
      'token',
      '*_token',
      'api_key',
      'ssn',
      'credit_card',
      'card_number',
      'cvv'
    ])
  })

  it('should block the default secrets in any case, as keys, as last keys of a path and in camelCase', () => {
    const secrets = [
      'password',
      'Password',
      'PASSWORD',
      'user_password',
      'userPassword',
      'passwd',
      'secret',
      'client_secret',
      'clientSecret',
      'token',
      'access_token',
      'accessToken',
      'api_key',
      'apiKey',
      'APIKey',
      'API_KEY',
      'ssn',
      'SSN',
      'user_ssn',
      'credit_card',
      'creditCard',
      'card_number',
      'billing_card_number',
      'billingCardNumber',
      'payment_card_cvv'
    ]
    expect(blockedNames(secrets)).toEqual(secrets)
  })

  it('should leave ordinary attributes alone, including names that merely contain a blocked word', () => {
    const ordinary = [
      'email',
      'name',
      'plan',
      'address_city',
      'company_id',
      'tokens',
      'token_count',
      'passwordless',
      'secretary',
      'ssn_last_updated',
      'card_numbers',
      'last_seen',
      'createdAt'
    ]
    expect(blockedNames(ordinary)).toEqual([])
  })

  it('should take path boundaries from the flattening separator', () => {
    const names = ['billing.card_number', 'billing.cardNumber', 'billing.password', 'billing_card_number', 'a.b']
    // With ".", `billing_card_number` is one key that is not `card_number` (and matches no `*_` pattern).
    expect(blockedNames(names, DEFAULT_BLOCKED_ATTRIBUTES, '.')).toEqual([
      'billing.card_number',
      'billing.cardNumber',
      'billing.password'
    ])
    expect(blockedNames(['billing__card_number', 'billing_card_number'], ['card_number'], '__')).toEqual([
      'billing__card_number'
    ])
    expect(blockedNames(['billing_card_number'], ['card_number'], '_')).toEqual(['billing_card_number'])
    // No separator: keys are joined as they are, so any position may be a boundary.
    expect(blockedNames(['billingcard_number', 'card_numbers'], ['card_number'], '')).toEqual(['billingcard_number'])
  })

  it('should read * as any run of characters, in user patterns too (compared in the same canonical form)', () => {
    expect(blockedNames(['credit_card_number', 'cardholder', 'discard', 'plan'], ['*card*'])).toEqual([
      'credit_card_number',
      'cardholder',
      'discard'
    ])
    expect(blockedNames(['stripe_customer', 'billing_stripe_id', 'stripes'], ['stripe_*'])).toEqual([
      'stripe_customer',
      'billing_stripe_id'
    ])
    expect(blockedNames(['internal_note', 'notes_internal', 'internalNote'], ['internalNote'])).toEqual([
      'internal_note',
      'internalNote'
    ])
    expect(blockedNames(['aXb', 'ab', 'a'], ['a**b'])).toEqual(['aXb', 'ab'])
  })

  it('should agree with a regular-expression reference on random names, patterns and separators', () => {
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const reference = (pattern: string, name: string, separator: string) => {
      const body = canonicalAttributeName(pattern).split('*').map(escape).join('[\\s\\S]*')
      return new RegExp(`^(?:[\\s\\S]*${escape(separator)})?(?:${body})$`).test(canonicalAttributeName(name))
    }
    const name = fc.stringMatching(/^[abAB_.]{0,12}$/)
    const pattern = fc.stringMatching(/^[abB_.*]{1,8}$/).filter((p) => !/^\**$/.test(p))
    fc.assert(
      fc.property(name, pattern, fc.constantFrom('_', '.', '__', '._'), (n, p, separator) => {
        const blocked = compileBlockedAttributes([p], separator).blockedBy(n) !== undefined
        expect(blocked).toBe(reference(p, n, separator))
      }),
      { numRuns: 1000 }
    )
  })

  it('should read every other character of a pattern literally, regular-expression characters included', () => {
    const name = fc.stringMatching(/^[a$()+.?[\]\\^{|}_-]{0,10}$/)
    const pattern = fc.stringMatching(/^[a$()+.?[\]\\^{|}*_-]{1,6}$/).filter((p) => !/^\**$/.test(p))
    fc.assert(
      fc.property(name, pattern, fc.constantFrom('_', '.', '$', '|'), (n, p, separator) => {
        // The same reference as above, written out for these characters.
        const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        const body = p.split('*').map(escape).join('[\\s\\S]*')
        const expected = new RegExp(`^(?:[\\s\\S]*${escape(separator)})?(?:${body})$`).test(n)
        expect(compileBlockedAttributes([p], separator).blockedBy(n) !== undefined).toBe(expected)
      }),
      { numRuns: 1000 }
    )
  })

  it('should match in linear time: many * and a long name that almost matches do not backtrack for ever', () => {
    const blocklist = compileBlockedAttributes(['*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a*a*a*a*a*a*a*a*c'], '_')
    const started = Date.now()
    expect(blocklist.blockedBy('a'.repeat(20000))).toBeUndefined()
    expect(blocklist.blockedBy('a_'.repeat(10000))).toBeUndefined()
    expect(blocklist.blockedBy('a'.repeat(20000) + 'b')).toBe('*a*a*a*a*a*a*a*a*a*a*a*a*b')
    // A backtracking matcher takes hours here; ours takes milliseconds (one second leaves room for slow CI).
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('should block nested secrets after real flattening, whatever their depth', () => {
    // Blocking off in the mapping core, to check dropBlockedAttributes on its own.
    const { attributes } = toDriftAttributes(
      {
        email: 'ada@example.com',
        billing: { card_number: '4111 1111 1111 1111', cvv: '123', city: 'Paris' },
        auth: { accessToken: 'tok-1', provider: 'github' },
        password: 'hunter2'
      },
      { blockedAttributes: [] }
    )
    expect(Object.keys(attributes)).toHaveLength(7)
    const { attributes: kept, warnings } = dropBlockedAttributes(attributes, compileBlockedAttributes())
    expect(kept).toEqual({ email: 'ada@example.com', billing_city: 'Paris', auth_provider: 'github' })
    expect(warnings.map((w) => w.path).sort()).toEqual(
      ['auth_accessToken', 'billing_card_number', 'billing_cvv', 'password'].sort()
    )
  })

  describe('dropBlockedAttributes', () => {
    const attributes = { email: 'ada@example.com', api_key: 'sk_live_abc123', plan: 'pro', userPassword: 'hunter2' }

    it('should drop blocked attributes with a warning naming the attribute and the pattern, never the value', () => {
      const result = dropBlockedAttributes(attributes, compileBlockedAttributes())
      expect(result.attributes).toEqual({ email: 'ada@example.com', plan: 'pro' })
      expect(result.warnings).toEqual([
        { path: 'api_key', action: 'dropped', reason: 'blocked by blockedAttributes ("api_key")' },
        { path: 'userPassword', action: 'dropped', reason: 'blocked by blockedAttributes ("password")' }
      ])
      expect(JSON.stringify(result.warnings)).not.toMatch(/sk_live|hunter2/)
    })

    it('should never modify its input, and give it back when nothing is blocked', () => {
      const input = { ...attributes }
      dropBlockedAttributes(input, compileBlockedAttributes())
      expect(input).toEqual(attributes)
      const clean = { email: 'ada@example.com' }
      expect(dropBlockedAttributes(clean, compileBlockedAttributes())).toEqual({ attributes: clean, warnings: [] })
      expect(dropBlockedAttributes(clean, compileBlockedAttributes()).attributes).toBe(clean)
    })

    it('should block nothing with an empty list (the setting turned off)', () => {
      expect(dropBlockedAttributes(attributes, compileBlockedAttributes([]))).toEqual({ attributes, warnings: [] })
    })

    it('should give the same answer for a name asked again (the answer cache)', () => {
      const blocklist = compileBlockedAttributes(['secret'])
      for (let i = 0; i < 3; i++) {
        expect(blocklist.blockedBy('my_secret')).toBe('secret')
        expect(blocklist.blockedBy('mine')).toBeUndefined()
      }
      // More names than the cache keeps: answers stay right after it is cleared.
      const names = Array.from({ length: 6000 }, (_, i) => `k${i}_secret`)
      expect(names.filter((name) => blocklist.blockedBy(name) === 'secret')).toHaveLength(6000)
      expect(blocklist.blockedBy('mine')).toBeUndefined()
    })
  })

  describe('settings rule', () => {
    it('should accept the defaults, an empty list and user patterns', () => {
      expect(blockedAttributesRule([...DEFAULT_BLOCKED_ATTRIBUTES])).toBeUndefined()
      expect(blockedAttributesRule([])).toBeUndefined()
      expect(blockedAttributesRule(['*card*', 'internal_note'])).toBeUndefined()
    })

    it('should refuse bad lists saying the entry and the rule (the checker names the setting)', () => {
      expect(blockedAttributesRule('password')).toBe('must be a list of strings (at most 200)')
      expect(blockedAttributesRule(Array.from({ length: 201 }, (_, i) => `a${i}`))).toBe(
        'must be a list of strings (at most 200)'
      )
      expect(blockedAttributesRule(Array.from({ length: 200 }, (_, i) => `a${i}`))).toBeUndefined()
      const bad = ['', ' ', '\u200b', null, 1, 'token ', ' token', '*', '**', 'x'.repeat(201)]
      for (const entry of bad) expect([entry, blockedAttributesRule(['a', entry])]).toEqual([entry, `[1] ${ENTRY}`])
      for (const entry of ['a', '*a*', 'a b', 'x'.repeat(200), '*_token']) {
        expect([entry, blockedAttributesRule([entry])]).toEqual([entry, undefined])
      }
    })

    it('should make compileBlockedAttributes throw the same sentence as a RangeError', () => {
      expect(() => compileBlockedAttributes(['*'])).toThrow(RangeError)
      expect(() => compileBlockedAttributes(['*'])).toThrow(`blockedAttributes[0] ${ENTRY}`)
      expect(() => compileBlockedAttributes('password' as never)).toThrow(
        'blockedAttributes must be a list of strings (at most 200)'
      )
    })

    it('should plug into the settings tables with the default list, a fresh copy each time', () => {
      const spec = {
        blockedAttributes: { rule: blockedAttributesRule, default: DEFAULT_BLOCKED_ATTRIBUTES as string[] }
      }
      const a = checkSettings(spec, {})
      expect(a.blockedAttributes).toEqual(DEFAULT_BLOCKED_ATTRIBUTES)
      ;(a.blockedAttributes as string[]).push('mutated')
      expect(checkSettings(spec, {})).toEqual({ blockedAttributes: DEFAULT_BLOCKED_ATTRIBUTES })
      expect(checkSettings(spec, { blockedAttributes: [] })).toEqual({ blockedAttributes: [] })
      expect(() => checkSettings(spec, { blockedAttributes: ['*'] })).toThrow(
        `Invalid Drift settings: blockedAttributes[0] ${ENTRY}`
      )
    })
  })
})
