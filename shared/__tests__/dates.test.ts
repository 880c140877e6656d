import { dateToTimestamp, parseIsoDate, toTimestamp } from '..'

describe('dates', () => {
  it('should convert a Date to seconds (rounded down) or milliseconds', () => {
    const date = new Date('2024-05-01T12:34:56.789Z')
    expect(dateToTimestamp(date, 'seconds')).toBe(1714566896)
    expect(dateToTimestamp(date, 'milliseconds')).toBe(1714566896789)
    expect(dateToTimestamp(new Date('nope'), 'seconds')).toBeUndefined()
  })

  it('should read ISO-8601 dates and date-times, UTC when no offset is given', () => {
    expect(parseIsoDate('2024-05-01')?.toISOString()).toBe('2024-05-01T00:00:00.000Z')
    expect(parseIsoDate('2024-05-01T10:20')?.toISOString()).toBe('2024-05-01T10:20:00.000Z')
    expect(parseIsoDate('2024-05-01T10:20:30.5+02:00')?.toISOString()).toBe('2024-05-01T08:20:30.500Z')
    expect(parseIsoDate(' 2024-05-01T10:20:30Z ')?.toISOString()).toBe('2024-05-01T10:20:30.000Z')
  })

  it('should refuse days that do not exist and text that is not ISO-8601', () => {
    for (const text of [
      '2024-02-30',
      '2023-02-29',
      '2024-04-31',
      '2024-00-10',
      '2024-1-1',
      'May 1 2024',
      '',
      '20240501'
    ]) {
      expect(parseIsoDate(text)).toBeUndefined()
    }
    expect(parseIsoDate('2024-02-29')).toBeDefined()
  })

  it('should check years 0000-0099 as themselves, not as 1900-1999', () => {
    expect(parseIsoDate('0000-02-29')?.getUTCFullYear()).toBe(0)
    expect(parseIsoDate('0004-02-29')?.getUTCFullYear()).toBe(4)
    expect(parseIsoDate('0023-02-29')).toBeUndefined()
  })

  it('should turn Dates and ISO strings into timestamps and anything else into undefined', () => {
    expect(toTimestamp('2024-05-01', 'seconds')).toBe(1714521600)
    expect(toTimestamp(new Date(1500), 'milliseconds')).toBe(1500)
    expect(toTimestamp(1714521600, 'seconds')).toBeUndefined()
    expect(toTimestamp('soon', 'seconds')).toBeUndefined()
  })
})
