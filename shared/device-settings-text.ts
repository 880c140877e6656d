/**
 * The device-mode settings as a catalog and the docs show them: one entry per setting of DEVICE_SETTINGS (the
 * compiler requires each, and no other). Apart from the rules so the browser plugin's bundle carries no text.
 */
import type { GlobalSetting } from '@segment/actions-core'
import { DEVICE_SETTINGS, type DeviceSettings } from './settings-rules'
import { settingFields, settingsTable, type SettingRow, type SettingText } from './settings'

export const DEVICE_SETTING_TEXT: { [K in keyof DeviceSettings]-?: SettingText<NonNullable<DeviceSettings[K]>> } = {
  embedId: {
    label: 'Embed ID',
    description:
      'The embed id of your Drift widget (Drift > Settings > Widget > Install), e.g. buvw2r8z43np. Letters, digits and "-" only.',
    type: 'string'
  },
  scriptOrigin: {
    label: 'Widget Script Origin',
    description:
      "Where the widget script is loaded from: an origin only, https (http only on localhost or 127.0.0.1, for the sandbox). Change it only to serve Drift's widget yourself.",
    type: 'string'
  },
  identityMode: {
    label: 'Identity Mode',
    description:
      'identify: users with a user id are tied to it with drift.identify (use only ids unique to one person). attributes: everything is sent as visitor attributes, never tied to an id.',
    type: 'string',
    choices: { identify: 'Identify users by user id', attributes: 'Visitor attributes only' }
  },
  dateUnit: {
    label: 'Date Unit',
    description:
      "How custom Date values are sent: milliseconds (Drift's unit) or Unix seconds (as Segment’s classic Drift integration). Drift's own date attributes (start_date, last_active, …) are always milliseconds.",
    type: 'string',
    choices: { seconds: 'Seconds', milliseconds: 'Milliseconds' }
  },
  separator: {
    label: 'Nested Key Separator',
    description: 'Joins the keys of nested objects: address.city becomes address_city. 1 to 3 symbols.',
    type: 'string'
  },
  trackPages: {
    label: 'Track Pages',
    description: 'driftPlugin only: send page calls to Drift (the destination uses the Track Page subscription).',
    type: 'boolean',
    catalog: false
  },
  widgetEvents: {
    label: 'Widget Events to Track',
    description:
      'Drift widget events (e.g. startConversation, emailCapture, scheduling:meetingBooked) sent into analytics as "Drift <Readable Name>" track calls, marked so they never go back into Drift.',
    type: 'string',
    multiple: true
  },
  identifyOnEmailCapture: {
    label: 'Identify Captured Emails',
    description: 'When the widget captures an email (emailCapture), also call analytics.identify with it.',
    type: 'boolean'
  },
  requireSignedIdentity: {
    label: 'Require Signed Identity',
    description:
      'Send identify only with a signed identity (JWT). Turn on when Drift requires signed identities; unsigned identify calls are then skipped with a warning.',
    type: 'boolean'
  },
  signedIdentity: {
    label: 'Signed Identity Resolver',
    description:
      'A function (userId) => token or a promise of one, asked for the signed identity when the event carries none (driftPlugin, or the destination registered by hand).',
    type: 'function',
    catalog: false
  },
  signedIdentityTimeoutMs: {
    label: 'Signed Identity Timeout (ms)',
    description:
      'How long to wait for the signedIdentity resolver before going on without a token (or refusing the identify when one is required).',
    type: 'number'
  },
  readyTimeoutMs: {
    label: 'Widget Ready Timeout (ms)',
    description:
      'If the widget is not ready within this time, the failure is reported and later calls fail instead of queueing.',
    type: 'number'
  },
  blockedUserIds: {
    label: 'Blocked User IDs',
    description:
      'User ids never sent to Drift (shared demo accounts): visitors sharing an id see each other’s chats. Compared case-insensitively; entries must not be blank or padded with spaces.',
    type: 'string',
    multiple: true
  },
  consentCategories: {
    label: 'Consent Categories',
    description:
      'Consent categories that must all be granted (true in context.consent.categoryPreferences) before the widget loads or anything is sent to Drift, e.g. Marketing or C0004. Empty: no consent gating.',
    type: 'string',
    multiple: true
  },
  consentWhenMissing: {
    label: 'When Consent Is Missing',
    description:
      'What to do with an event that carries no context.consent.categoryPreferences when consent categories are set: send it (as Segment does) or skip it.',
    type: 'string',
    choices: { send: 'Send the event', skip: 'Skip the event' }
  },
  blockedAttributes: {
    label: 'Blocked Attributes',
    description:
      'Attribute names never sent to Drift, * as a wildcard, matched against the flattened name and the part after any separator (card_number also blocks billing.card_number), in any case. Replaces the default list of obvious secrets; an empty list turns blocking off.',
    type: 'string',
    multiple: true
  }
}

const rows = (): SettingRow[] =>
  Object.entries(DEVICE_SETTINGS).map(([name, spec]) => ({
    name,
    text: DEVICE_SETTING_TEXT[name as keyof DeviceSettings],
    facts: {
      default: 'default' in spec ? spec.default : undefined,
      required: !('default' in spec || 'optional' in spec)
    }
  }))

/** The browser destination's `settings` (every device setting a catalog can hold). */
export const deviceSettingFields = (): Record<string, GlobalSetting> => settingFields(rows())

/** The device settings table for the docs. */
export const deviceSettingsTable = (): string => settingsTable(rows())
