import { createHash } from 'node:crypto'

// The sandbox's page at `/`: what Drift received, refreshed every second. Self-contained (no external assets);
// all data is user-provided, so it is written with textContent only, never as HTML, and a Content-Security-
// Policy allows only this page's own script and style (by hash). The state it reads never contains tokens.

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f5f6f8; }
header { background: #1d2433; color: #fff; padding: 10px 20px; display: flex; gap: 20px; align-items: baseline; }
header h1 { font-size: 18px; margin: 0; }
main { padding: 10px 20px; display: grid; gap: 16px; }
section { background: #fff; border-radius: 6px; padding: 10px 14px; box-shadow: 0 1px 2px #0002; overflow-x: auto; }
h2 { font-size: 16px; margin: 4px 0 8px; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #e3e5ea; padding: 3px 6px; text-align: left; vertical-align: top; font-size: 13px; }
.muted { color: #6b7280; }
.bad { color: #b42318; }
.good { color: #067647; }
.card { border: 1px solid #e3e5ea; border-radius: 4px; padding: 6px 10px; margin: 6px 0; }
code { font-size: 12px; word-break: break-all; }
`

const SCRIPT = `
(function () {
  var LIMIT = 100
  function el(tag, text, cls) {
    var node = document.createElement(tag)
    if (text !== undefined && text !== null) node.textContent = String(text)
    if (cls) node.className = cls
    return node
  }
  function time(ms) {
    return typeof ms === 'number' ? new Date(ms).toISOString() : ''
  }
  function value(v) {
    return typeof v === 'string' ? v : JSON.stringify(v)
  }
  function table(headers, rows) {
    var t = el('table')
    var head = el('tr')
    headers.forEach(function (h) { head.appendChild(el('th', h)) })
    t.appendChild(head)
    rows.forEach(function (cells) {
      var tr = el('tr')
      cells.forEach(function (c) {
        var td = el('td')
        if (c instanceof Node) td.appendChild(c)
        else td.textContent = c === undefined || c === null ? '' : String(c)
        tr.appendChild(td)
      })
      t.appendChild(tr)
    })
    return t
  }
  function replace(id, nodes) {
    var box = document.getElementById(id)
    while (box.firstChild) box.removeChild(box.firstChild)
    nodes.forEach(function (n) { box.appendChild(n) })
  }
  function contactCard(c) {
    var card = el('div', undefined, 'card')
    var title = el('div')
    title.appendChild(el('strong', 'Contact ' + c.id))
    title.appendChild(el('span', '  created ' + time(c.createdAt), 'muted'))
    card.appendChild(title)
    card.appendChild(table(['attribute', 'value'], Object.keys(c.attributes).map(function (k) { return [k, value(c.attributes[k])] })))
    var events = c.timeline || []
    if (events.length) {
      card.appendChild(el('div', 'Timeline (' + events.length + (c.timelineTotal > events.length ? ' of ' + c.timelineTotal : '') + ')', 'muted'))
      card.appendChild(table(['at', 'event', 'attributes'], events.map(function (e) {
        return [time(e.createdAt), String(e.event).toLowerCase(), JSON.stringify(e.attributes)]
      })))
    }
    return card
  }
  function render(s) {
    replace('totals', [el('span', s.totals.contacts + ' contacts · ' + s.totals.timeline + ' timeline events · ' +
      s.totals.accounts + ' accounts · ' + s.totals.widgetCalls + ' widget calls')])
    replace('counts', [table(['endpoint / outcome', 'requests'], Object.keys(s.counts).sort().map(function (k) { return [k, s.counts[k]] }))])
    replace('contacts', s.contacts.length ? s.contacts.slice().reverse().map(contactCard) : [el('p', 'No contacts yet.', 'muted')])
    replace('accounts', s.accounts.length ? [table(['accountId', 'domain', 'name', 'ownerId', 'targeted', 'custom properties'],
      s.accounts.map(function (a) {
        return [a.accountId, a.domain, a.name, a.ownerId, a.targeted, a.customProperties.map(function (p) { return p.name + '=' + value(p.value) }).join(', ')]
      }))] : [el('p', 'No accounts yet.', 'muted')])
    replace('widget', s.widgetCalls.length ? [table(['received', 'session', 'call', 'arguments', 'before load', 'note'],
      s.widgetCalls.slice().sort(function (a, b) { return b.at - a.at || b.seq - a.seq }).map(function (c) {
        var note = c.ignored ? el('span', 'ignored: ' + c.ignored, 'bad') : el('span', '')
        if (c.identity) note = el('span', (c.identity.verified ? 'signed identity verified' : 'signed identity NOT verified: ' + c.identity.reason), c.identity.verified ? 'good' : 'bad')
        return [time(c.receivedAt), c.sessionId + ' #' + c.seq, c.method, JSON.stringify(c.args), c.beforeLoad ? 'yes' : '', note]
      }))] : [el('p', 'No widget calls yet. Load a page with the snippet pointed at this sandbox.', 'muted')])
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString()
  }
  function poll() {
    fetch('/_sandbox/state?limit=' + LIMIT, { cache: 'no-store' })
      .then(function (r) { return r.json() })
      .then(render)
      .catch(function (e) { document.getElementById('updated').textContent = 'cannot reach the sandbox: ' + e.message })
      .then(function () { setTimeout(poll, 1000) })
  }
  poll()
})()
`

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Drift sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Drift sandbox</h1><span id="totals"></span><span id="updated" class="muted"></span></header>
<main>
<section><h2>Contacts (most recent 100)</h2><div id="contacts"></div></section>
<section><h2>Accounts</h2><div id="accounts"></div></section>
<section><h2>Widget calls (most recent 100)</h2><div id="widget"></div></section>
<section><h2>Requests</h2><div id="counts"></div></section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`

export const PAGE_HTML = HTML

export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
