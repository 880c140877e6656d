import type { DriftWindow } from '../../widget/types'

/** One call the stand-in widget recorded (sandbox/widget). */
export interface SandboxCall {
  method: string
  args: unknown[]
  beforeLoad: boolean
  at: number
  ignored?: string
}

export interface SandboxHook {
  calls: SandboxCall[]
  identifiedBeforeLoad: boolean
  ready: boolean
  emit(eventName: string, payload?: unknown): number
}

export function sandbox(): SandboxHook | undefined {
  return (window as unknown as { __driftSandbox?: SandboxHook }).__driftSandbox
}

/** The calls Drift received, without the `on` subscriptions, as `[method, ...args]`. */
export function driftCalls(): unknown[][] {
  return (sandbox()?.calls ?? []).filter((call) => call.method !== 'on').map((call) => [call.method, ...call.args])
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A fresh page for the next test: no Drift globals, no scripts, no stored analytics user. */
export function resetPage(): void {
  const w = window as unknown as DriftWindow & { __driftSandbox?: unknown }
  delete w.drift
  delete w.driftt
  delete w.__driftSandbox
  document.head.innerHTML = ''
  document.body.innerHTML = ''
  document.title = 'Test page'
  localStorage.clear()
  for (const cookie of document.cookie.split(';')) {
    const name = cookie.split('=')[0].trim()
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`
  }
}

export function widgetScripts(): HTMLScriptElement[] {
  return Array.from(document.querySelectorAll('script')).filter((script) => script.src.includes('/include/'))
}
