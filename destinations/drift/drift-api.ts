import type { RequestClient } from '@segment/actions-core'
import type { CloudSettings } from '../../shared'
import { isNullish } from '../../shared/absent'
import { classifyAnswer, classifyNoAnswer, driftMessage, redact } from './errors'
import {
  accountIdOf,
  record,
  SAYS_EXISTS,
  timelineJson,
  toContact,
  type AccountId,
  type DriftContact
} from './drift-bodies'
import { notify } from './drift-requests'
import { parseJsonKeepingBigIntegers, toExactId } from './json'
import { parseRetryAfterMs } from './retry'
import type { TimelineEvent, TimelineTarget } from './timeline-event'

export type { AccountId, DriftContact } from './drift-bodies'
export { onDriftRequest, type DriftRequestEvent } from './drift-requests'

/** Drift's routes, keyed like the sandbox counts them, with the scope each needs and what it does. */
const ROUTES = {
  tokenInfo: { method: 'POST', route: '/app/token_info', scope: undefined, does: 'check the token' },
  findContacts: { method: 'GET', route: '/contacts', scope: 'contact_read', does: 'look a contact up' },
  createContact: { method: 'POST', route: '/contacts', scope: 'contact_write', does: 'create a contact' },
  updateContact: { method: 'PATCH', route: '/contacts/:id', scope: 'contact_write', does: 'update a contact' },
  deleteContact: { method: 'DELETE', route: '/contacts/:id', scope: 'contact_write', does: 'delete a contact' },
  timeline: { method: 'POST', route: '/contacts/timeline', scope: 'contact_write', does: 'add a timeline event' },
  createAccount: { method: 'POST', route: '/accounts/create', scope: 'account_write', does: 'create an account' },
  updateAccount: { method: 'PATCH', route: '/accounts/update', scope: 'account_write', does: 'update an account' },
  getAccount: { method: 'GET', route: '/accounts/:id', scope: 'account_read', does: 'find an account by id' },
  gdprDelete: { method: 'POST', route: '/gdpr/delete', scope: 'gdpr_write', does: 'erase a contact (GDPR)' }
} as const

type RouteName = keyof typeof ROUTES

/** How long a request to Drift may take before it fails as a retryable timeout, unless a client says otherwise. */
export const DEFAULT_DRIFT_TIMEOUT_MS = 10_000

export interface DriftApiOptions {
  /** This client's request timeout in ms (default DEFAULT_DRIFT_TIMEOUT_MS); a request hook may still override it. */
  timeoutMs?: number
}

interface Answer {
  status: number
  body: unknown
  message: string
}

interface CallOptions {
  path?: string
  query?: Record<string, string>
  json?: unknown
  /** A JSON body already serialised (to send a 64-bit id exactly). */
  rawJson?: string
  /** Statuses the caller handles itself (besides 2xx); any other failure becomes an actions-core error. */
  expect?: number[]
}

/**
 * Drift's REST API through actions-core's request client (so the host can observe and test it). Every
 * failure becomes an actions-core error: see `classifyAnswer`. The token never appears in a message.
 */
export class DriftApi {
  private readonly timeoutMs: number

  constructor(
    private readonly request: RequestClient,
    private readonly settings: CloudSettings,
    options: DriftApiOptions = {}
  ) {
    const { timeoutMs = DEFAULT_DRIFT_TIMEOUT_MS } = options
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new RangeError('timeoutMs must be a whole number of milliseconds, at least 1')
    }
    this.timeoutMs = timeoutMs
  }

  /** The token's scopes, and the organisation id from `authenticated_userid: "orgId:<N>"` when present. */
  async tokenInfo(): Promise<{ scopes: string[]; organization?: string; orgId?: string }> {
    const { body } = await this.call('tokenInfo', { json: { access_token: this.settings.apiToken } })
    const data = record(body)
    const scope = typeof data.scope === 'string' ? data.scope : ''
    const organization = typeof data.authenticated_userid === 'string' ? data.authenticated_userid : undefined
    const orgId = /^orgId:(\d+)$/.exec(organization ?? '')?.[1]
    return { scopes: scope.split(/\s+/).filter(Boolean), organization, orgId }
  }

  /** Drift's text says `data` is a list, its own example shows one object: both are read; a 404 is no contact. */
  async findContacts(by: { externalId: string } | { email: string }): Promise<DriftContact[]> {
    const query: Record<string, string> =
      'externalId' in by ? { idType: 'external', id: by.externalId } : { email: by.email }
    const answer = await this.call('findContacts', { query, expect: [404] })
    if (answer.status === 404) return []
    const data = record(answer.body).data
    const items = Array.isArray(data) ? data : isNullish(data) ? [] : [data]
    return items.map(toContact).filter((c): c is DriftContact => c !== undefined)
  }

  /**
   * `conflict` when Drift says the contact exists already: 409, or a 400/422 whose message says so (Drift only
   * documents "an error"), with the existing contact's id when the answer carries one.
   */
  async createContact(
    attributes: Record<string, unknown>
  ): Promise<{ contact: DriftContact } | { conflict: string; existingContactId?: string }> {
    const answer = await this.call('createContact', { json: { attributes }, expect: [400, 409, 422] })
    if (answer.status >= 300) {
      if (answer.status !== 409 && !SAYS_EXISTS.test(answer.message)) throw this.failure('createContact', answer)
      const body = record(answer.body)
      const existingContactId = toExactId(record(body.error).existingContactId ?? body.existingContactId)
      return { conflict: answer.message, existingContactId }
    }
    const contact = toContact(record(answer.body).data)
    if (!contact) throw classifyAnswer({ what: this.what('createContact'), status: 502, message: 'no contact id' })
    return { contact }
  }

  /** Undefined when Drift has no contact with that id (404). */
  async updateContact(id: string, attributes: Record<string, unknown>): Promise<DriftContact | undefined> {
    const answer = await this.call('updateContact', { path: `/contacts/${id}`, json: { attributes }, expect: [404] })
    if (answer.status === 404) return undefined
    return toContact(record(answer.body).data) ?? { id, attributes }
  }

  /** False when there was no such contact (404). */
  async deleteContact(id: string): Promise<boolean> {
    const answer = await this.call('deleteContact', { path: `/contacts/${id}`, expect: [404] })
    return answer.status !== 404
  }

  /** `no-contact` when Drift has no contact for that externalId or contactId (404). */
  async postTimeline(to: TimelineTarget, event: TimelineEvent): Promise<'posted' | 'no-contact'> {
    const answer = await this.call('timeline', { rawJson: timelineJson(to, event), expect: [404] })
    return answer.status === 404 ? 'no-contact' : 'posted'
  }

  async createAccount(
    account: Record<string, unknown>
  ): Promise<{ accountId: AccountId } | { duplicate: string; existingAccountId?: AccountId }> {
    const answer = await this.call('createAccount', { json: account, expect: [400, 409, 422] })
    if (answer.status >= 300) {
      // Drift does not document its answer for a duplicate domain: 409, or a 400/422 that says so.
      if (answer.status === 409 || SAYS_EXISTS.test(answer.message)) {
        const existing = accountIdOf(
          record(record(answer.body).error).existingAccountId ?? record(answer.body).existingAccountId
        )
        return { duplicate: answer.message, existingAccountId: existing }
      }
      throw this.failure('createAccount', answer)
    }
    const accountId = accountIdOf(record(record(answer.body).data).accountId)
    if (accountId === undefined) {
      throw classifyAnswer({ what: this.what('createAccount'), status: 502, message: 'no accountId in the answer' })
    }
    return { accountId }
  }

  /** Undefined when Drift has no account with that id (404). */
  async updateAccount(account: Record<string, unknown> & { accountId: AccountId }): Promise<AccountId | undefined> {
    const answer = await this.call('updateAccount', { json: account, expect: [404] })
    if (answer.status === 404) return undefined
    return accountIdOf(record(record(answer.body).data).accountId) ?? account.accountId
  }

  /** Undefined when Drift has no account with that id (404). `GET /accounts/{id}` is a guess at the path. */
  async getAccount(accountId: AccountId): Promise<AccountId | undefined> {
    const path = `/accounts/${encodeURIComponent(String(accountId))}`
    const answer = await this.call('getAccount', { path, expect: [404] })
    if (answer.status === 404) return undefined
    return accountIdOf(record(record(answer.body).data).accountId) ?? accountId
  }

  /** `POST /gdpr/delete`: Drift erases every contact with this email, with its conversations and messages. */
  async gdprDelete(email: string): Promise<void> {
    await this.call('gdprDelete', { json: { email } })
  }

  private what(name: RouteName): string {
    const { method, route, does } = ROUTES[name]
    return `${method} ${route} (${does})`
  }

  private failure(name: RouteName, answer: Answer, retryAfterMs?: number): Error {
    return classifyAnswer({
      what: this.what(name),
      status: answer.status,
      message: answer.message,
      retryAfterMs,
      scope: ROUTES[name].scope
    })
  }

  private async call(name: RouteName, options: CallOptions): Promise<Answer> {
    const { method, route } = ROUTES[name]
    const path = options.path ?? route
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : ''
    const started = Date.now()
    let response: Awaited<ReturnType<RequestClient>>
    try {
      response = await this.request(`${this.settings.apiBaseUrl}${path}${query}`, {
        method,
        throwHttpErrors: false,
        timeout: this.timeoutMs,
        // actions-core otherwise reads a clone of the response; with node-fetch 2 the unread original then stalls
        // every answer larger than 16 KB (a contact with long attributes) forever, past the timeout.
        skipResponseCloning: true,
        ...(options.rawJson !== undefined
          ? { body: options.rawJson, headers: { 'content-type': 'application/json' } }
          : options.json !== undefined
            ? { json: options.json }
            : {})
      })
    } catch (error) {
      notify({ route: `${method} ${route}`, path, status: undefined, durationMs: Date.now() - started })
      throw classifyNoAnswer(this.what(name), error, this.timeoutMs)
    }
    notify({ route: `${method} ${route}`, path, status: response.status, durationMs: Date.now() - started })

    // actions-core's client has read the body into `content`; any other client: read it here.
    const text = typeof response.content === 'string' ? response.content : await response.text().catch(() => '')
    let body: unknown = undefined
    try {
      body = text === '' ? undefined : parseJsonKeepingBigIntegers(text)
    } catch {
      body = undefined
    }
    const ok = response.status >= 200 && response.status < 300
    const message = ok ? '' : redact(driftMessage(body, text), this.settings.apiToken)
    const answer = { status: response.status, body, message }
    if (ok || options.expect?.includes(response.status)) return answer
    throw this.failure(name, answer, parseRetryAfterMs(response.headers.get('retry-after')))
  }
}
