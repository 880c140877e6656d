import { UsageError } from '../errors'
import { replayOptionsFrom } from '../flags'

// The flags that set destination settings are checked by the destination's own rules before anything runs.

const FLAG_NAMES: Record<string, string> = {
  '--account-owner-id': 'accountOwnerId',
  '--separator': 'separator',
  '--date-unit': 'dateUnit'
}
/** The flags as commander hands them over (camelCase keys). */
const parse = (...args: string[]) => {
  const flags: Record<string, unknown> = { sandbox: true }
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split('=')
    flags[FLAG_NAMES[name]] = inline ?? args[++i]
  }
  return replayOptionsFrom('events.ndjson', flags, {})
}

describe('replay: settings flags', () => {
  it.each([
    [['--account-owner-id', 'abc'], '--account-owner-id: accountOwnerId must be a Drift user id (a whole number)'],
    [['--account-owner-id', '90071992547409931'], '--account-owner-id: accountOwnerId must be a Drift user id'],
    [['--separator='], '--separator: separator must be 1 to 3 characters, none of them a letter, digit or space'],
    [['--separator', 'ab'], '--separator: separator must be 1 to 3 characters'],
    [['--date-unit', 'days'], '--date-unit: dateUnit must be "seconds" or "milliseconds"']
  ])('refuses %j as a usage error naming the flag and the rule', (flags, message) => {
    expect(() => parse(...flags)).toThrow(UsageError)
    expect(() => parse(...flags)).toThrow(message)
  })

  it('passes valid values on as the settings of the same names', () => {
    const parsed = parse('--account-owner-id', '21965', '--separator', '.', '--date-unit', 'milliseconds')
    expect(parsed.options.settings).toEqual({
      accountOwnerId: '21965',
      separator: '.',
      dateUnit: 'milliseconds'
    })
  })
})
