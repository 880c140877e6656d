import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

// The one place that decides whether the Chromium tests run, and how Chromium is started.
// Outside CI a machine without Chromium skips them with a message; in CI (CI set) they must run, so a missing
// Chromium fails the suite instead of passing silently.

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

const inCI = (): boolean => Boolean(process.env.CI) && process.env.CI !== 'false'

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM_PATH)

/**
 * `describe` for suites that need Chromium: `describe.skip` with a clear message when Chromium is absent
 * outside CI; a plain `describe` otherwise (in CI a missing Chromium then fails at launch).
 */
export function describeWithChromium(name: string, suite: () => void): void {
  if (chromiumAvailable() || inCI()) {
    describe(name, suite)
    return
  }
  console.warn(
    `Skipping "${name}": Chromium not found at ${CHROMIUM_PATH} (install Debian's chromium or set CHROMIUM_PATH). ` +
      'These tests are required in CI (CI is set).'
  )
  describe.skip(name, suite)
}

/**
 * Starts headless Chromium. Playwright gives every launch a new temporary profile (user data dir), removed on
 * close, and every `browser.newContext()` a fresh cookie jar and storage: no state leaks between runs or scenarios.
 */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable()) {
    throw new Error(
      `Chromium is required for the end-to-end tests (CI is set) but was not found at ${CHROMIUM_PATH}: ` +
        'install it (apt-get install -y chromium) or set CHROMIUM_PATH'
    )
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30000 })
}
