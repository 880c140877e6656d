import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JSDOM } from 'jsdom'
import { DEFAULT_SANDBOX_TOKEN, signIdentity, startSandbox, verifyIdentity } from '..'
import { call } from './helpers'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drift-sandbox-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('startSandbox options', () => {
  it('listens on loopback only', async () => {
    await expect(startSandbox({ host: '0.0.0.0' })).rejects.toThrow(/loopback/)
    await expect(startSandbox({ host: '192.168.1.5' })).rejects.toThrow(/loopback/)
    const sandbox = await startSandbox()
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await sandbox.close()
    await sandbox.close() // closing twice is harmless
  })

  it('refuses malformed tokens and fault settings', async () => {
    await expect(startSandbox({ tokens: { t: 'contact_read' as unknown as string[] } })).rejects.toThrow(/tokens/)
    await expect(startSandbox({ faults: { dropRate: -1 } })).rejects.toThrow(/faults.dropRate/)
    await expect(startSandbox({ rateLimit: { capacity: 0, windowMs: 10 } })).rejects.toThrow(/capacity/)
  })
})

describe('state file', () => {
  it('saves on close and loads at start, continuing the ids', async () => {
    const stateFile = join(dir, 'nested', 'state.json')
    const first = await startSandbox({ stateFile })
    const created = await call(first.url, 'POST', '/contacts', {
      attributes: { email: 'a@example.com', externalId: 'u1' }
    })
    await call(first.url, 'POST', '/contacts/timeline', { externalId: 'u1', event: 'Signed Up' })
    await call(first.url, 'POST', '/accounts/create', { ownerId: 1, domain: 'acme.com' })
    await first.close()
    const saved = await readFile(stateFile, 'utf8')
    expect(saved).not.toContain(DEFAULT_SANDBOX_TOKEN)

    const second = await startSandbox({ stateFile })
    try {
      expect(second.state.contacts).toEqual([expect.objectContaining({ id: created.body.data.id })])
      expect(second.state.timeline.map((e) => e.event)).toEqual(['Signed Up'])
      expect(second.state.accounts.map((a) => a.domain)).toEqual(['acme.com'])
      const found = await call(second.url, 'GET', '/contacts?idType=external&id=u1')
      expect(found.body.data[0].id).toBe(created.body.data.id)
      const next = await call(second.url, 'POST', '/contacts', { attributes: { email: 'b@example.com' } })
      expect(next.body.data.id).toBe(created.body.data.id + 1)
      expect((await call(second.url, 'POST', '/accounts/create', { ownerId: 1, domain: 'acme.com' })).status).toBe(409)
    } finally {
      await second.close()
    }
  })

  it('saves on POST /_sandbox/save, and refuses when there is no state file', async () => {
    const stateFile = join(dir, 'save.json')
    const sandbox = await startSandbox({ stateFile })
    try {
      await call(sandbox.url, 'POST', '/contacts', { attributes: { email: 'a@example.com' } })
      const saved = await call(sandbox.url, 'POST', '/_sandbox/save', undefined, null)
      expect(saved.status).toBe(200)
      expect(JSON.parse(await readFile(stateFile, 'utf8')).contacts).toHaveLength(1)
    } finally {
      await sandbox.close()
    }
    const without = await startSandbox()
    try {
      expect((await call(without.url, 'POST', '/_sandbox/save', undefined, null)).status).toBe(400)
    } finally {
      await without.close()
    }
  })

  it('refuses a file that is not sandbox state, naming it', async () => {
    const broken = join(dir, 'broken.json')
    await writeFile(broken, '{"contacts": 1}')
    await expect(startSandbox({ stateFile: broken })).rejects.toThrow(broken)
  })
})

describe('admin routes', () => {
  it('shows state with timelines, counts, and resets', async () => {
    const sandbox = await startSandbox()
    try {
      await call(sandbox.url, 'POST', '/contacts', { attributes: { email: 'a@example.com', externalId: 'u1' } })
      await call(sandbox.url, 'POST', '/contacts/timeline', { externalId: 'u1', event: 'One' })
      await call(sandbox.url, 'POST', '/contacts/timeline', { externalId: 'u1', event: 'Two' })
      const state = await call(sandbox.url, 'GET', '/_sandbox/state', undefined, null)
      expect(state.body.contacts[0].timeline.map((e: { event: string }) => e.event)).toEqual(['One', 'Two'])
      expect(state.body.counts['POST /contacts/timeline']).toBe(2)
      expect(state.body.totals).toEqual({ contacts: 1, timeline: 2, accounts: 0, widgetCalls: 0 })
      const limited = await call(sandbox.url, 'GET', '/_sandbox/state?limit=1', undefined, null)
      expect(limited.body.contacts[0].timeline.map((e: { event: string }) => e.event)).toEqual(['Two'])
      expect(limited.body.contacts[0].timelineTotal).toBe(2)
      expect((await call(sandbox.url, 'GET', '/_sandbox/counts', undefined, null)).body).toEqual(sandbox.counts())
      const contacts = sandbox.state.contacts
      expect((await call(sandbox.url, 'POST', '/_sandbox/reset', undefined, null)).status).toBe(200)
      expect(contacts).toHaveLength(0) // the same live arrays, emptied
      expect(sandbox.counts()).toEqual({})
      const again = await call(sandbox.url, 'POST', '/contacts', { attributes: { email: 'a@example.com' } })
      expect(again.body.data.id).toBe(1000000001)
    } finally {
      await sandbox.close()
    }
  })

  it('serves a page that renders user data as text, never as HTML, and never shows tokens', async () => {
    const sandbox = await startSandbox({ tokens: { 'secret-token-123': ['contact_write', 'contact_read'] } })
    try {
      const evil = '<img src=x onerror="window.__pwned=1">'
      await call(
        sandbox.url,
        'POST',
        '/contacts',
        { attributes: { email: 'a@example.com', name: evil } },
        'secret-token-123'
      )
      const response = await fetch(`${sandbox.url}/`)
      expect(response.headers.get('content-type')).toMatch(/^text\/html/)
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
      const html = await response.text()
      expect(html).not.toMatch(/<(link|img)[^>]+(src|href)=|<script[^>]+src=/) // self-contained
      expect(html).not.toContain('secret-token-123')

      // Run the page's own script against the live state (jsdom page on the sandbox's origin).
      const dom = new JSDOM(html, {
        runScripts: 'dangerously',
        url: `${sandbox.url}/`,
        beforeParse: (w) => {
          ;(w as unknown as { fetch: typeof fetch }).fetch = (input, init) =>
            fetch(new URL(String(input), sandbox.url), init)
        }
      })
      try {
        const document = dom.window.document
        const started = Date.now()
        while (!document.getElementById('contacts')?.textContent?.includes(evil) && Date.now() - started < 3000) {
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        expect(document.getElementById('contacts')?.textContent).toContain(evil)
        expect(document.querySelector('#contacts img')).toBeNull()
        expect((dom.window as unknown as { __pwned?: number }).__pwned).toBeUndefined()
        expect(document.body.textContent).not.toContain('secret-token-123')
      } finally {
        dom.window.close()
      }
    } finally {
      await sandbox.close()
    }
  })
})

describe('signed identities', () => {
  it('signs HS256 tokens that verify for the same user, secret and time', () => {
    const token = signIdentity(42, 's3cret', { expiresInSeconds: 60 })
    expect(token.split('.')).toHaveLength(3)
    expect(verifyIdentity(token, 42, 's3cret').verified).toBe(true)
    expect(verifyIdentity(token, '42', 's3cret').verified).toBe(true)
    expect(verifyIdentity(token, 43, 's3cret').verified).toBe(false)
    expect(verifyIdentity(token, 42, 'other').reason).toBe('bad signature')
    expect(verifyIdentity(token, 42, undefined).reason).toMatch(/signedIdentitySecret/)
    expect(verifyIdentity(token, 42, 's3cret', Date.now() + 61_000).reason).toBe('the token has expired')
    const [, body, signature] = token.split('.')
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.${signature}`
    expect(verifyIdentity(none, 42, 's3cret').verified).toBe(false)
  })
})
