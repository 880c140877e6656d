import { writeFileSync } from 'node:fs'
import { corpusFor, hostileRawLines, type HostileEvent } from './corpus'

// The corpus as an NDJSON file for the replay command: every JSON-able hostile event on its own line, then the
// raw lines (invalid UTF-8 bytes, malformed JSON...), so the file itself is hostile too.

export type CorpusLine =
  | { line: number; kind: 'event'; entry: HostileEvent; event: Record<string, unknown> }
  | { line: number; kind: 'raw'; name: string; expect: 'malformed' | 'event' }

/** Writes the file; returns what each line (1-based) holds. */
export function writeHostileNdjson(file: string): CorpusLine[] {
  const parts: Buffer[] = []
  const lines: CorpusLine[] = []
  for (const entry of corpusFor('replay')) {
    const event = entry.build()
    parts.push(Buffer.from(`${JSON.stringify(event)}\n`, 'utf8'))
    lines.push({ line: lines.length + 1, kind: 'event', entry, event })
  }
  for (const raw of hostileRawLines()) {
    parts.push(raw.bytes, Buffer.from('\n'))
    lines.push({ line: lines.length + 1, kind: 'raw', name: raw.name, expect: raw.kind })
  }
  writeFileSync(file, Buffer.concat(parts))
  return lines
}

/** How a refusal names each attacked field (actions-core says the field's label, our code its key). */
export const FIELD_NAMES: Record<string, RegExp> = {
  type: /type/i,
  userId: /userId|external_id|External Id|user id/i,
  event: /event_name|Event Name/i,
  traits: /Custom Attributes|traits/i,
  properties: /Properties/i,
  email: /email/i,
  recent_source: /Recent Source|recent_source/i,
  domain: /domain/i,
  timestamp: /timestamp/i,
  createdAt: /Start Date|start_date|createdAt/i
}
