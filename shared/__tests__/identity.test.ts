import { MAX_USER_ID_LENGTH, PLACEHOLDER_IDS, guardUserId } from '..'

const refused = (value: unknown, options = {}) => {
  const check = guardUserId(value, options)
  if (check.ok) throw new Error(`expected ${String(value)} to be refused, got ok`)
  return check.reason
}

describe('guardUserId', () => {
  it('should accept a unique string id as it is', () => {
    expect(guardUserId('user_8f3a2')).toEqual({ ok: true, id: 'user_8f3a2' })
  })

  it('should turn numbers into strings', () => {
    expect(guardUserId(42)).toEqual({ ok: true, id: '42' })
    expect(guardUserId(-7)).toEqual({ ok: true, id: '-7' })
    expect(guardUserId(Number.MAX_SAFE_INTEGER)).toEqual({ ok: true, id: '9007199254740991' })
  })

  it('should refuse empty and blank ids', () => {
    for (const id of ['', '  ', '\t\n', '\u200b', '\u00a0']) expect(refused(id)).toBe('userId must not be blank')
  })

  it('should refuse placeholders, whatever their case: undefined, null, NaN, [object Object], anonymous, 0…', () => {
    for (const id of [
      'undefined',
      'null',
      'NaN',
      '[object Object]',
      'anonymous',
      'Anonymous',
      'NULL',
      '0',
      '-1',
      'true',
      'false',
      'none',
      'nil'
    ]) {
      expect(refused(id)).toBe('userId must not be a placeholder (null, 0, anonymous…)')
    }
    expect(PLACEHOLDER_IDS).toEqual(
      expect.arrayContaining(['undefined', 'null', 'nan', '[object object]', 'anonymous', '0'])
    )
  })

  it('should refuse the numbers 0 and -0, NaN and infinities', () => {
    expect(refused(0)).toBe('userId must not be a placeholder (null, 0, anonymous…)')
    expect(refused(-0)).toBe('userId must not be a placeholder (null, 0, anonymous…)')
    expect(refused(NaN)).toBe('userId must be a string or a finite number')
    expect(refused(Infinity)).toBe('userId must be a string or a finite number')
  })

  it('should refuse integers too large to be exact, which would collide once rounded', () => {
    expect(refused(2 ** 64)).toBe('userId must be exact: send large numeric ids as text')
    expect(refused(-(2 ** 64))).toBe('userId must be exact: send large numeric ids as text')
    expect(refused(1e300)).toBe('userId must be exact: send large numeric ids as text')
    expect(guardUserId('12345678901234567890')).toEqual({ ok: true, id: '12345678901234567890' })
  })

  it('should refuse the text of a number too large to be exact (analytics libraries stringify numeric ids)', () => {
    // String(12345678901234567890) and String(1e21): the number was already rounded before it became text.
    for (const id of ['12345678901234567000', '1e+21', String(2 ** 64)]) {
      expect(refused(id)).toBe('userId must be exact: send large numeric ids as text')
    }
    // Digits that do not read back the same were never a rounded number: someone's real id.
    expect(guardUserId('12345678901234567001')).toEqual({ ok: true, id: '12345678901234567001' })
    expect(guardUserId(String(Number.MAX_SAFE_INTEGER))).toEqual({ ok: true, id: '9007199254740991' })
    // Only integers read back as rounded: other number texts are someone's id as they are.
    for (const id of ['1.5', 'Infinity', '1e300', '-0', '0x20000000000001', '9007199254740991.5']) {
      expect(guardUserId(id)).toEqual({ ok: true, id })
    }
    expect(refused('9007199254740992')).toBe('userId must be exact: send large numeric ids as text')
  })

  it('should refuse an unpaired UTF-16 surrogate, which encoders would turn into U+FFFD', () => {
    for (const id of ['u-\ud83d-x', 'u-\ude00', '\ud83d']) {
      expect(refused(id)).toBe('userId must be valid Unicode without control characters')
    }
    expect(guardUserId('u-\ud83d\ude00-x')).toEqual({ ok: true, id: 'u-\ud83d\ude00-x' })
  })

  it('should refuse anything that is not a string or a number', () => {
    expect(refused({})).toBe('userId must be a string or a finite number')
    expect(refused({ toString: () => 'u1' })).toBe('userId must be a string or a finite number')
    expect(refused(['u1'])).toBe('userId must be a string or a finite number')
    expect(refused(true)).toBe('userId must be a string or a finite number')
    expect(refused(false)).toBe('userId must be a string or a finite number')
    expect(refused(null)).toBe('userId must be a string or a finite number')
    expect(refused(undefined)).toBe('userId must be a string or a finite number')
    expect(refused(10n)).toBe('userId must be a string or a finite number')
    expect(refused(Symbol('u'))).toBe('userId must be a string or a finite number')
    expect(refused(new String('u1'))).toBe('userId must be a string or a finite number')
    // Objects that cannot even become text are refused the same way, never a crash.
    const throwing = {
      toString: () => {
        throw new Error('boom')
      }
    }
    for (const value of [Object.create(null), throwing]) {
      expect(refused(value)).toBe('userId must be a string or a finite number')
    }
  })

  it('should refuse ids on the blocked list, case-insensitively', () => {
    const options = { blockedIds: ['demo', 'Test-User'] }
    for (const id of ['demo', 'DEMO', 'test-user']) expect(refused(id, options)).toBe('userId must not be a blocked id')
    expect(guardUserId('demo2', options)).toEqual({ ok: true, id: 'demo2' })
  })

  it('should refuse leading or trailing white space', () => {
    for (const id of [' u1', 'u1 ', '\tu1', 'u1\n']) {
      expect(refused(id)).toBe('userId must not have spaces around it')
    }
    expect(guardUserId('u 1')).toEqual({ ok: true, id: 'u 1' })
  })

  it('should refuse ids that are too long', () => {
    expect(guardUserId('x'.repeat(MAX_USER_ID_LENGTH)).ok).toBe(true)
    expect(refused('x'.repeat(MAX_USER_ID_LENGTH + 1))).toBe(`userId must be at most ${MAX_USER_ID_LENGTH} characters`)
  })

  it('should refuse control characters', () => {
    for (const id of ['u\u00001', 'u\u001b1', 'u\u007f1', 'u\u00851'])
      expect(refused(id)).toBe('userId must be valid Unicode without control characters')
  })

  it('should accept email-shaped ids but warn that they are guessable unless a signed identity is used', () => {
    const unsigned = guardUserId('ada@example.com')
    expect(unsigned).toEqual({
      ok: true,
      id: 'ada@example.com',
      warning: expect.stringMatching(/guessable.*signed identity/)
    })
    expect(guardUserId('ada@example.com', { signed: true })).toEqual({ ok: true, id: 'ada@example.com' })
    expect(guardUserId('not-an-email@')).toEqual({ ok: true, id: 'not-an-email@' })
  })
})
