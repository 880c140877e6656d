import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { domainOf } from '../destinations/drift/upsertAccount/account'
import { generateEvents } from '../examples/generate'
import { SANDBOX_ORG_ID, startSandbox, variantMatrix, type Sandbox, type Variants } from '../sandbox'
import { accountFor, markdownTable, replayInto, SCALED_RATE_LIMIT, withTempDir } from './replay-common'

// `npm run bench:replay -- --variants`: the replay once per sandbox variant (each undocumented Drift behaviour
// answered each plausible way), on a Drift that already holds data this process never saw: half of the users'
// contacts and every company's account exist before the run (a restart, a CRM sync), some events come for users
// Drift does not know (half with an email), and 2% of requests are answered 429. One row per variant: delivered,
// rejected with a reason, lost (acknowledged but not in the sandbox, or never accounted for: must be 0), requests
// per event.

const USERS = 100
const EVENTS_PER_USER = 8
const GHOSTS = 20

interface Row {
  variant: string
  events: number
  delivered: number
  rejected: number
  reasons: Map<string, number>
  lost: number
  requestsPerEvent: number
}

/** The event stream: users in time order, then track events for users Drift has no contact for. */
function eventLines(): string[] {
  const lines = generateEvents({ users: USERS, eventsPerUser: EVENTS_PER_USER, seed: 11 })
  for (let g = 0; g < GHOSTS; g++) {
    const email = g % 2 === 0 ? { context: { traits: { email: `ghost.${g}@example.com` } } } : {}
    lines.push(
      JSON.stringify({
        type: 'track',
        userId: `ghost-${g}`,
        event: 'Pricing Viewed',
        properties: { plan: 'team' },
        ...email,
        messageId: `ghost-${g}`,
        timestamp: '2024-06-01T00:00:00.000Z'
      })
    )
  }
  return lines
}

/** What Drift holds before the run: every other identified user's contact, and every group's account. */
function seed(sandbox: Sandbox, lines: string[]): void {
  const domains = new Set<string>()
  let n = 0
  for (const line of lines) {
    const event = JSON.parse(line) as { type?: string; userId?: string; traits?: Record<string, unknown> }
    if (event.type === 'identify' && typeof event.traits?.email === 'string' && n++ % 2 === 0) {
      const id = sandbox.state.nextContactId++
      sandbox.state.contacts.push({
        id,
        createdAt: 1668615901358,
        attributes: { externalId: String(event.userId), email: event.traits.email }
      })
    }
    const domain = event.type === 'group' ? domainOf(event.traits?.website ?? event.traits?.domain) : undefined
    if (domain) domains.add(domain)
  }
  for (const domain of domains) {
    sandbox.state.accounts.push({
      accountId: `${SANDBOX_ORG_ID}_${domain}`,
      ownerId: 1,
      domain,
      customProperties: [{ name: 'crm_tier', value: 'gold' }],
      targeted: false,
      createDateTime: 1,
      updateDateTime: 1
    })
  }
}

async function runOne(name: string, variants: Variants, lines: string[], dir: string): Promise<Row> {
  const input = join(dir, `${name.replace(/[^a-z0-9]+/gi, '_')}.ndjson`)
  const rejects = join(dir, `${name.replace(/[^a-z0-9]+/gi, '_')}.rejects.ndjson`)
  writeFileSync(input, `${lines.join('\n')}\n`)
  const sandbox = await startSandbox({
    rateLimit: SCALED_RATE_LIMIT,
    faults: { rateLimitRate: 0.02, retryAfterSeconds: 1, seed: 5 },
    variants
  })
  try {
    seed(sandbox, lines)
    const timelineBefore = sandbox.state.timeline.length
    const summary = await replayInto(sandbox, input, ['--no-checkpoint', '--rejects', rejects, '--quiet'])
    const { timelineAcknowledged, rejected } = accountFor(summary)
    const timelineStored = sandbox.state.timeline.length - timelineBefore
    const unaccounted = lines.length - summary.totals.sent - rejected
    // Acknowledged as delivered but not in Drift (e.g. a 200 that dropped the event) is lost too.
    const lost = unaccounted + Math.max(0, timelineAcknowledged - timelineStored)
    return {
      variant: name,
      events: lines.length,
      delivered: summary.totals.sent,
      rejected,
      reasons: reasonsOf(rejects),
      lost,
      requestsPerEvent: summary.http.perEvent
    }
  } finally {
    await sandbox.close()
  }
}

/** Rejections by reason (the error message with ids and emails replaced), from the rejects file. */
function reasonsOf(file: string): Map<string, number> {
  const reasons = new Map<string, number>()
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return reasons
  }
  for (const line of text.split('\n').filter(Boolean)) {
    const { reason: given } = JSON.parse(line) as { reason?: unknown }
    if (typeof given !== 'string' || given.trim() === '') continue
    const raw = given
    const reason = raw.replace(/"[^"]*"/g, '"…"').slice(0, 90)
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
  }
  return reasons
}

export async function runVariants(): Promise<void> {
  const lines = eventLines()
  const rows: Row[] = []
  await withTempDir('drift-variants-', async (dir) => {
    for (const { name, variants } of variantMatrix()) {
      process.stderr.write(`variant ${name}…\n`)
      rows.push(await runOne(name, variants, lines, dir))
    }
  })
  const table = [
    ['variant', 'events', 'delivered', 'rejected (with reason)', 'lost', 'requests/event'],
    ...rows.map((r) => [
      r.variant,
      String(r.events),
      String(r.delivered),
      String(r.rejected),
      String(r.lost),
      r.requestsPerEvent.toFixed(3)
    ])
  ]
  const reasons = new Map<string, number>()
  for (const row of rows) for (const [reason, n] of row.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + n)
  const out = [
    `Replay under every sandbox variant: ${lines.length} events (${USERS} users, ${GHOSTS} events for users Drift ` +
      `does not know), half the contacts and every account already in Drift, 2% of requests answered 429`,
    '',
    ...markdownTable(table),
    '',
    'rejection reasons (all variants):',
    ...[...reasons].map(([reason, n]) => `  ${n} × ${reason}`)
  ]
  process.stdout.write(`${out.join('\n')}\n`)
  if (rows.some((r) => r.lost !== 0 || r.rejected > [...r.reasons.values()].reduce((a, b) => a + b, 0))) {
    process.exitCode = 1
  }
}
