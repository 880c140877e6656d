import type { AnalyticsBrowser } from '@segment/analytics-next'
import type { driftPlugin } from '../destinations/drift-web/plugin'

// What the Drift bundle (playground/browser-entry.ts, loaded as /drift-test.js) puts on `window`, for the
// scripts that run beside it in the playground and the end-to-end test pages.

export interface DriftTestGlobal {
  AnalyticsBrowser: typeof AnalyticsBrowser
  driftPlugin: typeof driftPlugin
}

/** The stand-in widget's test hook (sandbox/widget/runtime.ts): what the page sees of "Drift". */
export interface DriftSandboxHook {
  embedId: string
  sessionId: string
  calls: Array<{ method: string; args: unknown[]; beforeLoad: boolean; at: number; ignored?: string }>
  identifiedBeforeLoad: boolean
  ready: boolean
  user: { userId: string; attributes: Record<string, unknown>; signed: boolean } | null
  visitorAttributes: Record<string, unknown>
  emit(event: string, payload?: unknown): number
}

declare global {
  interface Window {
    DriftTest?: DriftTestGlobal
    __driftSandbox?: DriftSandboxHook
  }
}

/** `window.DriftTest`, or a clear error when /drift-test.js did not load. */
export function driftTest(): DriftTestGlobal {
  if (!window.DriftTest) throw new Error('window.DriftTest is missing: /drift-test.js did not load')
  return window.DriftTest
}
