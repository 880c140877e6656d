import {
  categoryPreferencesOf,
  categoryPreferencesOfConsent,
  consentStatus,
  consentVerdict,
  eventConsentStatus
} from '../privacy/consent'

const PATH = 'context.consent.categoryPreferences'
const eventWith = (categoryPreferences: unknown) => ({ type: 'track', context: { consent: { categoryPreferences } } })

describe('Drift.consent', () => {
  describe('eventConsentStatus', () => {
    it('should grant when every required category is true, whatever the others say', () => {
      const event = eventWith({ Marketing: true, Analytics: true, Advertising: false })
      expect(eventConsentStatus(event, ['Marketing', 'Analytics'])).toEqual({ status: 'granted' })
    })

    it('should deny and list each required category that is not true, saying why without values', () => {
      const event = eventWith({ Marketing: false, Analytics: 'true', Support: 1, Other: true })
      expect(eventConsentStatus(event, ['Marketing', 'Analytics', 'Support', 'Functional', 'Other'])).toEqual({
        status: 'denied',
        categories: ['Marketing', 'Analytics', 'Support', 'Functional'],
        reason: 'no consent: Marketing false, Analytics invalid, Support invalid, Functional absent'
      })
    })

    it('should compare category names exactly (case-sensitive, as consent tools send them)', () => {
      expect(eventConsentStatus(eventWith({ marketing: true }), ['Marketing'])).toMatchObject({
        status: 'denied',
        categories: ['Marketing']
      })
    })

    it('should report missing when the event, its context, its consent or its preferences are absent or null', () => {
      for (const event of [
        undefined,
        null,
        'track',
        {},
        { context: null },
        { context: 'x' },
        { context: {} },
        { context: { consent: null } },
        { context: { consent: {} } },
        eventWith(undefined),
        eventWith(null)
      ]) {
        expect(eventConsentStatus(event, ['Marketing'])).toEqual({ status: 'missing' })
      }
    })

    it('should deny every required category when the preferences or the consent are not an object', () => {
      const events = [
        eventWith('Marketing'),
        eventWith(['Marketing']),
        eventWith(true),
        { context: { consent: 'granted' } },
        { context: { consent: [] } }
      ]
      for (const event of events) {
        expect(eventConsentStatus(event, ['Marketing', 'Support'])).toEqual({
          status: 'denied',
          categories: ['Marketing', 'Support'],
          reason: 'no consent: context.consent invalid'
        })
      }
    })

    it('should not read inherited properties: a category named like an Object method is absent unless set', () => {
      expect(eventConsentStatus(eventWith({}), ['constructor', 'toString'])).toMatchObject({
        status: 'denied',
        categories: ['constructor', 'toString']
      })
      const inherited = Object.create({ Marketing: true }) as object
      expect(eventConsentStatus(eventWith(inherited), ['Marketing'])).toMatchObject({ status: 'denied' })
      expect(eventConsentStatus(eventWith({ constructor: true }), ['constructor'])).toEqual({ status: 'granted' })
    })

    it('should deny, not crash, when the consent cannot be read (throwing getter, revoked proxy)', () => {
      const throwing = {
        get Marketing(): boolean {
          throw new Error('boom')
        }
      }
      expect(eventConsentStatus(eventWith(throwing), ['Marketing'])).toEqual({
        status: 'denied',
        categories: ['Marketing'],
        reason: 'no consent: context.consent invalid'
      })
      const { proxy, revoke } = Proxy.revocable({}, {})
      revoke()
      expect(eventConsentStatus({ context: { consent: proxy } }, ['Marketing'])).toMatchObject({ status: 'denied' })
      expect(eventConsentStatus({ context: proxy }, ['Marketing'])).toMatchObject({
        status: 'denied',
        reason: 'no consent: context.consent invalid'
      })
    })

    it('should grant anything when no category is required (gating off), even malformed consent', () => {
      for (const event of [undefined, eventWith(undefined), eventWith('x'), eventWith({ Marketing: false })]) {
        expect(eventConsentStatus(event, [])).toEqual({ status: 'granted' })
      }
    })
  })

  describe('categoryPreferencesOfConsent', () => {
    it('should read the preferences from a consent object, as a cloud field mapped from $.context.consent gives it', () => {
      const preferences = { Marketing: true }
      expect(categoryPreferencesOfConsent({ categoryPreferences: preferences })).toBe(preferences)
      expect(categoryPreferencesOf(eventWith(preferences))).toBe(preferences)
      expect(consentStatus(categoryPreferencesOfConsent(undefined), ['Marketing'])).toEqual({ status: 'missing' })
      expect(consentStatus(categoryPreferencesOfConsent(42), ['Marketing'])).toMatchObject({
        status: 'denied',
        reason: 'no consent: context.consent invalid'
      })
    })
  })

  describe('consentVerdict', () => {
    const granted = consentStatus({ Marketing: true }, ['Marketing'])
    const denied = consentStatus({ Marketing: false }, ['Marketing'])
    const missing = consentStatus(undefined, ['Marketing'])

    it('should send granted events and never denied ones, whatever consentWhenMissing says', () => {
      for (const whenMissing of ['send', 'skip'] as const) {
        expect(consentVerdict(granted, whenMissing)).toEqual({ send: true, status: granted })
        expect(consentVerdict(denied, whenMissing)).toEqual({
          send: false,
          status: denied,
          reason: 'no consent: Marketing false'
        })
      }
    })

    it('should send events without consent by default (as Segment does) and skip them with "skip"', () => {
      expect(consentVerdict(missing)).toEqual({ send: true, status: missing })
      expect(consentVerdict(missing, 'send')).toEqual({ send: true, status: missing })
      expect(consentVerdict(missing, 'skip')).toEqual({
        send: false,
        status: missing,
        reason: `no consent: ${PATH} missing`
      })
    })
  })
})
