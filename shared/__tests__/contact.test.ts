import {
  DATE_ATTRIBUTES,
  DRIFT_DEFAULT_ATTRIBUTES,
  defaultAttribute,
  stringifyAttributeValue,
  toDriftCompanyAttributes,
  toDriftContactAttributes
} from '..'

describe('Drift default attributes table', () => {
  it('should list the attributes Drift knows, each with a type', () => {
    expect(DRIFT_DEFAULT_ATTRIBUTES.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        'email',
        'name',
        'first_name',
        'last_name',
        'phone',
        'start_date',
        'recent_source',
        'externalId'
      ])
    )
    for (const attribute of DRIFT_DEFAULT_ATTRIBUTES) {
      expect(['STRING', 'NUMERIC', 'BOOLEAN', 'DATE']).toContain(attribute.type)
    }
    expect(new Set(DRIFT_DEFAULT_ATTRIBUTES.map((a) => a.name)).size).toBe(DRIFT_DEFAULT_ATTRIBUTES.length)
  })

  it('should map the Segment spec traits to Drift names', () => {
    expect(defaultAttribute('first_name')?.specTrait).toBe('firstName')
    expect(defaultAttribute('last_name')?.specTrait).toBe('lastName')
    expect(defaultAttribute('start_date')).toMatchObject({ specTrait: 'createdAt', type: 'DATE' })
    expect(defaultAttribute('recent_source')).toMatchObject({ type: 'STRING' })
    expect(defaultAttribute('nope')).toBeUndefined()
    expect([...DATE_ATTRIBUTES]).toEqual(['start_date', 'last_active'])
  })
})

describe('stringifyAttributeValue', () => {
  it('should use String(x) for primitives', () => {
    expect(stringifyAttributeValue('x')).toBe('x')
    expect(stringifyAttributeValue(42)).toBe('42')
    expect(stringifyAttributeValue(1.5)).toBe('1.5')
    expect(stringifyAttributeValue(false)).toBe('false')
    expect(stringifyAttributeValue(10n)).toBe('10')
  })

  it('should use toString() for URL, URLSearchParams, boxed primitives and objects that define it', () => {
    expect(stringifyAttributeValue(new URL('https://example.com/a?utm_source=x'))).toBe(
      'https://example.com/a?utm_source=x'
    )
    expect(stringifyAttributeValue(new URLSearchParams({ a: '1', b: '2' }))).toBe('a=1&b=2')
    expect(stringifyAttributeValue(new String('boxed'))).toBe('boxed')
    expect(stringifyAttributeValue({ toString: () => 'custom' })).toBe('custom')
  })

  it('should send Dates as ISO text and arrays of primitives joined with ","', () => {
    expect(stringifyAttributeValue(new Date(0))).toBe('1970-01-01T00:00:00.000Z')
    expect(stringifyAttributeValue(['a', 1, true])).toBe('a,1,true')
  })

  it('should never produce "[object Object]": plain objects, Maps, nested arrays and non-data have no text form', () => {
    const noText = [
      {},
      { a: 1 },
      Object.create(null),
      new Map(),
      [[1]],
      [{}],
      [null],
      null,
      undefined,
      NaN,
      Infinity,
      Symbol('s'),
      () => 1,
      new Date('nope'),
      { toString: () => '[object Object]' },
      {
        get toString(): () => string {
          throw new Error('boom')
        }
      }
    ]
    for (const value of noText) expect(stringifyAttributeValue(value)).toBeUndefined()
  })
})

describe('toDriftContactAttributes', () => {
  it('should remove the id trait, since the user id travels on its own, and say so', () => {
    expect(toDriftContactAttributes({ id: 'u1', email: 'a@example.com' })).toEqual({
      attributes: { email: 'a@example.com' },
      warnings: [
        { path: 'id', action: 'dropped', reason: 'the user id travels on its own (as externalId), not as a trait' }
      ]
    })
  })

  it('should keep a trait named "undefined" as itself, never as an attribute that has no spec trait', () => {
    expect(toDriftContactAttributes({ undefined: 'x', email: 'a@example.com' })).toEqual({
      attributes: { undefined: 'x', email: 'a@example.com' },
      warnings: []
    })
  })

  it('should drop an externalId trait and say so: the user id is the externalId', () => {
    const result = toDriftContactAttributes({ externalId: 'someone-else', plan: 'pro' })
    expect(result.attributes).toEqual({ plan: 'pro' })
    expect(result.warnings).toEqual([
      {
        path: 'externalId',
        action: 'dropped',
        reason: 'the user id travels on its own (as externalId), not as a trait'
      }
    ])
  })

  it('should trim spaces around the email and drop a blank one, saying so', () => {
    expect(toDriftContactAttributes({ email: ' Ann@Example.com ' })).toEqual({
      attributes: { email: 'Ann@Example.com' },
      warnings: [{ path: 'email', action: 'changed', reason: 'spaces around the email removed' }]
    })
    expect(toDriftContactAttributes({ email: '   ', plan: 'pro' })).toEqual({
      attributes: { plan: 'pro' },
      warnings: [{ path: 'email', action: 'dropped', reason: 'blank email' }]
    })
  })

  it('should rename spec traits to Drift default attributes', () => {
    const result = toDriftContactAttributes({ firstName: 'Ada', lastName: 'Lovelace', title: 'CTO', phone: '+1 555' })
    expect(result.attributes).toEqual({ first_name: 'Ada', last_name: 'Lovelace', title: 'CTO', phone: '+1 555' })
    expect(result.warnings).toEqual([])
  })

  it('should let a Drift name given explicitly win over the spec trait, and say so', () => {
    const result = toDriftContactAttributes({ firstName: 'Spec', first_name: 'Explicit' })
    expect(result.attributes).toEqual({ first_name: 'Explicit' })
    expect(result.warnings).toEqual([
      { path: 'firstName', action: 'dropped', reason: '"first_name" was given too, and wins' }
    ])
  })

  it('should use the spec trait when the Drift name is null', () => {
    expect(toDriftContactAttributes({ firstName: 'Spec', first_name: null }).attributes).toEqual({ first_name: 'Spec' })
  })

  it("should send Drift's own dates in epoch milliseconds whatever dateUnit says, and custom dates in dateUnit", () => {
    for (const dateUnit of ['seconds', 'milliseconds'] as const) {
      const traits = {
        createdAt: '2024-01-02T03:04:05Z',
        last_active: new Date('2024-03-04T05:06:07.890Z'),
        renewsAt: new Date('2024-01-02T03:04:05Z')
      }
      expect(toDriftContactAttributes(traits, { dateUnit }).attributes).toEqual({
        start_date: 1704164645000,
        last_active: 1709528767890,
        renewsAt: dateUnit === 'seconds' ? 1704164645 : 1704164645000
      })
    }
    // A timestamp in milliseconds is kept; Unix seconds (Segment's classic unit) become milliseconds, with a note.
    expect(toDriftContactAttributes({ start_date: 1668615901358 }).attributes).toEqual({ start_date: 1668615901358 })
    const seconds = toDriftContactAttributes({ createdAt: 1668615901 })
    expect(seconds.attributes).toEqual({ start_date: 1668615901000 })
    expect(seconds.warnings).toEqual([
      { path: 'start_date', action: 'changed', reason: '"start_date": Unix seconds sent as milliseconds' }
    ])
    expect(toDriftContactAttributes({ start_date: true }).warnings[0].reason).toMatch(
      /"start_date" is a date attribute/
    )
    const invalid = toDriftContactAttributes({ createdAt: '2024-02-30' })
    expect(invalid.attributes).toEqual({})
    expect(invalid.warnings).toHaveLength(1)
    expect(invalid.warnings[0].reason).toMatch(/date attribute/)
  })

  it('should stringify string-typed defaults and report it', () => {
    const result = toDriftContactAttributes({ phone: 4477, name: ['Ada', 'Lovelace'], email: new String('a@b.co') })
    expect(result.attributes).toEqual({ phone: '4477', name: 'Ada,Lovelace', email: 'a@b.co' })
    expect(result.warnings.map((w) => [w.path, w.action])).toEqual([
      ['email', 'changed'],
      ['name', 'changed'],
      ['phone', 'changed']
    ])
  })

  it('should drop a string-typed default that has no text form instead of sending [object Object]', () => {
    const result = toDriftContactAttributes({ title: { x: 1 }, name: 'ok' })
    expect(result.attributes).toEqual({ name: 'ok' })
    expect(result.warnings).toEqual([
      { path: 'title', action: 'dropped', reason: '"title" must be a string and this value has no text form' }
    ])
  })

  it('should take recent_source from the campaign source, always as a string', () => {
    expect(toDriftContactAttributes({}, { campaignSource: 'newsletter' }).attributes).toEqual({
      recent_source: 'newsletter'
    })
    expect(toDriftContactAttributes({}, { campaignSource: 42 }).attributes).toEqual({ recent_source: '42' })
    expect(toDriftContactAttributes({}, { campaignSource: new URL('https://ads.example/?q=1') }).attributes).toEqual({
      recent_source: 'https://ads.example/?q=1'
    })
    for (const source of [{ a: 1 }, ['x', { y: 1 }], Symbol('s')]) {
      const result = toDriftContactAttributes({}, { campaignSource: source })
      expect(result.attributes).toEqual({})
      expect(result.warnings[0]).toMatchObject({ path: 'recent_source', action: 'dropped' })
    }
    expect(toDriftContactAttributes({}, { campaignSource: null }).attributes).toEqual({})
  })

  it('should keep a recent_source trait over the campaign source', () => {
    expect(toDriftContactAttributes({ recent_source: 'given' }, { campaignSource: 'utm' }).attributes).toEqual({
      recent_source: 'given'
    })
  })

  it('should flatten everything else like any trait, with the flatten options', () => {
    const result = toDriftContactAttributes({ address: { city: 'Oslo' }, plan: 'pro' }, { separator: '.' })
    expect(result.attributes).toEqual({ 'address.city': 'Oslo', plan: 'pro' })
  })

  it('should never let a __proto__ trait through, nor let it stand in for traits the mapping reads', () => {
    const input = '{"__proto__":{"firstName":"Evil","email":"e@x.co","externalId":"x"},"firstName":"A"}'
    expect(toDriftContactAttributes(JSON.parse(input))).toEqual({
      attributes: { first_name: 'A' },
      warnings: [
        { path: '__proto__', action: 'dropped', reason: 'the key "__proto__" is never copied (prototype safety)' }
      ]
    })
  })

  it('should report traits that are not an object', () => {
    expect(toDriftContactAttributes('x')).toEqual({
      attributes: {},
      warnings: [{ path: '', action: 'dropped', reason: 'expected an object of traits or properties, got string' }]
    })
    expect(toDriftContactAttributes(undefined)).toEqual({ attributes: {}, warnings: [] })
  })

  it('should report a Map, Set or Date given as traits instead of losing it silently', () => {
    for (const [traits, type] of [
      [new Map([['email', 'a@b.co']]), 'Map'],
      [new Set(['a']), 'Set'],
      [new Date(0), 'Date']
    ] as const) {
      expect(toDriftContactAttributes(traits)).toEqual({
        attributes: {},
        warnings: [{ path: '', action: 'dropped', reason: `expected an object of traits or properties, got ${type}` }]
      })
    }
  })
})

describe('toDriftCompanyAttributes', () => {
  it('should put every group trait under company_ and take company_id from the group id', () => {
    const result = toDriftCompanyAttributes('g1', { name: 'Acme', id: 'ignored', plan: { seats: 3 }, tags: ['a', 'b'] })
    expect(result.attributes).toEqual({
      company_name: 'Acme',
      company_plan_seats: 3,
      company_tags: 'a,b',
      company_id: 'g1'
    })
  })

  it('should say when an id trait differs from the group id, and use it when there is no group id', () => {
    expect(toDriftCompanyAttributes('g1', { id: 'other', name: 'Acme' })).toEqual({
      attributes: { company_id: 'g1', company_name: 'Acme' },
      warnings: [{ path: 'id', action: 'dropped', reason: 'the company id is the group id' }]
    })
    expect(toDriftCompanyAttributes('g1', { id: 'g1' }).warnings).toEqual([])
    expect(toDriftCompanyAttributes(undefined, { id: 'acme-1', name: 'Acme' })).toEqual({
      attributes: { company_id: 'acme-1', company_name: 'Acme' },
      warnings: []
    })
  })

  it('should follow the flatten options', () => {
    expect(toDriftCompanyAttributes('g1', { name: 'Acme' }, { separator: '.' }).attributes).toEqual({
      'company.name': 'Acme',
      'company.id': 'g1'
    })
  })

  it('should report group traits that cannot be read or are not an object', () => {
    const traits = {
      name: 'Acme',
      get broken(): string {
        throw new Error('boom')
      }
    }
    expect(toDriftCompanyAttributes('g1', traits)).toEqual({
      attributes: { company_name: 'Acme', company_id: 'g1' },
      warnings: [{ path: 'broken', action: 'dropped', reason: 'reading the value threw' }]
    })
    expect(toDriftCompanyAttributes('g1', 'x').warnings).toEqual([
      { path: '', action: 'dropped', reason: 'expected an object of traits or properties, got string' }
    ])
  })
})
