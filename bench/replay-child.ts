import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { DEFAULT_SANDBOX_TOKEN } from '../sandbox'
import type { ReplaySummary } from '../cli/summary'

// The replay as a user runs it (`drift-destination replay --json`), in a child process: the benchmark's sandbox and
// the replay do not share one JavaScript thread, and the peak memory reported is the replay's own.

const ROOT = join(__dirname, '..')

export function runReplay(args: string[]): Promise<ReplaySummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'bin.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DRIFT_API_TOKEN: DEFAULT_SANDBOX_TOKEN },
      stdio: ['ignore', 'pipe', 'inherit']
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('exit', (code) => {
      try {
        resolve(JSON.parse(out) as ReplaySummary)
      } catch {
        reject(new Error(`the replay exited with ${code} and printed no JSON summary:\n${out.slice(0, 2000)}`))
      }
    })
  })
}
