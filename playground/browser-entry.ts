// The browser bundle the playground and the Chromium end-to-end tests load: a real analytics-next and the
// Drift plugin, exposed as `window.DriftTest`.
export { AnalyticsBrowser } from '@segment/analytics-next'
export { driftPlugin } from '../destinations/drift-web/plugin'
