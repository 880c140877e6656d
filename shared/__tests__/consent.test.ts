import {
  CONSENT_SETTINGS,
  categoryPreferencesOf,
  categoryPreferencesOfConsent,
  consentCategoriesRule,
  consentStatus,
  consentVerdict,
  consentWhenMissingRule,
  eventConsentStatus
} from '../privacy/consent'
import { checkSettings } from '../settings-rules'

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
        reason:
          'no consent for Drift: "Marketing" is false, "Analytics" is a string, not true or false, ' +
          `"Support" is a number, not true or false, "Functional" is absent in ${PATH}`
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
      const cases: Array<[unknown, string]> = [
        [eventWith('Marketing'), `${PATH} is a string, not an object of category → true or false`],
        [eventWith(['Marketing']), `${PATH} is a list, not an object of category → true or false`],
        [eventWith(true), `${PATH} is a boolean, not an object of category → true or false`],
        [{ context: { consent: 'granted' } }, 'context.consent is a string, not an object'],
        [{ context: { consent: [] } }, 'context.consent is a list, not an object']
      ]
      for (const [event, problem] of cases) {
        expect(eventConsentStatus(event, ['Marketing', 'Support'])).toEqual({
          status: 'denied',
          categories: ['Marketing', 'Support'],
          reason: `no consent for Drift: ${problem}`
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
        reason: `no consent for Drift: ${PATH} could not be read`
      })
      const { proxy, revoke } = Proxy.revocable({}, {})
      revoke()
      expect(eventConsentStatus({ context: { consent: proxy } }, ['Marketing'])).toMatchObject({ status: 'denied' })
      expect(eventConsentStatus({ context: proxy }, ['Marketing'])).toMatchObject({
        status: 'denied',
        reason: 'no consent for Drift: context could not be read'
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
        reason: 'no consent for Drift: context.consent is a number, not an object'
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
          reason: `no consent for Drift: "Marketing" is false in ${PATH}`
        })
      }
    })

    it('should send events without consent by default (as Segment does) and skip them with "skip"', () => {
      expect(consentVerdict(missing)).toEqual({ send: true, status: missing })
      expect(consentVerdict(missing, 'send')).toEqual({ send: true, status: missing })
      expect(consentVerdict(missing, 'skip')).toEqual({
        send: false,
        status: missing,
        reason: `no consent for Drift: the event has no ${PATH} and consentWhenMissing is "skip"`
      })
    })
  })

  describe('settings rules', () => {
    it('should accept category lists and say what is wrong with anything else (the checker names the setting)', () => {
      expect(consentCategoriesRule([])).toBeUndefined()
      expect(consentCategoriesRule(['Marketing', 'C0004'])).toBeUndefined()
      expect(consentCategoriesRule('Marketing')).toBe('must be a list of consent category names')
      expect(consentCategoriesRule(['A', ''])).toBe('[1] must be a category name, not blank')
      expect(consentCategoriesRule(['A', 3])).toBe('[1] must be a category name, not blank')
      expect(consentCategoriesRule([' A'])).toBe('[0] must not have spaces around it ("A")')
      expect(consentWhenMissingRule('send')).toBeUndefined()
      expect(consentWhenMissingRule('skip')).toBeUndefined()
      expect(consentWhenMissingRule('deny')).toBe('must be "send" or "skip"')
    })

    it('should plug into the settings tables: defaults no gating and "send", errors listed per setting', () => {
      expect(checkSettings(CONSENT_SETTINGS, {})).toEqual({ consentCategories: [], consentWhenMissing: 'send' })
      expect(() => checkSettings(CONSENT_SETTINGS, { consentCategories: 'x', consentWhenMissing: 'no' })).toThrow(
        'Invalid Drift settings: consentCategories must be a list of consent category names; ' +
          'consentWhenMissing must be "send" or "skip"'
      )
      expect(() => checkSettings(CONSENT_SETTINGS, { consentCategories: ['Marketing', ' Ads'] })).toThrow(
        'Invalid Drift settings: consentCategories[1] must not have spaces around it ("Ads")'
      )
      // Each settings object gets its own list, never the shared default.
      const a = checkSettings(CONSENT_SETTINGS, {})
      ;(a.consentCategories as string[]).push('X')
      expect(checkSettings(CONSENT_SETTINGS, {})).toEqual({ consentCategories: [], consentWhenMissing: 'send' })
    })
  })
})
