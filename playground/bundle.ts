import { build } from 'esbuild'
import path from 'node:path'

// Browser bundles built with esbuild on demand (a few hundred ms) and kept in memory: the playground and the
// Chromium end-to-end tests always run the current source, and nothing is committed or fetched from a CDN.

/** `window.DriftTest = { AnalyticsBrowser, driftPlugin }`: a real analytics-next with the Drift plugin. */
export const DRIFT_TEST_ENTRY = path.join(__dirname, 'browser-entry.ts')
/** The playground page's own script (uses `window.DriftTest`). */
export const PLAYGROUND_APP_ENTRY = path.join(__dirname, 'app.ts')

const cache = new Map<string, Promise<string>>()

/** Bundles `entry` as one IIFE script for the browser; `globalName` names what the entry exports on `window`. */
export function browserBundle(entry: string, globalName?: string): Promise<string> {
  const key = `${entry}#${globalName ?? ''}`
  let bundle = cache.get(key)
  if (!bundle) {
    bundle = build({
      entryPoints: [entry],
      bundle: true,
      format: 'iife',
      globalName,
      platform: 'browser',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' }
    }).then((result) => result.outputFiles[0].text)
    // A failed build is not cached: the next call tries again (after the source was fixed).
    bundle.catch(() => cache.delete(key))
    cache.set(key, bundle)
  }
  return bundle
}

export const driftTestBundle = (): Promise<string> => browserBundle(DRIFT_TEST_ENTRY, 'DriftTest')
