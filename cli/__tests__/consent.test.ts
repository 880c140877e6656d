import { DEFAULT_SANDBOX_TOKEN } from '../../sandbox'
import { UsageError } from '../errors'
import { replayOptionsFrom } from '../flags'
import { main, type CliIO } from '../index'
import { replay } from '../replay'
import { captureStream, readRejects, sandboxPerTest } from './helpers'

// Consent in the replay: events the cloud actions skip for lack of consent are counted as skipped under
// "no consent" (not failed, not retried), their reasons go to the rejects file, and the run exits 0.
// Blocked attributes never reach the sandbox. Real sandbox over HTTP on 127.0.0.1, the real cloud destination.

jest.setTimeout(30_000)

const PREFS = 'context.consent.categoryPreferences'
const consent = (categoryPreferences: Record<string, boolean>) => ({ context: { consent: { categoryPreferences } } })

/** Lines 1-2 granted, 3 denied, 4 granted for another category only (denied), 5 and 6 without consent. */
const EVENTS = [
  {
    type: 'identify',
    userId: 'u1',
    traits: { email: 'u1@example.com', plan: 'pro', password: 'hunter2', billing: { card_number: '4111' } },
    ...consent({ Marketing: true })
  },
  {
    type: 'track',
    userId: 'u1',
    event: 'Granted',
    properties: { api_key: 'sk_live_x', plan: 'pro' },
    ...consent({ Marketing: true })
  },
  { type: 'track', userId: 'u1', event: 'Denied', ...consent({ Marketing: false }) },
  { type: 'identify', userId: 'u2', traits: { email: 'u2@example.com' }, ...consent({ Analytics: true }) },
  { type: 'page', userId: 'u1', name: 'Pricing' },
  { type: 'group', userId: 'u1', groupId: 'g1', traits: { name: 'Acme', website: 'acme.example', secret: 's' } }
]
const ndjson = EVENTS.map((event) => JSON.stringify(event)).join('\n')

describe('replay: consent', () => {
  const fx = sandboxPerTest()

  const run = (settings: Record<string, unknown>) =>
    replay({
      input: fx.tmp.file('events.ndjson', ndjson),
      apiBase: fx.sandbox.url,
      token: DEFAULT_SANDBOX_TOKEN,
      rate: null,
      progressStream: captureStream(),
      rejects: fx.tmp.file('rejects.ndjson'),
      checkpoint: false,
      settings: { accountOwnerId: '7', ...settings }
    })

  it('should count denied events as skipped: no consent, and send events without consent by default', async () => {
    const { summary } = await run({ consentCategories: ['Marketing'] })
    expect(summary.complete).toBe(true)
    expect(summary.result).toEqual({ sent: 4, notDelivered: 0, skipped: 2 })
    expect(summary.skips).toEqual({ 'no consent': 2 })
    expect(summary.byType.track).toEqual({ sent: 1, skipped: 1, failed: 0 })
    expect(summary.byType.identify).toEqual({ sent: 1, skipped: 1, failed: 0 })
    expect(summary.http.retries).toBe(0)
    expect(fx.sandbox.state.contacts.map((c) => c.attributes.email)).toEqual(['u1@example.com'])
    expect(fx.sandbox.state.timeline.map((e) => e.event.toLowerCase())).toEqual(['granted', 'page - pricing'])
    const rejects = readRejects(fx.tmp.file('rejects.ndjson'))
    expect(rejects.map((r) => [r.line, r.outcome, r.reason])).toEqual(
      expect.arrayContaining([
        [3, 'skipped', 'no consent: Marketing false'],
        [4, 'skipped', 'no consent: Marketing absent']
      ])
    )
    expect(rejects).toHaveLength(2)
  })

  it('should skip events without consent too with consentWhenMissing "skip"', async () => {
    const { summary } = await run({ consentCategories: ['Marketing'], consentWhenMissing: 'skip' })
    expect(summary.result).toEqual({ sent: 2, notDelivered: 0, skipped: 4 })
    expect(summary.skips).toEqual({ 'no consent': 4 })
    expect(summary.byType.page).toEqual({ sent: 0, skipped: 1, failed: 0 })
    expect(fx.sandbox.state.timeline.map((e) => e.event.toLowerCase())).toEqual(['granted'])
    expect(fx.sandbox.state.accounts).toEqual([])
    const reasons = readRejects(fx.tmp.file('rejects.ndjson')).map((r) => r.reason)
    expect(reasons.filter((r) => r === `no consent: ${PREFS} missing`)).toHaveLength(2)
  })

  it('should never send blocked attributes to Drift', async () => {
    await run({})
    const contact = fx.sandbox.state.contacts.find((c) => c.attributes.email === 'u1@example.com')
    expect(contact?.attributes).toMatchObject({ plan: 'pro' })
    expect(JSON.stringify(fx.sandbox.state)).not.toMatch(/hunter2|4111|sk_live_x|"s"/)
    expect(fx.sandbox.state.timeline.find((e) => e.event === 'Granted')?.attributes).toEqual({ plan: 'pro' })
    expect(fx.sandbox.state.accounts[0].customProperties).toEqual([])
  })

  it('should show "skipped: no consent" in the printed summary and exit 0', async () => {
    const stdout = captureStream()
    const stderr = captureStream()
    const io: CliIO = { stdout, stderr, env: { DRIFT_API_TOKEN: DEFAULT_SANDBOX_TOKEN } }
    const input = fx.tmp.file('events.ndjson', ndjson)
    const args = ['replay', input, '--api-base', fx.sandbox.url, '--rate', 'off', '--no-checkpoint', '--quiet']
    const more = ['--rejects', fx.tmp.file('rejects.ndjson'), '--account-owner-id', '7']
    const code = await main([...args, ...more, '--consent-categories', 'Marketing'], io)
    expect(stdout.text()).toContain('Result: 4 sent · 0 not delivered · 2 skipped')
    expect(stdout.text()).toContain('  skipped: no consent · 2')
    expect(stdout.text()).toMatch(/1 {2}skipped track: no consent \(line 3\)/)
    expect(code).toBe(0)
  })
})

describe('replay: consent and blocked attributes flags', () => {
  const parse = (flags: Record<string, unknown>) => replayOptionsFrom('events.ndjson', { sandbox: true, ...flags }, {})

  it('should pass comma-separated lists and the choice on as settings', () => {
    const { options } = parse({
      consentCategories: 'Marketing, C0004',
      consentWhenMissing: 'skip',
      blockedAttributes: 'password,internal_*'
    })
    expect(options.settings).toEqual({
      consentCategories: ['Marketing', 'C0004'],
      consentWhenMissing: 'skip',
      blockedAttributes: ['password', 'internal_*']
    })
    expect(parse({ blockedAttributes: '' }).options.settings).toEqual({ blockedAttributes: [] })
  })

  it('should refuse bad values as usage errors naming the flag and the rule', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ consentWhenMissing: 'drop' }, '--consent-when-missing: consentWhenMissing must be "send" or "skip"'],
      [
        { blockedAttributes: 'password,*' },
        '--blocked-attributes: blockedAttributes[1] must be a string, not blank and without spaces around it, at most 200 characters and not only *'
      ]
    ]
    for (const [flags, message] of cases) {
      expect(() => parse(flags)).toThrow(UsageError)
      expect(() => parse(flags)).toThrow(message)
    }
  })
})
