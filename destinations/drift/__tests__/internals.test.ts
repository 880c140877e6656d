import { LruCache } from '../lru-cache'
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

describe('LruCache', () => {
  it('should stay within its size, evicting the least recently used entry', () => {
    const cache = new LruCache<number>(3)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('c', 3)
    expect(cache.get('a')).toBe(1)
    cache.set('d', 4)
    expect(cache.size).toBe(3)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(1)
    for (let i = 0; i < 1000; i++) cache.set(`k${i}`, i)
    expect(cache.size).toBe(3)
    expect(() => new LruCache(0)).toThrow(RangeError)
  })
})
