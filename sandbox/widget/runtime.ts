// The browser source of the stand-in widget: plain ES2017, no modules, no Node APIs. It is kept as text (not
// a compiled function) so that coverage instrumentation or transpilation never changes what the browser runs.
// `__CONFIG__` is replaced by widgetScript() with a JSON object {embedId, reportUrl, requireSignedIdentity,
// readyDelayMs}.

export const WIDGET_RUNTIME = String.raw`(function (config) {
  'use strict'
  var w = window
  if (w.drift && w.drift.__sandbox) return // loaded twice: the real widget keeps the first copy

  var stub = w.driftt || w.drift
  var queued = stub && typeof stub.length === 'number' ? Array.prototype.slice.call(stub) : []
  var snippetVersion = stub && stub.SNIPPET_VERSION
  var sessionId = 'ses-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10)
  var seq = 0
  var handlers = {}
  var ready = false
  var draining = false
  var widgetVisible = true
  var chatOpen = false

  var hook = {
    embedId: config.embedId,
    sessionId: sessionId,
    calls: [],
    events: [],
    identifiedBeforeLoad: false,
    ready: false,
    user: null,
    visitorAttributes: {},
    config: {},
    emit: emit
  }
  w.__driftSandbox = hook

  function copy(value) {
    try {
      var text = JSON.stringify(value)
      return text === undefined ? null : JSON.parse(text)
    } catch (e) {
      return '[unserializable]'
    }
  }

  function report(rec) {
    if (!config.reportUrl) return
    try {
      var send = w.fetch
      if (typeof send !== 'function') return
      var body = JSON.stringify(Object.assign({ embedId: config.embedId, sessionId: sessionId, seq: ++seq }, rec))
      var pending = send.call(w, config.reportUrl, {
        method: 'POST',
        keepalive: true,
        headers: { 'content-type': 'application/json' },
        body: body
      })
      if (pending && typeof pending.catch === 'function') pending.catch(function () {})
    } catch (e) {
      // reporting must never break the page
    }
  }

  function record(method, args, ignored) {
    // Each argument on its own: one that is not JSON (a cycle, a BigInt) shows as '[unserializable]', the rest stay.
    var copied = Array.prototype.map.call(args, copy)
    var rec = { method: method, args: copied, beforeLoad: draining, at: Date.now() }
    if (ignored) rec.ignored = ignored
    hook.calls.push(rec)
    report(rec)
    return rec
  }

  function fire(event, args) {
    var list = (handlers[event] || []).slice()
    for (var i = 0; i < list.length; i++) {
      try {
        list[i].apply(null, args)
      } catch (e) {
        if (w.console && w.console.error) w.console.error('[drift sandbox] a "' + event + '" handler threw', e)
      }
    }
    return list.length
  }

  function readyPayload() {
    return { widgetVisible: widgetVisible, isOnline: true, chatOpen: chatOpen, teamAvailability: 'ONLINE' }
  }

  /** Test hook: fires the handlers registered with drift.on(eventName, ...). Returns how many ran. */
  function emit(eventName, payload) {
    if (typeof eventName !== 'string' || eventName === '') throw new TypeError('emit(eventName, payload): eventName must be a non-empty string')
    if (eventName === 'chatOpen') chatOpen = true
    if (eventName === 'chatClose') chatOpen = false
    hook.events.push({ event: eventName, payload: copy(payload), at: Date.now() })
    if (eventName === 'ready') return fire('ready', [ready ? api : undefined, readyPayload()])
    return fire(eventName, [payload])
  }

  function noteOnly(name, effect) {
    return function () {
      record(name, arguments)
      if (effect) effect.apply(null, arguments)
    }
  }

  var api = {
    setUserAttributes: function (attributes) {
      var refused = attributes && typeof attributes === 'object' ? undefined : 'setUserAttributes needs an object'
      record('api.setUserAttributes', arguments, refused)
      if (!refused) Object.assign(hook.visitorAttributes, copy(attributes))
    },
    widget: {
      show: noteOnly('api.widget.show', function () { widgetVisible = true }),
      hide: noteOnly('api.widget.hide', function () { widgetVisible = false })
    },
    sidebar: {
      open: noteOnly('api.sidebar.open', function () { chatOpen = true }),
      close: noteOnly('api.sidebar.close', function () { chatOpen = false }),
      toggle: noteOnly('api.sidebar.toggle', function () { chatOpen = !chatOpen })
    },
    openChat: noteOnly('api.openChat', function () { chatOpen = true })
  }

  function tokenOf(options) {
    if (!options || typeof options !== 'object') return undefined
    return options.userJwt || options.signedIdentity || undefined
  }

  var drift = {
    init: true,
    invoked: true,
    __sandbox: true,
    SNIPPET_VERSION: snippetVersion,
    api: undefined,
    identify: function (userId, attributes, options) {
      var refused
      if (userId === undefined || userId === null || userId === '') refused = 'identify needs a user id'
      else if (config.requireSignedIdentity && !tokenOf(options)) refused = 'unsigned identify refused: signed identity required'
      record('identify', arguments, refused)
      if (refused) return
      var id = String(userId)
      if (!hook.user || hook.user.userId !== id) hook.user = { userId: id, attributes: {}, signed: false }
      if (attributes && typeof attributes === 'object') Object.assign(hook.user.attributes, copy(attributes))
      hook.user.signed = !!tokenOf(options)
    },
    config: function (settings) {
      record('config', arguments)
      if (settings && typeof settings === 'object') Object.assign(hook.config, copy(settings))
    },
    track: noteOnly('track'),
    reset: noteOnly('reset', function () {
      hook.user = null
      hook.visitorAttributes = {}
    }),
    debug: noteOnly('debug'),
    show: noteOnly('show', function () { widgetVisible = true }),
    hide: noteOnly('hide', function () { widgetVisible = false }),
    ping: noteOnly('ping'),
    page: noteOnly('page'),
    on: function (eventName, handler) {
      var refused = typeof eventName === 'string' && typeof handler === 'function' ? undefined : 'on(eventName, handler) needs a string and a function'
      record('on', arguments, refused)
      if (refused) return
      ;(handlers[eventName] = handlers[eventName] || []).push(handler)
      if (eventName === 'ready' && ready) {
        // registered after ready: Drift calls it at once, asynchronously
        setTimeout(function () {
          if ((handlers.ready || []).indexOf(handler) < 0) return
          try {
            handler(api, readyPayload())
          } catch (e) {
            if (w.console && w.console.error) w.console.error('[drift sandbox] a "ready" handler threw', e)
          }
        }, 0)
      }
    },
    off: function (eventName, handler) {
      record('off', arguments)
      if (!handlers[eventName]) return
      handlers[eventName] = typeof handler === 'function' ? handlers[eventName].filter(function (h) { return h !== handler }) : []
    },
    load: function () {
      record('load', arguments, 'the widget is already loaded')
    }
  }

  w.drift = w.driftt = drift

  // Drain what the page queued on the stub, in order, through the real methods.
  draining = true
  for (var i = 0; i < queued.length; i++) {
    var entry = queued[i]
    if (!entry || typeof entry.length !== 'number' || typeof drift[entry[0]] !== 'function') continue
    try {
      drift[entry[0]].apply(drift, Array.prototype.slice.call(entry, 1))
    } catch (e) {
      if (w.console && w.console.error) w.console.error('[drift sandbox] a queued call failed', e)
    }
  }
  draining = false
  hook.identifiedBeforeLoad = hook.user !== null

  setTimeout(function () {
    ready = true
    hook.ready = true
    drift.api = api
    fire('ready', [api, readyPayload()])
  }, config.readyDelayMs)
})(__CONFIG__);
`
