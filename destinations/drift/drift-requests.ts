// Observing Drift requests: a listener hears of every request any DriftApi makes (a replay counts them this way).

/** One HTTP request to Drift, as seen by `onDriftRequest` listeners. */
export interface DriftRequestEvent {
  /** The route as the sandbox counts it, e.g. `PATCH /contacts/:id`. */
  route: string
  /** The path actually requested, without the query string (which may hold an email). */
  path: string
  /** Drift's HTTP status; undefined when no answer came (timeout, network error). */
  status: number | undefined
  durationMs: number
}

type DriftRequestListener = (event: DriftRequestEvent) => void
const listeners = new Set<DriftRequestListener>()

/** Calls `listener` after every request to Drift (to count requests, e.g. in a replay). Returns an unsubscribe. */
export function onDriftRequest(listener: DriftRequestListener): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

/** Tells every listener of one finished request. */
export function notify(event: DriftRequestEvent): void {
  for (const listener of listeners) {
    try {
      listener(event)
    } catch {
      // A listener's failure must not fail the event.
    }
  }
}
