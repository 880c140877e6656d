import { Destination, type JSONObject } from '@segment/actions-core'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import nock from 'nock'
import { liquidStub, measure } from '../../bench/size'
import { main } from '../../cli/index'
import { withHooks } from '../../cli/deliver'
import driftCloudDestination, { resetDriftCaches, type Settings } from '../../destinations/drift'
import { DEFAULT_SANDBOX_TOKEN, signIdentity, startSandbox, type Sandbox } from '../../sandbox'
import { PLACEHOLDER_IDS, checkDeviceSettings } from '../../shared'
import { cloudSettings, runCloud } from '../hostile/cloud'

// Secrets and identities, server side: the API token never reaches an error message, a log line, the replay's
// output or rejects file, the sandbox's page or state, or a browser bundle; ids that would be shared by several
// people are refused; the sandbox enforces scopes; script-injecting device settings are refused.

jest.setTimeout(60_000)

const TOKEN = 'drift-secret-Q7x9Zp2Lk4'
const SIGNING_SECRET = 'signing-secret-Hh3Kd8'
const ROOT = join(__dirname, '..', '..')
/** Modules only the server side may use: none of them may end up in a browser bundle. */
const SERVER_ONLY = ['destinations/drift/', 'sandbox/', 'cli/', 'shared/cloud-settings-rules.ts']

let dir: string
let consoleText: () => string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drift-security-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeEach(() => {
  const lines: string[] = []
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')))
  }
  consoleText = () => lines.join('\n')
})
afterEach(() => jest.restoreAllMocks())

describe('the API token in cloud mode', () => {
  const base = 'https://driftapi.com'
  const settings = { ...cloudSettings(base, TOKEN) } as JSONObject
  const track = { type: 'track', userId: 'user-sec-1', event: 'Secret Test', properties: { a: 1 } }
  const run = () => runCloud(new Destination(driftCloudDestination), track, settings)

  beforeAll(() => nock.disableNetConnect())
  afterAll(() => {
    nock.cleanAll()
    nock.enableNetConnect()
  })
  beforeEach(() => resetDriftCaches())

  it.each([
    ['400 echoing the token', 400, { error: { message: `bad request for token ${TOKEN}` } }],
    ['401', 401, { error: { message: `token ${TOKEN} revoked` } }],
    ['403', 403, { error: { message: `Bearer ${TOKEN} lacks contact_write` } }],
    ['429', 429, { error: { message: `slow down ${TOKEN}` } }],
    ['500 with a text body', 500, `internal error near Authorization: Bearer ${TOKEN}`]
  ])('never appears in the error for a Drift %s', async (_name, status, body) => {
    nock(base)
      .post('/contacts/timeline')
      .reply(status, body as never, { 'retry-after': '2' })
    const outcome = await run()
    expect(outcome.outcome).toBe('refused')
    expect(JSON.stringify(outcome)).not.toContain(TOKEN)
    expect(consoleText()).not.toContain(TOKEN)
  })

  it('never appears in the error for a network failure or a timeout', async () => {
    nock(base).post('/contacts/timeline').replyWithError(`socket hang up (token ${TOKEN})`)
    const failed = await run()
    nock(base).post('/contacts/timeline').delay(500).reply(200, {})
    // A 50 ms timeout for this client only, set the way the replay sets its own.
    const stats = { requests: 0, byStatus: {}, byRoute: {} }
    const hooked = withHooks(driftCloudDestination as never, stats, { timeoutMs: () => 50 })
    const timedOut = await runCloud(new Destination(hooked as never), track, settings)
    for (const outcome of [failed, timedOut]) {
      expect(outcome.outcome).toBe('refused')
      expect(JSON.stringify(outcome)).not.toContain(TOKEN)
    }
    expect(consoleText()).not.toContain(TOKEN)
  })

  it('never appears when the token check fails', async () => {
    nock(base)
      .post('/app/token_info')
      .reply(401, { error: { message: `unknown token ${TOKEN}` } })
    nock(base).post('/app/token_info').reply(200, { authenticated_userid: 'orgId:1', scope: 'contact_read' })
    const destination = new Destination(driftCloudDestination)
    for (let i = 0; i < 2; i++) {
      const error = await destination.testAuthentication(settings as unknown as Settings).then(
        () => new Error('accepted'),
        (e: Error) => e
      )
      expect(error.message).not.toBe('accepted')
      expect(error.message).not.toContain(TOKEN)
    }
    expect(consoleText()).not.toContain(TOKEN)
  })
})

describe('the API token in the replay and the sandbox', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimit: false, tokens: { [TOKEN]: ['contact_read', 'contact_write'] } })
  })
  afterAll(() => sandbox.close())

  async function cli(args: string[], env: Record<string, string>) {
    let stdout = ''
    let stderr = ''
    const code = await main(args, {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t), isTTY: false },
      env
    })
    return { code, text: stdout + stderr }
  }

  it('never appears in stdout, stderr, the rejects file or the sandbox page and state', async () => {
    const input = join(dir, 'secret.ndjson')
    const rejects = join(dir, 'secret.rejects.ndjson')
    writeFileSync(
      input,
      [
        { type: 'identify', userId: 'sec-1', traits: { email: 'sec-1@example.com' } },
        { type: 'track', userId: 'sec-1', event: 'Paid', properties: { note: 'fine' } },
        // Rejected events that carry the token: the rejects file must not repeat it.
        { type: 'identify', userId: 'sec-2', traits: { leaked: TOKEN } },
        { type: 'group', userId: 'sec-1', groupId: 'g', traits: { website: 'example.com', key: `Bearer ${TOKEN}` } },
        { type: 'alias', userId: TOKEN }
      ]
        .map((e) => JSON.stringify(e))
        .join('\n')
    )
    const args = ['replay', input, '--api-base', sandbox.url, '--rate', 'off', '--rejects', rejects]
    const { code, text } = await cli([...args, '--no-checkpoint', '--json'], { DRIFT_API_TOKEN: TOKEN })
    expect(code).toBe(1) // some events are not delivered (on purpose)
    expect(text).not.toContain(TOKEN)
    const rejected = readFileSync(rejects, 'utf8')
    expect(rejected.trim().split('\n')).toHaveLength(3)
    expect(rejected).toContain('[redacted]')
    expect(rejected).not.toContain(TOKEN)
    expect(sandbox.state.timeline.map((t) => t.event)).toEqual(['Paid'])

    for (const path of ['/', '/_sandbox/state', '/_sandbox/counts']) {
      const body = await (await fetch(`${sandbox.url}${path}`)).text()
      expect(body).not.toContain(TOKEN)
    }
    const stateFile = join(dir, 'state.json')
    const saved = await startSandbox({ rateLimit: false, stateFile, tokens: { [TOKEN]: ['contact_write'] } })
    await fetch(`${saved.url}/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ attributes: { email: 'x@example.com' } })
    })
    await saved.close()
    expect(readFileSync(stateFile, 'utf8')).not.toContain(TOKEN)
  })

  it('never appears when the token is refused (given by --token)', async () => {
    const input = join(dir, 'one.ndjson')
    writeFileSync(input, JSON.stringify({ type: 'track', userId: 'u', event: 'E' }))
    const wrong = `${TOKEN}-wrong`
    const { code, text } = await cli(
      ['replay', input, '--api-base', sandbox.url, '--token', wrong, '--no-checkpoint', '--rejects', join(dir, 'r')],
      {}
    )
    expect(code).toBe(3) // the target refused the credentials
    expect(text).toMatch(/refused/)
    expect(text).not.toContain(wrong)
    expect(consoleText()).not.toContain(wrong)
  })
})

describe('the browser bundles', () => {
  it('hold no API token, signing secret, sandbox token, bearer header or server code', async () => {
    const bundles = [
      await measure('plugin', 'destinations/drift-web/plugin.ts'),
      await measure('destination', 'destinations/drift-web/destination.ts', [liquidStub]),
      await measure('web entry', 'destinations/drift-web/index.ts', [liquidStub])
    ]
    // Strings a server-side module would bring along (the sandbox's token is a constant of the sandbox's code).
    const forbidden = [
      DEFAULT_SANDBOX_TOKEN,
      'Bearer ',
      'DRIFT_API_TOKEN',
      'driftapi.com',
      'apiToken',
      'signedIdentitySecret',
      'createHmac'
    ]
    for (const bundle of bundles) {
      expect(bundle.code.length).toBeGreaterThan(1000)
      const found = forbidden.filter((secret) => bundle.code.includes(secret))
      expect({ bundle: bundle.name, found }).toEqual({ bundle: bundle.name, found: [] })
      // Nothing that looks like a JWT or a private key either.
      expect(bundle.code).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/)
      expect(bundle.code).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/)
      // No server-only module is bundled at all: cloud mode, the sandbox, the CLI, the cloud settings table.
      const inputs = Object.keys(bundle.metafile.inputs).map((path) => relative(ROOT, resolve(path)))
      expect(inputs.some((path) => path.startsWith('destinations/drift-web/'))).toBe(true)
      const serverOnly = inputs.filter((path) => SERVER_ONLY.some((prefix) => path.startsWith(prefix)))
      expect({ bundle: bundle.name, serverOnly }).toEqual({ bundle: bundle.name, serverOnly: [] })
    }
  })
})

describe('ids that collide', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimit: false })
  })
  afterAll(() => sandbox.close())

  const variants: unknown[] = [
    ...PLACEHOLDER_IDS,
    ...PLACEHOLDER_IDS.map((id) => id.toUpperCase()),
    'Undefined',
    // Numbers beyond 2^53 arrive rounded (JSON.parse) and as text (actions-core): several users would share one.
    JSON.parse('12345678901234567890') as number,
    2 ** 60 + 1,
    1e21
  ]

  it.each(['identify', 'track', 'page'])('are refused by cloud mode for %s, and nothing is written', async (type) => {
    resetDriftCaches()
    const settings = {
      ...cloudSettings(sandbox.url, DEFAULT_SANDBOX_TOKEN),
      blockedUserIds: ['demo@example.com']
    } as JSONObject
    const destination = new Destination(driftCloudDestination)
    for (const userId of [...variants, 'demo@example.com', 'DEMO@example.com']) {
      const event = {
        type,
        userId,
        event: 'E',
        name: 'Home',
        traits: { email: 'shared@example.com' },
        context: { traits: { email: 'shared@example.com' } }
      }
      const outcome = await runCloud(destination, event, settings)
      expect({ userId, outcome }).toEqual({
        userId,
        outcome: { outcome: 'refused', errorClass: 'PayloadValidationError', reason: expect.stringMatching(/userId/) }
      })
    }
    expect(sandbox.state.contacts).toEqual([])
    expect(sandbox.state.timeline).toEqual([])
  })
})

describe('the sandbox enforces scopes', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({
      rateLimit: false,
      tokens: { 'read-only': ['contact_read'], contacts: ['contact_read', 'contact_write'], nothing: [] }
    })
  })
  afterAll(() => sandbox.close())

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {})
      },
      body: body ? JSON.stringify(body) : undefined
    })
    return { status: response.status, text: await response.text() }
  }

  it.each([
    ['no token', 'POST', '/contacts', undefined, 401, /token|auth/i],
    ['an unknown token', 'GET', '/contacts?email=a@b.c', 'guess', 401, /token|auth/i],
    ['read-only writing a contact', 'POST', '/contacts', 'read-only', 403, /contact_write/],
    ['read-only posting a timeline event', 'POST', '/contacts/timeline', 'read-only', 403, /contact_write/],
    ['no scopes reading contacts', 'GET', '/contacts?email=a@b.c', 'nothing', 403, /contact_read/],
    ['contacts creating an account', 'POST', '/accounts/create', 'contacts', 403, /account_write/],
    ['contacts deleting by GDPR', 'POST', '/gdpr/delete', 'contacts', 403, /gdpr_write/],
    ['contacts listing attributes', 'GET', '/contacts/attributes', 'contacts', 403, /all_contact_read/]
  ])('refuses %s', async (_name, method, path, token, status, message) => {
    const body = method === 'POST' ? { attributes: { email: 'a@b.c' }, email: 'a@b.c' } : undefined
    const answer = await call(method, path, token, body)
    expect(answer.status).toBe(status)
    expect(answer.text).toMatch(message)
    expect(sandbox.state.contacts).toEqual([])
  })

  it('makes the cloud destination name the missing scope', async () => {
    resetDriftCaches()
    const outcome = await runCloud(
      new Destination(driftCloudDestination),
      { type: 'track', userId: 'scoped-1', event: 'E', context: { traits: { email: 'scoped@example.com' } } },
      cloudSettings(sandbox.url, 'read-only')
    )
    expect(outcome).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('contact_write') })
  })
})

describe('device settings that could inject script', () => {
  it.each([
    ['embedId', 'x"><script>alert(1)</script>'],
    ['embedId', 'abc/../../evil'],
    ['embedId', 'abc.js?callback=alert'],
    ['embedId', 'a b'],
    ['embedId', ''],
    ['embedId', 'javascript:alert(1)'],
    ['scriptOrigin', 'javascript:alert(1)'],
    ['scriptOrigin', 'data:text/javascript,alert(1)'],
    ['scriptOrigin', '//evil.example'],
    ['scriptOrigin', 'http://evil.example'],
    ['scriptOrigin', 'https://evil.example/"><script>'],
    ['scriptOrigin', 'https://evil.example\\@js.driftt.com'],
    ['scriptOrigin', 'https://user:pass@evil.example']
  ])('refuses %s %j, naming the setting', (setting, value) => {
    const input = { embedId: 'abc123', [setting]: value }
    expect(() => checkDeviceSettings(input)).toThrow(new RegExp(setting))
  })

  it('accepts real values', () => {
    expect(checkDeviceSettings({ embedId: 'buvw2r8z43np-dev', scriptOrigin: 'https://js.driftt.com' })).toMatchObject({
      embedId: 'buvw2r8z43np-dev'
    })
    expect(signIdentity('u', SIGNING_SECRET)).toMatch(/^eyJ/) // the JWT pattern the bundle check looks for
  })
})
