import type { DeviceSettingsInput } from '../../../shared/settings-rules'
import { driftPlugin } from '../../../destinations/drift-web/plugin'
import { installConsentSite } from './consent-site'

// The consent page with the real driftPlugin (settings sent in by the test as JSON).
installConsentSite((settings) => driftPlugin(settings as DeviceSettingsInput))
