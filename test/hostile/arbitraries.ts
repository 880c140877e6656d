import fc from 'fast-check'

// Random Segment events for property-based tests: random types, ids (placeholders included), traits,
// properties and contexts. `json` events are what a file or a CDP can carry; `inCode` ones add what a page's
// code can pass (Dates, BigInt, Maps, cycles...).

const placeholderIds = fc.constantFrom('undefined', 'null', '0', '[object Object]', 'anonymous', '', ' ', 'NaN')
const userIds = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 40 }),
  placeholderIds,
  fc.integer(),
  fc.constant(undefined),
  fc.constant(null)
)
const emails = fc.oneof(fc.emailAddress(), fc.string({ maxLength: 20 }), fc.constant(undefined))

function eventArbitrary(
  values: fc.Arbitrary<unknown>,
  types: fc.Arbitrary<unknown>
): fc.Arbitrary<Record<string, unknown>> {
  const bag = fc.dictionary(fc.string({ maxLength: 12 }), values, { maxKeys: 8 })
  return fc.record(
    {
      type: types,
      userId: userIds,
      anonymousId: fc.oneof(fc.uuid(), fc.constant(undefined)),
      event: fc.oneof(fc.string({ maxLength: 30 }), values),
      name: fc.oneof(fc.string({ maxLength: 30 }), values),
      groupId: fc.oneof(fc.string({ maxLength: 20 }), values),
      traits: fc.oneof(
        bag.chain((t) => emails.map((email) => (email === undefined ? t : { ...t, email }))),
        values
      ),
      properties: fc.oneof(bag, values),
      context: fc.record(
        {
          campaign: fc.record({ source: values }, { requiredKeys: [] }),
          traits: fc.record({ email: emails }, { requiredKeys: [] }),
          page: fc.record({ path: fc.string(), url: fc.webUrl() }, { requiredKeys: [] })
        },
        { requiredKeys: [] }
      ),
      timestamp: fc.oneof(
        fc.date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true }).map((d) => d.toISOString()),
        fc.string({ maxLength: 25 })
      )
    },
    { requiredKeys: ['type'] }
  )
}

const segmentTypes = fc.constantFrom('identify', 'track', 'page', 'group')

/** Events as JSON can carry them (cloud mode, the replay): any type string, any JSON values. */
export const jsonEvents = eventArbitrary(
  fc.jsonValue({ maxDepth: 3 }),
  fc.oneof(segmentTypes, segmentTypes, fc.string({ maxLength: 10 }))
)

/** Events as a page's code can make them: Segment's four calls, with any JS values (Dates, BigInt, Maps...). */
export const inCodeEvents = eventArbitrary(
  fc.anything({
    maxDepth: 3,
    maxKeys: 6,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withTypedArray: true,
    withSparseArray: true,
    withBoxedValues: true
  }),
  segmentTypes
)
