import { fingerprintOf } from '../caches'
import { compareIds, parseJsonKeepingBigIntegers, toExactId } from '../json'

describe('parseJsonKeepingBigIntegers', () => {
  it('should keep integers beyond 2^53 exact, as strings, and leave everything else alone', () => {
    const text =
      '{"data":[{"id":18446744073709551615,"n":12,"f":1.5e3,"neg":-9007199254740993,"s":"9007199254740993 \\" 123456789012345678"}]}'
    expect(parseJsonKeepingBigIntegers(text)).toEqual({
      data: [
        {
          id: '18446744073709551615',
          n: 12,
          f: 1500,
          neg: '-9007199254740993',
          s: '9007199254740993 " 123456789012345678'
        }
      ]
    })
  })

  it('should read ids exactly and order them without arithmetic', () => {
    expect(toExactId(42)).toBe('42')
    expect(toExactId('9007199254740993')).toBe('9007199254740993')
    expect(toExactId(1.5)).toBeUndefined()
    expect(toExactId('12a')).toBeUndefined()
    expect(['10', '9', '18446744073709551615', '9007199254740993'].sort(compareIds)).toEqual([
      '9',
      '10',
      '9007199254740993',
      '18446744073709551615'
    ])
  })
})

describe('fingerprintOf', () => {
  it('should give the same fingerprint for the same attributes in any order, and another for any change', () => {
    const a = fingerprintOf({ email: 'ada@example.com', plan: 'pro', seats: 3 })
    expect(fingerprintOf({ seats: 3, plan: 'pro', email: 'ada@example.com' })).toBe(a)
    expect(fingerprintOf({ email: 'ada@example.com', plan: 'pro', seats: 4 })).not.toBe(a)
    expect(fingerprintOf({ email: 'ada@example.com', plan: 'pro' })).not.toBe(a)
    expect(fingerprintOf({ email: 'ada@example.com', plan: 'pro', seats: '3' })).not.toBe(a)
  })
})
