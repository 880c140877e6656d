import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DestinationDefinition } from '@segment/actions-core'
import { replay } from '../../cli/replay'
import driftDestination from '../../destinations/drift'
import { DEFAULT_SANDBOX_TOKEN, startSandbox, type Sandbox } from '../../sandbox'
import {
  account,
  countSeqs,
  readRejectLines,
  readUnanswered,
  replayKilledMidway,
  spawnReplay,
  startLossyProxy,
  timelineCopies,
  writeFaultInput,
  type FaultInput,
  type LossyProxy
} from './fault-harness'
import { recordUnanswered } from './record-unanswered'

// The replay against a misbehaving Drift (the faster version of `npm run bench:faults`): 20% of requests answered
// 500/503/429 (some 429s with Retry-After), 2% of connections dropped, 1% never answered, and 1% of answers lost
// after Drift applied the request. Nothing may be lost; a timeline event may be duplicated only where the client
// never read an answer (at-least-once: the proxy lost it, the client's timeout beat it, or the process was killed),
// and a replay killed mid-run resends nothing it had acknowledged.

// A loaded CI machine (other suites, other processes) can take two minutes for the two runs.
jest.setTimeout(150_000)

const EVENTS = 1000
export const FAULTS = { errorRate: 0.14, rateLimitRate: 0.06, retryAfterSeconds: 1, dropRate: 0.02, hangRate: 0.01 }

let dir: string
let input: FaultInput
let sandbox: Sandbox
let proxy: LossyProxy

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drift-faults-'))
  input = writeFaultInput(join(dir, 'events.ndjson'), EVENTS)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeEach(async () => {
  sandbox = await startSandbox({ rateLimit: false, faults: { ...FAULTS, seed: 11 } })
  proxy = await startLossyProxy(sandbox.url, { lostAnswerRate: 0.01, stripRetryAfterShare: 0.9, seed: 5 })
})
afterEach(async () => {
  await proxy.close()
  await sandbox.close()
})

const lostSeqs = (): Set<number> => new Set(proxy.lost.map((l) => l.seq).filter((s): s is number => s !== undefined))

it('should lose nothing and duplicate only events whose answer the client never read', async () => {
  const rejects = join(dir, 'run.rejects.ndjson')
  const unanswered: number[] = []
  const { summary } = await replay({
    input: input.file,
    apiBase: proxy.url,
    token: DEFAULT_SANDBOX_TOKEN,
    rate: null,
    // Short enough to time out hung requests quickly, long enough that load alone rarely exhausts 16 attempts.
    // A timeout that beats an answer already sent is a real duplicate, explained by the client's record.
    timeoutMs: 1500,
    // An identify needs two requests per attempt, each failing about 23% of the time here, so an attempt fails
    // about 41% of the time: 8 attempts (the default) run out for about 1 identify in 1,500, which made
    // `rejected === 0` fail about one run in fifteen. 16 attempts: about one run in 15,000.
    maxAttempts: 16,
    backoff: { baseMs: 10, maxMs: 200 },
    checkpoint: join(dir, 'run.checkpoint.json'),
    rejects,
    settings: { accountOwnerId: '7' },
    progressStream: { write: () => true, isTTY: false },
    definition: recordUnanswered(driftDestination as DestinationDefinition<unknown>, (seq) => unanswered.push(seq))
  })
  const counts = sandbox.counts()
  // The faults really happened.
  expect((counts['500'] ?? 0) + (counts['503'] ?? 0)).toBeGreaterThan(100)
  expect(counts['429']).toBeGreaterThan(30)
  expect(counts.dropped).toBeGreaterThan(10)
  expect(counts.hung).toBeGreaterThan(3)
  expect(proxy.retryAfter.with).toBeGreaterThan(0)
  expect(proxy.retryAfter.without).toBeGreaterThan(0)
  expect(proxy.lost.length).toBeGreaterThan(3)

  // The client's record sees what the proxy did: every answer the proxy threw away was unanswered for the client.
  expect([...lostSeqs()].filter((seq) => !unanswered.includes(seq))).toEqual([])

  const result = account(input, sandbox, readRejectLines(rejects), countSeqs(unanswered))
  expect(summary.complete).toBe(true)
  expect(result.lost).toBe(0)
  expect(result.delivered + result.rejected).toBe(EVENTS)
  expect(result.rejected).toBe(0) // 16 attempts outlast these faults
  expect(result.duplicates).toBe(result.duplicatesExplained)
  // Every timeline post whose answer the proxy threw away had been applied, and was sent again.
  const copies = timelineCopies(sandbox)
  const notResent = [...countSeqs(proxy.lost.flatMap((l) => (l.seq === undefined ? [] : [l.seq])))].filter(
    ([seq, n]) => (copies.get(seq) ?? 0) < n + 1
  )
  expect(notResent).toEqual([])
})

it('should resume a SIGKILLed replay without losing events or resending acknowledged ones', async () => {
  const checkpoint = join(dir, 'kill.checkpoint.json')
  const rejects = join(dir, 'kill.rejects.ndjson')
  const unansweredLog = join(dir, 'kill.unanswered.log')
  const args = [input.file, '--api-base', proxy.url, '--rate', 'off', '--timeout', '1500', '--quiet']
  const files = ['--checkpoint', checkpoint, '--rejects', rejects, '--account-owner-id', '7']
  const { finishedAtKill, copiesAtKill, inFlight } = await replayKilledMidway(
    [...args, ...files],
    sandbox,
    input,
    checkpoint,
    unansweredLog
  )
  expect(inFlight.length).toBeLessThanOrEqual(8) // at most --concurrency events in flight

  const second = spawnReplay([...args, ...files], DEFAULT_SANDBOX_TOKEN, unansweredLog)
  expect(await second.exit).toBe(0)

  const copies = timelineCopies(sandbox)
  for (const line of input.trackLines.filter((l) => finishedAtKill.has(l))) {
    expect({ line, copies: copies.get(line) }).toEqual({ line, copies: copiesAtKill.get(line) })
  }
  // Both processes' unanswered posts, and the one attempt of each event in flight at the kill.
  const unanswered = countSeqs([...readUnanswered(unansweredLog), ...inFlight])
  expect([...lostSeqs()].filter((seq) => !unanswered.has(seq))).toEqual([])
  const result = account(input, sandbox, readRejectLines(rejects), unanswered)
  expect(result.lost).toBe(0)
  expect(result.delivered + result.rejected).toBe(EVENTS)
  expect(result.duplicates).toBe(result.duplicatesExplained)
})
