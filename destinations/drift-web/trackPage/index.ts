import type { BrowserActionDefinition } from '@segment/browser-destination-runtime/types'
import { optionalString } from '../action-input'
import type { Settings } from '../generated-types'
import { contextLog, knownUser, pageName } from '../widget/connect'
import type { DriftClient } from '../widget/client'
import type { Payload } from './generated-types'

const action: BrowserActionDefinition<Settings, DriftClient, Payload> = {
  title: 'Track Page',
  description:
    'Tell Drift the page changed with drift.page (single-page apps). The first page identifies a known user once if nobody was identified yet.',
  defaultSubscription: 'type = "page"',
  platform: 'web',
  fields: {
    name: {
      label: 'Page Name',
      description: 'The name of the page.',
      type: 'string',
      required: false,
      default: { '@path': '$.name' }
    },
    category: {
      label: 'Page Category',
      description: 'The category of the page. With a name, Drift receives "category name".',
      type: 'string',
      required: false,
      default: { '@path': '$.category' }
    },
    title: {
      label: 'Page Title',
      description: 'Used as the page name when there is neither a name nor a category (else the document title).',
      type: 'string',
      required: false,
      default: { '@path': '$.properties.title' }
    },
    user_id: {
      label: 'User ID',
      description: 'The known user, identified once on the first page if nobody was identified yet.',
      type: 'string',
      required: false,
      allowNull: true,
      default: { '@path': '$.userId' }
    }
  },
  perform: (drift, { payload, context, analytics }) => {
    const name = pageName(
      optionalString(payload.name, 'name'),
      optionalString(payload.category, 'category'),
      optionalString(payload.title, 'title')
    )
    const known = knownUser(context, optionalString(payload.user_id, 'user_id'), analytics)
    return drift.page(name, known, contextLog(context))
  }
}

export default action
