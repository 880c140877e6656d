import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { emptyState } from './store'
import type { AttributeType, SandboxState } from './types'
import { isRecord } from '../shared/record'
import { isFlatValue } from './validate'
import { parseVariants, type Variants } from './variants'

// The optional JSON file the state is loaded from at start and saved to on close. Counts are not saved.

const FORMAT_VERSION = 1

const LISTS = ['contacts', 'accounts', 'timeline', 'widgetCalls'] as const
type ListName = (typeof LISTS)[number]

/** Says what is wrong with `value` (a phrase starting with `where`), or undefined when it is fine. */
type Check = (value: unknown, where: string) => string | undefined

const rule =
  (test: (value: unknown) => boolean, text: string): Check =>
  (value, where) =>
    test(value) ? undefined : `${where} ${text}`

const optional =
  (check: Check): Check =>
  (value, where) =>
    value === undefined ? undefined : check(value, where)

const isSafeInteger = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value)

const ID = rule((v) => isSafeInteger(v) && v >= 1, 'must be an integer >= 1')
const INTEGER = rule((v) => isSafeInteger(v) && v >= 0, 'must be an integer >= 0')
const EPOCH_MS = rule((v) => typeof v === 'number' && Number.isFinite(v), 'must be a number (epoch milliseconds)')
const TEXT = rule((v) => typeof v === 'string' && v !== '', 'must be a non-empty string')
const STRING = rule((v) => typeof v === 'string', 'must be a string')
const BOOLEAN = rule((v) => typeof v === 'boolean', 'must be true or false')
const ARRAY = rule(Array.isArray, 'must be an array')
const OBJECT = rule(isRecord, 'must be an object')

/** An object whose every value passes `valueRule`, reported key by key. */
const objectOf =
  (valueRule: (value: unknown) => boolean, text: string): Check =>
  (value, where) => {
    if (!isRecord(value)) return `${where} must be an object`
    const bad = Object.keys(value).find((key) => !valueRule(value[key]))
    return bad === undefined ? undefined : `${where}.${bad} ${text}`
  }

const FLAT_VALUES = objectOf(isFlatValue, 'must be a string, number, boolean or null')
const STRING_VALUES = objectOf((v) => typeof v === 'string', 'must be a string')

/** Each item an object whose fields pass their checks. */
const listOf =
  (fields: Record<string, Check>): Check =>
  (value, where) => {
    if (!Array.isArray(value)) return `${where} must be an array`
    for (const [i, item] of value.entries()) {
      const problem = itemProblem(item, `${where}[${i}]`, fields)
      if (problem) return problem
    }
    return undefined
  }

function itemProblem(item: unknown, where: string, fields: Record<string, Check>): string | undefined {
  if (!isRecord(item)) return `${where} must be an object`
  for (const [name, check] of Object.entries(fields)) {
    const problem = check(item[name], `${where}.${name}`)
    if (problem) return problem
  }
  return undefined
}

/** The fields the sandbox reads from each saved record: a record missing one would fail requests later. */
const ITEM_FIELDS: Record<ListName, Record<string, Check>> = {
  contacts: { id: ID, createdAt: EPOCH_MS, attributes: FLAT_VALUES },
  timeline: {
    id: ID,
    contactId: ID,
    event: TEXT,
    createdAt: EPOCH_MS,
    attributes: STRING_VALUES,
    receivedAt: EPOCH_MS
  },
  accounts: {
    accountId: TEXT,
    ownerId: rule(isSafeInteger, 'must be an integer'),
    name: optional(STRING),
    domain: TEXT,
    customProperties: listOf({ name: TEXT, value: rule(isFlatValue, 'must be a string, number, boolean or null') }),
    targeted: BOOLEAN,
    createDateTime: EPOCH_MS,
    updateDateTime: EPOCH_MS
  },
  widgetCalls: {
    receivedAt: EPOCH_MS,
    sessionId: TEXT,
    embedId: TEXT,
    seq: INTEGER,
    method: TEXT,
    args: ARRAY,
    beforeLoad: BOOLEAN,
    at: EPOCH_MS,
    ignored: optional(STRING),
    identity: optional(OBJECT)
  }
}

const ATTRIBUTE_TYPES: Record<AttributeType, true> = {
  STRING: true,
  NUMERIC: true,
  BOOLEAN: true,
  DATETIME: true,
  DATE: true
}

/** Top-level fields; the counters are optional (they are derived from the ids when absent). */
const STATE_FIELDS: Record<string, Check> = {
  ...Object.fromEntries(LISTS.map((list) => [list, listOf(ITEM_FIELDS[list])])),
  attributeTypes: optional(
    objectOf(
      (v) => typeof v === 'string' && Object.hasOwn(ATTRIBUTE_TYPES, v),
      `must be one of ${Object.keys(ATTRIBUTE_TYPES).join(', ')}`
    )
  ),
  nextContactId: optional(ID),
  nextEventId: optional(ID)
}

function stateProblem(saved: Record<string, unknown>): string | undefined {
  for (const [name, check] of Object.entries(STATE_FIELDS)) {
    const problem = check(saved[name], name)
    if (problem) return problem
  }
  const seen = new Set<number>()
  for (const [i, contact] of (saved.contacts as SandboxState['contacts']).entries()) {
    if (seen.has(contact.id)) return `contacts[${i}].id ${contact.id} is used by an earlier contact (ids are unique)`
    seen.add(contact.id)
  }
  return undefined
}

/**
 * Loads the file into `state` (in place) and hands its optional `variants` field to `onVariants`. A missing file is
 * fine; a broken one is an error naming the file.
 */
export async function loadStateFile(
  file: string,
  state: SandboxState,
  onVariants?: (variants: Partial<Variants>) => void
): Promise<boolean> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
  let saved: unknown
  try {
    saved = JSON.parse(text)
  } catch {
    throw new Error(`stateFile ${file} is not valid JSON`)
  }
  if (!isRecord(saved) || saved.version !== FORMAT_VERSION || LISTS.some((key) => !Array.isArray(saved[key]))) {
    throw new Error(
      `stateFile ${file} is not a sandbox state file (version ${FORMAT_VERSION} with ${LISTS.join(', ')})`
    )
  }
  // Checked whole before anything is copied: a broken file leaves the state empty and names the item and the rule.
  const problem = stateProblem(saved)
  if (problem) throw new Error(`stateFile ${file}: ${problem}`)
  let variants: Partial<Variants>
  try {
    variants = parseVariants(saved.variants)
  } catch (error) {
    throw new Error(`stateFile ${file}: ${(error as Error).message}`)
  }
  onVariants?.(variants)
  const valid = saved as unknown as Partial<SandboxState>
  const fresh = emptyState()
  for (const key of LISTS) for (const item of valid[key] as unknown[]) (state[key] as unknown[]).push(item)
  Object.assign(state.attributeTypes, valid.attributeTypes ?? {})
  const maxContactId = state.contacts.reduce((max, c) => Math.max(max, c.id), fresh.nextContactId - 1)
  const maxEventId = state.timeline.reduce((max, e) => Math.max(max, e.id), 0)
  state.nextContactId = Math.max(valid.nextContactId ?? 0, maxContactId + 1)
  state.nextEventId = Math.max(valid.nextEventId ?? 0, maxEventId + 1)
  return true
}

/** Writes the whole state atomically (temporary file, then rename). */
export async function saveStateFile(file: string, state: SandboxState, variants?: Variants): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(
    temporary,
    JSON.stringify({ version: FORMAT_VERSION, ...state, ...(variants ? { variants } : {}) }),
    'utf8'
  )
  await rename(temporary, file)
}
