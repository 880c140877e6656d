import type { SandboxAccount, SandboxContact, SandboxState, SandboxTimelineEvent, WidgetCall } from './types'

// The view of the state that `GET /_sandbox/state` and the page show: contacts with their timelines. It holds
// no tokens (the state never does).

export interface ContactView extends SandboxContact {
  timeline: SandboxTimelineEvent[]
  timelineTotal: number
}

export interface StateSnapshot {
  totals: { contacts: number; timeline: number; accounts: number; widgetCalls: number }
  contacts: ContactView[]
  accounts: SandboxAccount[]
  widgetCalls: WidgetCall[]
  attributeTypes: SandboxState['attributeTypes']
  counts: Record<string, number>
}

const lastItems = <T>(items: T[], limit: number | undefined): T[] =>
  limit === undefined ? items.slice() : items.slice(Math.max(0, items.length - limit))

/** With `limit`, only the last `limit` contacts, accounts and widget calls, and each contact's last `limit` events. */
export function snapshot(state: SandboxState, counts: Record<string, number>, limit?: number): StateSnapshot {
  const events = new Map<number, SandboxTimelineEvent[]>()
  for (const event of state.timeline) {
    const list = events.get(event.contactId)
    if (list) list.push(event)
    else events.set(event.contactId, [event])
  }
  return {
    totals: {
      contacts: state.contacts.length,
      timeline: state.timeline.length,
      accounts: state.accounts.length,
      widgetCalls: state.widgetCalls.length
    },
    contacts: lastItems(state.contacts, limit).map((contact) => {
      const timeline = events.get(contact.id) ?? []
      return { ...contact, timeline: lastItems(timeline, limit), timelineTotal: timeline.length }
    }),
    accounts: lastItems(state.accounts, limit),
    widgetCalls: lastItems(state.widgetCalls, limit),
    attributeTypes: { ...state.attributeTypes },
    counts
  }
}
