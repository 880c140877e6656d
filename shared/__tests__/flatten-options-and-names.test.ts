import { toDriftAttributes, type FlattenOptions } from '..'

describe('toDriftAttributes: attribute names', () => {
  it('should replace lone surrogates in names with U+FFFD and say so, like values', () => {
    const result = toDriftAttributes({ 'a\uD800': 1, b: { '\uDC00': 2 }, 'ok\u{1F600}': 3 })
    expect(result.attributes).toEqual({ 'a\uFFFD': 1, 'b_\uFFFD': 2, 'ok\u{1F600}': 3 })
    expect(result.warnings).toEqual([
      { path: 'a\uD800', action: 'changed', reason: 'unpaired UTF-16 surrogates in the name replaced with U+FFFD' },
      { path: 'b.\uDC00', action: 'changed', reason: 'unpaired UTF-16 surrogates in the name replaced with U+FFFD' }
    ])
  })
})

describe('toDriftAttributes: options', () => {
  it.each<[FlattenOptions, string]>([
    [{ dateUnit: 'secs' as never }, 'dateUnit must be "seconds" or "milliseconds"'],
    [{ separator: 1 as never }, 'separator must be a string'],
    [{ maxStringLength: -2 }, 'maxStringLength must be a whole number >= 1'],
    [{ maxDepth: 1.5 }, 'maxDepth must be a whole number >= 1'],
    [{ maxAttributes: 0 }, 'maxAttributes must be a whole number >= 1'],
    [{ maxValues: Number.NaN }, 'maxValues must be a whole number >= 1']
  ])('should refuse %j with a RangeError naming the option', (options, message) => {
    expect(() => toDriftAttributes({ a: 1 }, options)).toThrow(new RangeError(message))
  })

  it('should take valid options and leave absent ones at their defaults', () => {
    const at = new Date('2024-01-01T00:00:01.500Z')
    expect(toDriftAttributes({ a: { b: at } }, { dateUnit: 'milliseconds', separator: '.' }).attributes).toEqual({
      'a.b': 1704067201500
    })
  })
})
