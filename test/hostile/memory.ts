import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// Heap measurements for "memory stays bounded": a real garbage collection before each reading.

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Heap in use after a full collection, in bytes. */
export function heapAfterGc(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

export const MB = 1024 * 1024
