import { toDriftCompanyAttributes, toDriftContactAttributes } from '../contact'
import { flattenOptionsOf, toDriftAttributes } from '../flatten'
import { DEFAULT_BLOCKED_ATTRIBUTES, blocklistFor } from '../privacy/blocked-attributes'
import { parseCloudSettings } from '../cloud-settings-rules'

// blockedAttributes in the mapping core's entry points: one home for the rule, fed by flattenOptionsOf(settings),
// so device mode, cloud mode and the replay drop the same attributes.

const secrets = {
  email: 'ada@example.com',
  password: 'hunter2',
  billing: { card_number: '4111 1111 1111 1111', city: 'Paris' },
  accessToken: 'tok-1'
}

describe('Drift.blockedAttributes in the mapping core', () => {
  it('should drop the default secrets in toDriftAttributes, warning with the key path and pattern, never the value', () => {
    const { attributes, warnings } = toDriftAttributes(secrets)
    expect(attributes).toEqual({ email: 'ada@example.com', billing_city: 'Paris' })
    expect(warnings).toEqual([
      { path: 'password', action: 'dropped', reason: 'blocked by blockedAttributes ("password")' },
      { path: 'billing.card_number', action: 'dropped', reason: 'blocked by blockedAttributes ("card_number")' },
      { path: 'accessToken', action: 'dropped', reason: 'blocked by blockedAttributes ("token")' }
    ])
    expect(JSON.stringify(warnings)).not.toMatch(/hunter2|4111|tok-1/)
  })

  it('should check keys inside arrays sent as JSON as if they were flattened', () => {
    const { attributes, warnings } = toDriftAttributes({ users: [{ name: 'a', password: 'p', auth: { ssn: 'x' } }] })
    expect(attributes).toEqual({ users: '[{"name":"a","auth":{}}]' })
    expect(warnings.slice(0, 2).map((w) => w.path)).toEqual(['users[0].password', 'users[0].auth.ssn'])
  })

  it('should take a replacing list, and block nothing with an empty one', () => {
    expect(toDriftAttributes(secrets, { blockedAttributes: ['email'] }).attributes).toEqual({
      password: 'hunter2',
      billing_card_number: '4111 1111 1111 1111',
      billing_city: 'Paris',
      accessToken: 'tok-1'
    })
    const off = toDriftAttributes(secrets, { blockedAttributes: [] })
    expect(Object.keys(off.attributes)).toHaveLength(5)
    expect(off.warnings).toEqual([])
  })

  it('should block a name cached while another list (or none) was in force: the name cache follows the list', () => {
    const event = { password: 'p', billing: { card_number: 'c', city: 'Paris' } }
    for (let round = 0; round < 3; round++) {
      expect(Object.keys(toDriftAttributes(event, { blockedAttributes: [] }).attributes)).toEqual([
        'password',
        'billing_card_number',
        'billing_city'
      ])
      expect(toDriftAttributes(event).attributes).toEqual({ billing_city: 'Paris' })
      expect(toDriftAttributes(event, { blockedAttributes: ['city'] }).attributes).toEqual({
        password: 'p',
        billing_card_number: 'c'
      })
    }
  })

  it('should block by the final Drift names in contact and company mapping (identify and group)', () => {
    const contact = toDriftContactAttributes({ ...secrets, firstName: 'Ada', api_key: 'k' })
    expect(contact.attributes).toEqual({ email: 'ada@example.com', first_name: 'Ada', billing_city: 'Paris' })
    expect(contact.warnings.map((w) => w.path)).toEqual(['password', 'billing.card_number', 'accessToken', 'api_key'])
    const company = toDriftCompanyAttributes('acme-1', { name: 'Acme', secret: 's', client_secret: 'c' })
    expect(company.attributes).toEqual({ company_name: 'Acme', company_id: 'acme-1' })
    expect(company.warnings.map((w) => w.reason)).toEqual([
      'blocked by blockedAttributes ("secret")',
      'blocked by blockedAttributes ("secret")'
    ])
  })

  it('should use the separator setting for path boundaries', () => {
    const options = flattenOptionsOf({ dateUnit: 'milliseconds', separator: '.', blockedAttributes: ['card_number'] })
    expect(toDriftAttributes({ billing: { card_number: 1 }, billing_card_number: 2 }, options).attributes).toEqual({
      billing_card_number: 2
    })
  })

  it('should read blockedAttributes from the settings, the default list when they have none', () => {
    const cloud = parseCloudSettings({ apiToken: 'token-abcdefgh' })
    expect(flattenOptionsOf(cloud).blockedAttributes).toEqual(DEFAULT_BLOCKED_ATTRIBUTES)
    const custom = parseCloudSettings({ apiToken: 'token-abcdefgh', blockedAttributes: ['plan'] })
    expect(toDriftAttributes({ plan: 'pro', password: 'p' }, flattenOptionsOf(custom)).attributes).toEqual({
      password: 'p'
    })
    // Device settings without the entry (yet): the default list applies.
    expect(toDriftAttributes(secrets, flattenOptionsOf({ dateUnit: 'seconds', separator: '_' })).attributes).toEqual({
      email: 'ada@example.com',
      billing_city: 'Paris'
    })
  })

  it('should compile a list once per content and separator (settings are parsed per event in cloud mode)', () => {
    const a = blocklistFor(['plan', 'secret'], '_')
    expect(blocklistFor(['plan', 'secret'], '_')).toBe(a)
    expect(
      blocklistFor(
        parseCloudSettings({ apiToken: 't-12345678', blockedAttributes: ['plan', 'secret'] }).blockedAttributes,
        '_'
      )
    ).toBe(a)
    expect(blocklistFor(['plan', 'secret'], '.')).not.toBe(a)
    expect(blocklistFor(['plan'], '_')).not.toBe(a)
  })

  it('should refuse a bad list as a programming error naming the setting', () => {
    expect(() => toDriftAttributes({ a: 1 }, { blockedAttributes: ['*'] })).toThrow(
      new RangeError(
        'blockedAttributes[0] must be a string, not blank and without spaces around it, at most 200 characters and not only *'
      )
    )
    expect(() => toDriftAttributes({ a: 1 }, { blockedAttributes: 'password' as never })).toThrow(
      'blockedAttributes must be a list of strings (at most 200)'
    )
  })
})
