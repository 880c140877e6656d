import { build } from 'esbuild'
import fc from 'fast-check'
import { join } from 'node:path'
import { withTables } from '../../scripts/settings-docs'
import { DEFAULT_BLOCKED_ATTRIBUTES } from '../privacy/blocked-attributes'
import {
  CLOUD_SETTINGS,
  DEVICE_SETTINGS,
  SettingsError,
  checkDeviceSettings,
  cloudSettingFields,
  cloudSettingProblem,
  cloudSettingsTable,
  parseCloudSettings,
  type AnySettingText,
  type SettingsIssue
} from '..'
import { DEVICE_SETTING_TEXT, deviceSettingFields, deviceSettingsTable } from '../device-settings-text'

type Parse = (input: unknown) => unknown
const EMBED_ID_RULE = 'embedId must contain only letters, digits and "-" (1 to 64)'
const ORIGIN = 'must use https and be an origin only (http on localhost)'
const BLOCKED_ENTRY = 'must be a string, not blank and without spaces around it, at most 200 characters and not only *'
const NAME_RULE = 'must be a string, not blank and without spaces around it'
const device: [string, Parse][] = [['checkDeviceSettings', checkDeviceSettings]]
const cloud: [string, Parse][] = [['parseCloudSettings', parseCloudSettings]]

/** The SettingsError a parse throws (fails the test when it does not throw one). */
function errorOf(parse: Parse, input: unknown): SettingsError {
  try {
    parse(input)
  } catch (error) {
    if (error instanceof SettingsError) return error
    throw error
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`)
}
const issuesOf = (parse: Parse, input: unknown): SettingsIssue[] => errorOf(parse, input).issues

describe.each(device)('device settings (%s)', (_name, parse) => {
  const valid = { embedId: 'buvw2r8z43np-dev' }

  it('should fill in every default', () => {
    expect(parse(valid)).toEqual({
      embedId: 'buvw2r8z43np-dev',
      scriptOrigin: 'https://js.driftt.com',
      identityMode: 'identify',
      dateUnit: 'milliseconds',
      separator: '_',
      trackPages: true,
      widgetEvents: [],
      identifyOnEmailCapture: false,
      requireSignedIdentity: false,
      signedIdentityTimeoutMs: 3000,
      readyTimeoutMs: 15000,
      blockedUserIds: [],
      consentCategories: [],
      consentWhenMissing: 'send',
      blockedAttributes: [...DEFAULT_BLOCKED_ATTRIBUTES]
    })
  })

  it('should treat null and "" like an absent setting, and drop unknown settings', () => {
    expect(parse({ ...valid, dateUnit: null, separator: '', unknown: 1 })).toMatchObject({
      dateUnit: 'milliseconds',
      separator: '_'
    })
    expect(parse({ ...valid, unknown: 1 })).not.toHaveProperty('unknown')
  })

  it('should keep valid values', () => {
    const resolver = () => 'jwt'
    const settings = parse({
      ...valid,
      scriptOrigin: 'http://127.0.0.1:4010/',
      identityMode: 'attributes',
      dateUnit: 'seconds',
      separator: '.',
      trackPages: false,
      widgetEvents: ['startConversation', 'scheduling:meetingBooked'],
      identifyOnEmailCapture: true,
      requireSignedIdentity: true,
      signedIdentity: resolver,
      signedIdentityTimeoutMs: 500,
      readyTimeoutMs: 120000,
      blockedUserIds: ['demo'],
      consentCategories: ['Marketing', 'C0004'],
      consentWhenMissing: 'skip',
      blockedAttributes: []
    })
    expect(settings).toEqual({
      embedId: 'buvw2r8z43np-dev',
      scriptOrigin: 'http://127.0.0.1:4010',
      identityMode: 'attributes',
      dateUnit: 'seconds',
      separator: '.',
      trackPages: false,
      widgetEvents: ['startConversation', 'scheduling:meetingBooked'],
      identifyOnEmailCapture: true,
      requireSignedIdentity: true,
      signedIdentity: resolver,
      signedIdentityTimeoutMs: 500,
      readyTimeoutMs: 120000,
      blockedUserIds: ['demo'],
      consentCategories: ['Marketing', 'C0004'],
      consentWhenMissing: 'skip',
      blockedAttributes: []
    })
    expect((settings as { signedIdentity: unknown }).signedIdentity).toBe(resolver)
  })

  it('should keep every flag as given, false included, and accept its own output again', () => {
    for (const trackPages of [false, true]) {
      for (const identifyOnEmailCapture of [false, true]) {
        const flags = { trackPages, identifyOnEmailCapture, requireSignedIdentity: !identifyOnEmailCapture }
        const settings = parse({ ...valid, ...flags })
        expect(settings).toMatchObject(flags)
        expect(parse(settings)).toEqual(settings)
      }
    }
  })

  it('should give each default list its own array', () => {
    const a = parse(valid) as { widgetEvents: string[]; blockedUserIds: string[] }
    const b = parse(valid) as { widgetEvents: string[]; blockedUserIds: string[] }
    expect(a.widgetEvents).toEqual([])
    expect(a.widgetEvents).not.toBe(b.widgetEvents)
    expect(a.blockedUserIds).toEqual([])
    expect(a.blockedUserIds).not.toBe(b.blockedUserIds)
  })

  it.each([
    [{ embedId: undefined }, 'embedId', EMBED_ID_RULE],
    [{ embedId: 42 }, 'embedId', EMBED_ID_RULE],
    [{ embedId: '"><script>alert(1)</script>' }, 'embedId', EMBED_ID_RULE],
    [{ embedId: 'abc/../x' }, 'embedId', EMBED_ID_RULE],
    [{ embedId: 'abc def' }, 'embedId', EMBED_ID_RULE],
    [{ embedId: 'a'.repeat(65) }, 'embedId', EMBED_ID_RULE],
    [{ identityMode: 'signed' }, 'identityMode', 'identityMode must be "identify" or "attributes"'],
    [{ dateUnit: 'hours' }, 'dateUnit', 'dateUnit must be "seconds" or "milliseconds"'],
    [{ separator: 'x' }, 'separator', 'separator must be 1 to 3 characters, none of them a letter, digit or space'],
    [{ separator: '____' }, 'separator', 'separator must be 1 to 3 characters, none of them a letter, digit or space'],
    [{ separator: ' ' }, 'separator', 'separator must be 1 to 3 characters, none of them a letter, digit or space'],
    [{ trackPages: 'yes' }, 'trackPages', 'trackPages must be true or false'],
    [{ widgetEvents: 'startConversation' }, 'widgetEvents', 'widgetEvents must be a list of strings'],
    [{ widgetEvents: ['ok', '<img>'] }, 'widgetEvents', 'widgetEvents[1] must be a Drift event name'],
    [{ identifyOnEmailCapture: 1 }, 'identifyOnEmailCapture', 'identifyOnEmailCapture must be true or false'],
    [{ requireSignedIdentity: 'true' }, 'requireSignedIdentity', 'requireSignedIdentity must be true or false'],
    [{ signedIdentity: 'jwt' }, 'signedIdentity', 'signedIdentity must be a function'],
    [
      { signedIdentityTimeoutMs: 0 },
      'signedIdentityTimeoutMs',
      'signedIdentityTimeoutMs must be a whole number 1-60000'
    ],
    [
      { signedIdentityTimeoutMs: 1.5 },
      'signedIdentityTimeoutMs',
      'signedIdentityTimeoutMs must be a whole number 1-60000'
    ],
    [{ readyTimeoutMs: 120001 }, 'readyTimeoutMs', 'readyTimeoutMs must be a whole number 1-120000'],
    [
      { blockedUserIds: [1] },
      'blockedUserIds',
      'blockedUserIds[0] must be a string, not blank and without spaces around it'
    ],
    [
      { blockedUserIds: ['demo', ' demo'] },
      'blockedUserIds',
      'blockedUserIds[1] must be a string, not blank and without spaces around it'
    ],
    [{ consentCategories: 'Marketing' }, 'consentCategories', 'consentCategories must be a list of strings'],
    [
      { consentCategories: ['Marketing', ' C0004'] },
      'consentCategories',
      'consentCategories[1] must be a string, not blank and without spaces around it'
    ],
    [
      { consentCategories: ['\u200b'] },
      'consentCategories',
      'consentCategories[0] must be a string, not blank and without spaces around it'
    ],
    [{ consentWhenMissing: 'drop' }, 'consentWhenMissing', 'consentWhenMissing must be "send" or "skip"'],
    [{ blockedAttributes: ['password', ''] }, 'blockedAttributes', `blockedAttributes[1] ${BLOCKED_ENTRY}`],
    [{ blockedAttributes: ['a', '**'] }, 'blockedAttributes', `blockedAttributes[1] ${BLOCKED_ENTRY}`],
    [
      { blockedAttributes: Array.from({ length: 201 }, (_, i) => `a${i}`) },
      'blockedAttributes',
      'blockedAttributes must be a list of strings (at most 200)'
    ]
  ])('should refuse %j naming the setting and the rule', (override, setting, rule) => {
    const error = errorOf(parse, { ...valid, ...override })
    expect(error.issues).toEqual([{ setting, rule }])
    expect(error.message).toBe(`Invalid Drift settings: ${rule}`)
    expect(error.name).toBe('SettingsError')
  })

  it.each([
    ['javascript:alert(1)', ORIGIN],
    ['data:text/javascript,alert(1)', ORIGIN],
    ['http://js.driftt.com', ORIGIN],
    ['https://js.driftt.com/include', ORIGIN],
    ['https://js.driftt.com?x=1', ORIGIN],
    ['https://js.driftt.com#x', ORIGIN],
    ['//js.driftt.com', ORIGIN],
    ['js.driftt.com', ORIGIN],
    ['https://user:pass@js.driftt.com', ORIGIN],
    ['https://user@js.driftt.com', ORIGIN],
    ['https://js.driftt.com"><script>', ORIGIN],
    ["https://js.driftt.com'", ORIGIN],
    ['https://a"b.com', ORIGIN],
    ['https://js.driftt.com\n', ORIGIN],
    ['https://evil.com\\@js.driftt.com', ORIGIN],
    ['https://js.driftt.com:99999', ORIGIN],
    ['https://[zz]', ORIGIN],
    ['http://localhost.evil.com', ORIGIN],
    [42, ORIGIN]
  ])('should refuse the scriptOrigin %j', (scriptOrigin, rule) => {
    expect(issuesOf(parse, { ...valid, scriptOrigin })).toEqual([
      { setting: 'scriptOrigin', rule: `scriptOrigin ${rule}` }
    ])
  })

  it('should accept https origins and http on loopback, in canonical form', () => {
    const origin = (scriptOrigin: string) =>
      (parse({ ...valid, scriptOrigin }) as { scriptOrigin: string }).scriptOrigin
    expect(origin('https://cdn.example.com/')).toBe('https://cdn.example.com')
    expect(origin('HTTPS://CDN.Example.com:443')).toBe('https://cdn.example.com')
    expect(origin('https://cdn.example.com:8443')).toBe('https://cdn.example.com:8443')
    expect(origin('http://localhost:4010')).toBe('http://localhost:4010')
    expect(origin('http://[::1]:4010')).toBe('http://[::1]:4010')
    expect(origin('http://LOCALHOST')).toBe('http://localhost')
  })

  it('should list every problem at once', () => {
    expect(issuesOf(parse, { embedId: '<x>', dateUnit: 'hours', trackPages: 'no' }).map((i) => i.setting)).toEqual([
      'embedId',
      'dateUnit',
      'trackPages'
    ])
  })

  it('should treat undefined and null as no settings: the required setting is missing', () => {
    for (const input of [undefined, null]) {
      expect(issuesOf(parse, input)).toEqual([{ setting: 'embedId', rule: EMBED_ID_RULE }])
    }
  })

  it.each([
    ['buvw2r8z43np', 'a string'],
    [[], 'a list'],
    [['buvw2r8z43np'], 'a list'],
    [42, 'a number'],
    [true, 'a boolean'],
    [() => valid, 'a function']
  ])('should refuse settings given as %p (%s) with one issue', (input, _what) => {
    const error = errorOf(parse, input)
    expect(error.issues).toEqual([{ setting: 'settings', rule: 'settings must be an object' }])
    expect(error.message).toBe('Invalid Drift settings: settings must be an object')
  })
})

const withRequired: [string, Parse, object][] = [
  ...device.map(([name, parse]): [string, Parse, object] => [`device, ${name}`, parse, { embedId: 'abc-123' }]),
  ...cloud.map(([name, parse]): [string, Parse, object] => [`cloud, ${name}`, parse, { apiToken: 'tok-123' }])
]

describe.each(withRequired)('blockedUserIds (%s)', (_name, parse, base) => {
  const blocked = (blockedUserIds: unknown) =>
    (parse({ ...base, blockedUserIds }) as { blockedUserIds: unknown }).blockedUserIds

  it('should keep ids as given, inner spaces and case included', () => {
    const ids = ['demo', 'a', 'Test User', 'ada@example.com', '\u200bdemo']
    expect(blocked(ids)).toEqual(ids)
  })

  // The identity guard refuses blank and padded user ids, so such an entry could never block anyone.
  it.each([
    [[' demo'], 0],
    [['demo '], 0],
    [['demo', '\tdemo'], 1],
    [['demo', 'x', 'demo\n'], 2],
    [[''], 0],
    [['   '], 0],
    [['\u00a0'], 0],
    [['\u200b'], 0],
    [['ok', '\u200b\u200b'], 1]
  ])('should refuse %j (entry %i)', (list, index) => {
    expect(issuesOf(parse, { ...base, blockedUserIds: list })).toEqual([
      {
        setting: 'blockedUserIds',
        rule: `blockedUserIds[${index}] must be a string, not blank and without spaces around it`
      }
    ])
  })

  it('should name the first bad entry, whatever is wrong with it', () => {
    expect(issuesOf(parse, { ...base, blockedUserIds: ['ok', 5, ' x'] })).toEqual([
      { setting: 'blockedUserIds', rule: 'blockedUserIds[1] must be a string, not blank and without spaces around it' }
    ])
    expect(issuesOf(parse, { ...base, blockedUserIds: 'demo' })).toEqual([
      { setting: 'blockedUserIds', rule: 'blockedUserIds must be a list of strings' }
    ])
  })
})

describe.each(cloud)('cloud settings (%s)', (_name, parse) => {
  const token = 'drift-secret-TOKEN-123'
  const valid = { apiToken: token }

  it('should fill in every default and keep the token', () => {
    expect(parse(valid)).toEqual({
      apiToken: token,
      apiBaseUrl: 'https://driftapi.com',
      dateUnit: 'milliseconds',
      separator: '_',
      blockedUserIds: [],
      consentCategories: [],
      consentWhenMissing: 'send',
      blockedAttributes: [...DEFAULT_BLOCKED_ATTRIBUTES]
    })
  })

  it('should keep valid values, accountOwnerId as a string', () => {
    expect(parse({ ...valid, accountOwnerId: 21965, apiBaseUrl: 'http://127.0.0.1:4010/' })).toMatchObject({
      accountOwnerId: '21965',
      apiBaseUrl: 'http://127.0.0.1:4010'
    })
    expect(parse({ ...valid, accountOwnerId: '21965' })).toMatchObject({ accountOwnerId: '21965' })
    expect(
      parse({
        ...valid,
        apiBaseUrl: 'HTTPS://API.Example.com:443/',
        accountOwnerId: 7,
        dateUnit: 'seconds',
        separator: '.',
        blockedUserIds: ['demo'],
        consentCategories: ['Marketing', 'C0004'],
        consentWhenMissing: 'skip',
        blockedAttributes: ['internal_*']
      })
    ).toEqual({
      apiToken: token,
      apiBaseUrl: 'https://api.example.com',
      accountOwnerId: '7',
      dateUnit: 'seconds',
      separator: '.',
      blockedUserIds: ['demo'],
      consentCategories: ['Marketing', 'C0004'],
      consentWhenMissing: 'skip',
      blockedAttributes: ['internal_*']
    })
  })

  it('should give each default list its own array', () => {
    const a = parse(valid) as { blockedUserIds: string[] }
    expect(a.blockedUserIds).not.toBe((parse(valid) as { blockedUserIds: string[] }).blockedUserIds)
  })

  it.each([
    ['drift-secret-TOKEN-123', 'a string'],
    [['drift-secret-TOKEN-123'], 'a list'],
    [7, 'a number']
  ])('should refuse settings given as %p (%s) with one issue, never the value', (input, _what) => {
    const error = errorOf(parse, input)
    expect(error.issues).toEqual([{ setting: 'settings', rule: 'settings must be an object' }])
    expect(JSON.stringify([error.message, error.issues])).not.toContain('secret')
  })

  it('should treat undefined and null as no settings: the token is missing', () => {
    for (const input of [undefined, null]) {
      expect(issuesOf(parse, input)).toEqual([
        { setting: 'apiToken', rule: 'apiToken is required (a Drift API token)' }
      ])
    }
  })

  it.each([
    [{ apiToken: undefined }, 'apiToken', 'apiToken is required (a Drift API token)'],
    [{ apiToken: '' }, 'apiToken', 'apiToken is required (a Drift API token)'],
    [{ apiToken: 123 }, 'apiToken', 'apiToken is required (a Drift API token)'],
    [{ apiBaseUrl: 'http://driftapi.com' }, 'apiBaseUrl', `apiBaseUrl ${ORIGIN}`],
    [{ apiBaseUrl: 'https://driftapi.com/v1' }, 'apiBaseUrl', `apiBaseUrl ${ORIGIN}`],
    [{ apiBaseUrl: 'https://u:p@driftapi.com' }, 'apiBaseUrl', `apiBaseUrl ${ORIGIN}`],
    [{ apiBaseUrl: 42 }, 'apiBaseUrl', `apiBaseUrl ${ORIGIN}`],
    [{ consentCategories: [' Ads'] }, 'consentCategories', `consentCategories[0] ${NAME_RULE}`],
    [{ blockedAttributes: ['*'] }, 'blockedAttributes', `blockedAttributes[0] ${BLOCKED_ENTRY}`],
    [
      { blockedAttributes: Array.from({ length: 201 }, (_, i) => `a${i}`) },
      'blockedAttributes',
      'blockedAttributes must be a list of strings (at most 200)'
    ],
    [{ accountOwnerId: 'abc' }, 'accountOwnerId', 'accountOwnerId must be a Drift user id (a whole number)'],
    [{ accountOwnerId: 0 }, 'accountOwnerId', 'accountOwnerId must be a Drift user id (a whole number)'],
    [{ accountOwnerId: 1.5 }, 'accountOwnerId', 'accountOwnerId must be a Drift user id (a whole number)'],
    [{ accountOwnerId: 2 ** 64 }, 'accountOwnerId', 'accountOwnerId must be a Drift user id (a whole number)'],
    // Digits beyond 2^53 read as a different number: 90071992547409931 would become 90071992547409940.
    [
      { accountOwnerId: '90071992547409931' },
      'accountOwnerId',
      'accountOwnerId must be a Drift user id (a whole number)'
    ],
    [{ dateUnit: 'ms' }, 'dateUnit', 'dateUnit must be "seconds" or "milliseconds"'],
    [{ separator: 'ab' }, 'separator', 'separator must be 1 to 3 characters, none of them a letter, digit or space'],
    [{ blockedUserIds: 'demo' }, 'blockedUserIds', 'blockedUserIds must be a list of strings']
  ])('should refuse %j naming the setting and the rule', (override, setting, rule) => {
    expect(issuesOf(parse, { ...valid, ...override })).toEqual([{ setting, rule }])
  })

  it('should never repeat the apiToken in an error, whatever is wrong', () => {
    const secrets = ['secret token with spaces', 'secret\ntoken', 'sécret-tøken', 'secret\u0000token']
    for (const apiToken of secrets) {
      const error = errorOf(parse, { apiToken, apiBaseUrl: `https://${apiToken}`, separator: apiToken })
      expect(error.issues.map((i) => i.setting)).toContain('apiToken')
      const everything = [
        error.message,
        error.stack,
        String(error),
        JSON.stringify(error),
        JSON.stringify(error.issues)
      ]
      for (const text of everything) {
        expect(text).not.toContain(apiToken)
        expect(text).not.toContain('secret')
      }
    }
    const rest = errorOf(parse, { apiToken: token, dateUnit: 'x' })
    expect(JSON.stringify([rest.message, rest.issues, rest.stack])).not.toContain(token)
  })
})

// ---- One definition per setting: fields, tables and checks agree because they come from it ----

const modes = [
  {
    mode: 'device',
    fields: deviceSettingFields(),
    table: deviceSettingsTable(),
    names: Object.keys(DEVICE_SETTINGS),
    texts: DEVICE_SETTING_TEXT as Record<string, AnySettingText>,
    parse: checkDeviceSettings as Parse,
    base: { embedId: 'abc-123' } as Record<string, unknown>
  },
  {
    mode: 'cloud',
    fields: cloudSettingFields(),
    table: cloudSettingsTable(),
    names: Object.keys(CLOUD_SETTINGS),
    texts: CLOUD_SETTINGS as Record<string, AnySettingText>,
    parse: parseCloudSettings as Parse,
    base: { apiToken: 'tok-123' } as Record<string, unknown>
  }
]

describe.each(modes)('Drift.settings definitions ($mode)', ({ fields, table, names, texts, parse, base }) => {
  const filled = parse(base) as Record<string, unknown>

  it('should offer a field for every setting a catalog can hold, with its label and description', () => {
    const offered = names.filter((name) => texts[name].catalog !== false)
    expect(Object.keys(fields)).toEqual(offered)
    for (const name of offered) {
      expect(fields[name]).toMatchObject({ label: texts[name].label, description: texts[name].description })
      expect(fields[name].label).toMatch(/^[A-Z]/)
      expect(fields[name].description).toMatch(/\.$/)
    }
  })

  it('should show as field default the value the check fills in, and mark required what the check requires', () => {
    for (const [name, field] of Object.entries(fields)) {
      // The required setting comes from `base`: it has no default.
      const fill = name in base ? undefined : filled[name]
      if (Array.isArray(fill)) expect([name, field.default, field.multiple]).toEqual([name, undefined, true])
      else expect([name, field.default]).toEqual([name, fill])
      const without = { ...base, [name]: undefined }
      const refused = field.required ? issuesOf(parse, without).map((issue) => issue.setting) : []
      expect([name, refused]).toEqual([name, field.required ? [name] : []])
      if (!field.required) expect(() => parse(without)).not.toThrow()
    }
  })

  it('should offer as choices exactly values the check accepts', () => {
    const withChoices = Object.entries(fields).filter(([, field]) => field.choices)
    expect(withChoices.length).toBeGreaterThan(0)
    for (const [name, field] of withChoices) {
      for (const { value } of field.choices ?? []) {
        expect((parse({ ...base, [name]: value }) as Record<string, unknown>)[name]).toBe(value)
        expect(issuesOf(parse, { ...base, [name]: `${value}x` }).map((issue) => issue.setting)).toEqual([name])
      }
    }
  })

  it('should list every setting once in the docs table, with the default the check fills in', () => {
    const rows = table.split('\n').slice(2)
    expect(rows.map((row) => row.split(' | ')[0])).toEqual(names.map((name) => `| \`${name}\``))
    for (const row of rows) {
      const [, name, , defaultCell] = /^\| `(\w+)` \| (.+?) \| (.+?) \| /.exec(row) ?? []
      if (defaultCell === 'required') expect(issuesOf(parse, { ...base, [name]: undefined })).not.toEqual([])
      else if (defaultCell === 'none') expect(filled).not.toHaveProperty(name)
      else expect([name, defaultCell]).toEqual([name, `\`${JSON.stringify(filled[name]).replace(/^"|"$/g, '')}\``])
    }
  })

  it('should answer any input with settings or a SettingsError, never another error', () => {
    const value = fc.oneof(fc.anything(), fc.constantFrom(undefined, null, '', 'https://x.com', ['x'], 1, true))
    const input = fc.oneof(
      fc.anything(),
      fc.dictionary(fc.constantFrom(...names, 'extra', '__proto__'), value).map((extra) => ({ ...base, ...extra }))
    )
    fc.assert(
      fc.property(input, (settings) => {
        try {
          parse(settings)
        } catch (error) {
          expect(error).toBeInstanceOf(SettingsError)
        }
      }),
      { numRuns: 500 }
    )
  })
})

describe('Drift.settings commands', () => {
  it('should check one cloud setting as given, naming it, with no default applied', () => {
    expect(cloudSettingProblem('separator', '.')).toBeUndefined()
    expect(cloudSettingProblem('separator', '')).toBe(
      'separator must be 1 to 3 characters, none of them a letter, digit or space'
    )
    expect(cloudSettingProblem('blockedUserIds', ['a', ' b'])).toBe(
      'blockedUserIds[1] must be a string, not blank and without spaces around it'
    )
    expect(cloudSettingProblem('accountOwnerId', 12)).toBeUndefined()
  })

  it('should write each table between its markers only, and leave a text without markers alone', () => {
    const text = 'intro\n<!-- settings:cloud -->\nold\n<!-- /settings:cloud -->\noutro\n'
    const { text: written, found } = withTables(text)
    expect(found).toEqual(['cloud'])
    expect(written).toBe(`intro\n<!-- settings:cloud -->\n${cloudSettingsTable()}\n<!-- /settings:cloud -->\noutro\n`)
    expect(withTables(written).text).toBe(written)
    expect(withTables('no markers')).toEqual({ text: 'no markers', found: [] })
  })
})

describe('Drift.settings in the browser bundle', () => {
  jest.setTimeout(30_000)

  it('should keep texts, zod and the cloud table out of the plugin bundle', async () => {
    const result = await build({
      entryPoints: [join(__dirname, '..', '..', 'destinations', 'drift-web', 'plugin.ts')],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      external: ['@segment/analytics-next'],
      write: false,
      metafile: true,
      logLevel: 'silent',
      outfile: 'out.js'
    })
    const code = result.outputFiles[0].text
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.filter((path) => /zod|settings\.ts|device-settings-text|cloud-settings-rules/.test(path))).toEqual([])
    // The rules are there (the plugin checks its settings), the texts are not.
    expect(code).toContain('must be true or false')
    for (const text of Object.values(DEVICE_SETTING_TEXT)) {
      expect(code).not.toContain(text.label)
      expect(code).not.toContain(text.description.slice(0, 40))
    }
  })
})
