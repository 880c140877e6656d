import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { emptyState } from './store'
import type { SandboxState } from './types'

// The optional JSON file the state is loaded from at start and saved to on close. Counts are not saved.

const FORMAT_VERSION = 1

/** Loads the file into `state` (in place). A missing file is fine; a broken one is an error naming the file. */
export async function loadStateFile(file: string, state: SandboxState): Promise<boolean> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
  let saved: Partial<SandboxState> & { version?: number }
  try {
    saved = JSON.parse(text) as typeof saved
  } catch {
    throw new Error(`stateFile ${file} is not valid JSON`)
  }
  const lists = ['contacts', 'accounts', 'timeline', 'widgetCalls'] as const
  if (saved.version !== FORMAT_VERSION || lists.some((key) => !Array.isArray(saved[key]))) {
    throw new Error(
      `stateFile ${file} is not a sandbox state file (version ${FORMAT_VERSION} with ${lists.join(', ')})`
    )
  }
  const fresh = emptyState()
  for (const key of lists) for (const item of saved[key] as unknown[]) (state[key] as unknown[]).push(item)
  Object.assign(state.attributeTypes, saved.attributeTypes ?? {})
  const maxContactId = state.contacts.reduce((max, c) => Math.max(max, c.id), fresh.nextContactId - 1)
  const maxEventId = state.timeline.reduce((max, e) => Math.max(max, e.id), 0)
  state.nextContactId = Math.max(saved.nextContactId ?? 0, maxContactId + 1)
  state.nextEventId = Math.max(saved.nextEventId ?? 0, maxEventId + 1)
  return true
}

/** Writes the whole state atomically (temporary file, then rename). */
export async function saveStateFile(file: string, state: SandboxState): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, JSON.stringify({ version: FORMAT_VERSION, ...state }), 'utf8')
  await rename(temporary, file)
}
