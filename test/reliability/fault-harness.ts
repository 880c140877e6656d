import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { join } from 'node:path'
import { seededRandom } from '../../sandbox/faults'
import { DEFAULT_SANDBOX_TOKEN, type Sandbox } from '../../sandbox'

// Shared by the fault test (test/reliability/faults.test.ts) and `npm run bench:faults`: an input of events whose
// timeline events can be told apart (`properties.seq` = line number), a proxy in front of the sandbox that loses
// answers *after* Drift applied the request, and the accounting of what Drift holds against the input, the rejects
// file, the checkpoint and the client's own record of timeline posts that got no answer (record-unanswered.ts).
// A duplicate can only arise from an attempt Drift applied whose answer the client never read: an answer the
// proxy threw away, or one the client's timeout beat (its timer fires before it reads an answer already there
// when its event loop is starved), which the proxy cannot see.

export const ROOT = join(__dirname, '..', '..')

export interface FaultInput {
  file: string
  lines: number
  /** Line numbers of track events (each must become exactly one timeline event, `attributes.seq` = line). */
  trackLines: number[]
  /** userId of each identify line. */
  identifies: Map<number, string>
}

/** `users` users, each identified first (with an email) and then sending `perUser - 1` tracks, interleaved. */
export function writeFaultInput(file: string, events: number, perUser = 10): FaultInput {
  const users = Math.ceil(events / perUser)
  const out: string[] = []
  const trackLines: number[] = []
  const identifies = new Map<number, string>()
  const base = Date.parse('2024-06-01T00:00:00Z')
  for (let round = 0; round < perUser && out.length < events; round++) {
    for (let u = 0; u < users && out.length < events; u++) {
      const line = out.length + 1
      const userId = `fault-user-${u}`
      const timestamp = new Date(base + line * 1000).toISOString()
      if (round === 0) {
        identifies.set(line, userId)
        out.push(
          JSON.stringify({
            type: 'identify',
            userId,
            traits: { email: `${userId}@example.com`, plan: 'pro' },
            timestamp
          })
        )
      } else {
        trackLines.push(line)
        out.push(
          JSON.stringify({ type: 'track', userId, event: 'Fault Test', properties: { seq: line, round }, timestamp })
        )
      }
    }
  }
  writeFileSync(file, `${out.join('\n')}\n`)
  return { file, lines: out.length, trackLines, identifies }
}

export interface LossyProxyOptions {
  /** Share of requests whose answer is thrown away after the sandbox applied them (the socket is destroyed). */
  lostAnswerRate: number
  /** Share of 429 answers whose Retry-After header is removed (Drift may not send one). */
  stripRetryAfterShare: number
  seed?: number
}

export interface LostAnswer {
  method: string
  path: string
  status: number
  /** `attributes.seq` of a timeline post Drift accepted: that event may now be in Drift twice. */
  seq?: number
}

export interface LossyProxy {
  url: string
  lost: LostAnswer[]
  /** 429 answers passed on with and without Retry-After. */
  retryAfter: { with: number; without: number }
  close(): Promise<void>
}

/** An HTTP proxy on 127.0.0.1 in front of `target` that loses some answers after they were applied. */
export async function startLossyProxy(target: string, options: LossyProxyOptions): Promise<LossyProxy> {
  const random = seededRandom(options.seed ?? 7)
  // No socket limit: hung requests hold theirs until the sandbox closes, and must not queue the others behind them.
  const agent = new http.Agent({ keepAlive: true })
  const lost: LostAnswer[] = []
  const retryAfter = { with: 0, without: 0 }
  const sockets = new Set<Socket>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const loseAnswer = random() < options.lostAnswerRate
      const strip = random() < options.stripRetryAfterShare
      const upstream = http.request(
        `${target}${req.url}`,
        { method: req.method, headers: { ...req.headers, host: new URL(target).host }, agent },
        (answer) => {
          const parts: Buffer[] = []
          answer.on('data', (c: Buffer) => parts.push(c))
          answer.on('end', () => {
            const status = answer.statusCode ?? 502
            if (loseAnswer && status < 500 && status !== 429) {
              lost.push({
                method: req.method ?? '',
                path: (req.url ?? '').split('?')[0],
                status,
                seq: seqOf(req.url, status, body)
              })
              req.socket.destroy()
              return
            }
            // The client gave up first (its timeout): nobody to answer. Its own record says so (record-unanswered).
            if (res.destroyed || req.socket.destroyed) return
            const headers = { ...answer.headers }
            if (status === 429 && headers['retry-after'] !== undefined) {
              if (strip) delete headers['retry-after']
              if (headers['retry-after'] === undefined) retryAfter.without++
              else retryAfter.with++
            } else if (status === 429) retryAfter.without++
            res.writeHead(status, headers).end(Buffer.concat(parts))
          })
          answer.on('error', () => req.socket.destroy())
        }
      )
      // The sandbox dropped or closed the connection: do the same to the client.
      upstream.on('error', () => req.socket.destroy())
      // When the client gives up, the sandbox's side is kept: its late answer tells whether Drift applied the request.
      upstream.end(body)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    lost,
    retryAfter,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        agent.destroy()
        server.close(() => resolve())
      })
  }
}

function seqOf(url: string | undefined, status: number, body: Buffer): number | undefined {
  if (!url?.startsWith('/contacts/timeline') || status >= 300) return undefined
  try {
    const seq = Number((JSON.parse(body.toString()) as { attributes?: { seq?: unknown } }).attributes?.seq)
    return Number.isInteger(seq) ? seq : undefined
  } catch {
    return undefined
  }
}

/** How many timeline events Drift holds per `seq` (= input line). */
export function timelineCopies(sandbox: Sandbox): Map<number, number> {
  const copies = new Map<number, number>()
  for (const event of sandbox.state.timeline) {
    const seq = Number(event.attributes.seq)
    if (Number.isInteger(seq)) copies.set(seq, (copies.get(seq) ?? 0) + 1)
  }
  return copies
}

/** Lines a replay's checkpoint (snapshot + journal) holds as finished, read without touching the files. */
export function finishedLines(checkpoint: string): Set<number> {
  const done = new Set<number>()
  if (existsSync(checkpoint)) {
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { through: number; finished: number[] }
    for (let line = 1; line <= saved.through; line++) done.add(line)
    for (const line of saved.finished) done.add(line)
  }
  const journal = `${checkpoint}.journal`
  if (existsSync(journal)) {
    for (const entry of readFileSync(journal, 'utf8').split('\n')) if (/^\d+$/.test(entry)) done.add(Number(entry))
  }
  return done
}

export function readRejectLines(file: string): Map<number, string> {
  const out = new Map<number, string>()
  if (!existsSync(file)) return out
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (text === '') continue
    const reject = JSON.parse(text) as { line: number; reason: string }
    out.set(reject.line, reject.reason)
  }
  return out
}

export interface Accounting {
  events: number
  delivered: number
  rejected: number
  lost: number
  /** Timeline events Drift holds more than once (copies beyond the first). */
  duplicates: number
  /** Extra copies explained by an attempt whose answer the client never read (or a kill while in flight). */
  duplicatesExplained: number
  duplicatedLines: number[]
}

/** How many times each seq occurs in a list (e.g. the client's unanswered timeline posts). */
export function countSeqs(seqs: Iterable<number>): Map<number, number> {
  const counts = new Map<number, number>()
  for (const seq of seqs) counts.set(seq, (counts.get(seq) ?? 0) + 1)
  return counts
}

/** The seqs a spawned replay recorded as unanswered (record-unanswered.ts), one per line. */
export function readUnanswered(file: string): number[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^\d+$/.test(line))
    .map(Number)
}

/**
 * Compares what Drift holds with the input: delivered, rejected with a reason, lost, and duplicated. `unanswered`
 * says per seq how many attempts may have been applied without the client learning it (its unanswered posts, plus
 * one for an event in flight at a kill): each explains at most one extra copy.
 */
export function account(
  input: FaultInput,
  sandbox: Sandbox,
  rejects: Map<number, string>,
  unanswered: Map<number, number>
): Accounting {
  const copies = timelineCopies(sandbox)
  const contacts = new Set(sandbox.state.contacts.map((c) => String(c.attributes.externalId)))
  let delivered = 0
  let lost = 0
  let duplicates = 0
  let duplicatesExplained = 0
  const duplicatedLines: number[] = []
  for (const line of input.trackLines) {
    const n = copies.get(line) ?? 0
    if (n > 0) delivered++
    else if (!rejects.has(line)) lost++
    if (n > 1) {
      duplicates += n - 1
      duplicatedLines.push(line)
      duplicatesExplained += Math.min(n - 1, unanswered.get(line) ?? 0)
    }
  }
  for (const [line, userId] of input.identifies) {
    if (contacts.has(userId)) delivered++
    else if (!rejects.has(line)) lost++
  }
  return {
    events: input.lines,
    delivered,
    rejected: rejects.size,
    lost,
    duplicates,
    duplicatesExplained,
    duplicatedLines
  }
}

/**
 * Runs `drift-destination replay` as its own process (node + tsx, so a signal hits the replay itself), recording
 * its unanswered timeline posts in `unansweredLog` (see record-unanswered.ts).
 */
export function spawnReplay(
  args: string[],
  token: string,
  unansweredLog: string
): { child: ChildProcess; exit: Promise<number | null>; output: () => string } {
  const recorder = join(__dirname, 'record-unanswered.ts')
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', recorder, 'cli/bin.ts', 'replay', ...args], {
    cwd: ROOT,
    env: { ...process.env, DRIFT_API_TOKEN: token, DRIFT_UNANSWERED_LOG: unansweredLog },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exit, output: () => output }
}

export interface KilledReplay {
  /** Lines the checkpoint had recorded as finished when the process died. */
  finishedAtKill: Set<number>
  /** Timeline copies per input line that Drift held at the kill. */
  copiesAtKill: Map<number, number>
  /** Applied by Drift but never acknowledged to the dead process: a resumed run sends these again. */
  inFlight: number[]
}

/**
 * Runs the replay as its own process and SIGKILLs it once `share` of the input's timeline events have reached
 * the sandbox, then reads what the checkpoint and Drift held at that moment.
 */
export async function replayKilledMidway(
  args: string[],
  sandbox: Sandbox,
  input: FaultInput,
  checkpoint: string,
  unansweredLog: string,
  share = 0.4
): Promise<KilledReplay> {
  const first = spawnReplay(args, DEFAULT_SANDBOX_TOKEN, unansweredLog)
  while (sandbox.state.timeline.length < input.trackLines.length * share) {
    if (first.child.exitCode !== null) throw new Error(`the replay ended before the kill:\n${first.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  first.child.kill('SIGKILL')
  await first.exit
  const finishedAtKill = finishedLines(checkpoint)
  const copiesAtKill = timelineCopies(sandbox)
  const inFlight = [...copiesAtKill.keys()].filter((seq) => !finishedAtKill.has(seq))
  return { finishedAtKill, copiesAtKill, inFlight }
}
