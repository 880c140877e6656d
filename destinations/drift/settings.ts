import { IntegrationError, InvalidAuthenticationError } from '@segment/actions-core'
import { CLOUD_SETTINGS, SettingsError, parseCloudSettings, type CloudSettings } from '../../shared'

/**
 * The destination's settings, validated by the mapping core. A bad token is an authentication error; any other
 * bad setting an `INVALID_SETTINGS` integration error. Messages name the setting and the rule, never the token.
 */
export function cloudSettings(settings: unknown): CloudSettings {
  try {
    return parseCloudSettings(settings)
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error
    if (error.issues.some((issue) => issue.setting === 'apiToken')) {
      throw new InvalidAuthenticationError(error.message)
    }
    throw new IntegrationError(error.message, 'INVALID_SETTINGS', 400)
  }
}

/** Whether the token can go into an HTTP header as is: the mapping core's apiToken rule. */
export function isUsableToken(token: unknown): token is string {
  return CLOUD_SETTINGS.apiToken.schema.safeParse(token).success
}
