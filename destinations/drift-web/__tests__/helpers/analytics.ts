import { AnalyticsBrowser, type Analytics, type Context, type Plugin } from '@segment/analytics-next'

export const WRITE_KEY = 'drift-web-test'

/**
 * A real analytics-next instance with the settings passed in (no CDN fetch) and Segment.io off, so nothing
 * leaves the machine except requests to the widget server.
 */
export async function loadAnalytics(plugins: Plugin[]): Promise<[Analytics, Context]> {
  return AnalyticsBrowser.load(
    { writeKey: WRITE_KEY, cdnSettings: { integrations: {} } as never, plugins },
    { integrations: { 'Segment.io': false }, initialPageview: false }
  )
}
