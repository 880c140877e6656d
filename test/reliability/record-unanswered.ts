import { appendFileSync } from 'node:fs'
import type { DestinationDefinition, RequestClient } from '@segment/actions-core'
import destination from '../../destinations/drift'

// The client's own view of at-least-once delivery: a timeline post that got no answer (its timeout fired, or the
// connection broke) may still have been applied by Drift, so its resend may be a real duplicate. Only the client
// can see this: under CPU load its timer can fire while the answer already waits unread in its socket, so the
// proxy in front of the sandbox delivered that answer and cannot tell it was never read.
//
// `recordUnanswered(definition, record)` wraps every action's request client and calls `record(seq)` for each
// timeline post (`properties.seq` of the event) that threw instead of answering. Loaded with
// `node --import <this file>` and DRIFT_UNANSWERED_LOG set, it does the same inside a spawned replay, appending
// one seq per line to that file (synchronously, so a SIGKILL loses nothing recorded before it).

type Definition = DestinationDefinition<unknown>
type Perform = (request: RequestClient, data: { payload?: { properties?: { seq?: unknown } } }) => unknown

export function recordUnanswered(definition: Definition, record: (seq: number) => void): Definition {
  const actions = Object.fromEntries(
    Object.entries(definition.actions).map(([key, action]) => {
      const perform = action.perform as unknown as Perform
      const recorded: Perform = (request, data) => {
        const seq = Number(data.payload?.properties?.seq)
        const watched = ((url: string, options?: object) =>
          request(url, options).catch((error: unknown) => {
            if (url.includes('/contacts/timeline') && Number.isInteger(seq)) record(seq)
            throw error
          })) as RequestClient
        return perform(watched, data)
      }
      return [key, { ...action, perform: recorded }]
    })
  )
  return { ...definition, actions } as Definition
}

const log = process.env.DRIFT_UNANSWERED_LOG
if (log) {
  // Inside a spawned replay: the CLI reads the destination's `actions` when the run starts, after this preload.
  const own = destination as unknown as Definition
  own.actions = recordUnanswered(own, (seq) => appendFileSync(log, `${seq}\n`)).actions
}
