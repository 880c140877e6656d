// The playground page: static markup and style only. Everything dynamic is written by /app.js with textContent
// (never as HTML), and the Content-Security-Policy allows scripts only from this server and the sandbox.

export const PLAYGROUND_CSS = `
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f5f6f8; }
header { background: #1d2433; color: #fff; padding: 10px 20px; display: flex; gap: 20px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
header a { color: #9ecbff; }
main { padding: 12px 20px; display: grid; grid-template-columns: minmax(320px, 400px) 1fr; gap: 16px; align-items: start; }
section { background: #fff; border-radius: 6px; padding: 10px 14px; box-shadow: 0 1px 2px #0002; overflow-x: auto; }
h2 { font-size: 15px; margin: 4px 0 8px; }
form { border-top: 1px solid #e3e5ea; padding: 8px 0; display: grid; gap: 4px; }
form:first-of-type { border-top: 0; }
label { font-size: 12px; color: #4b5563; display: grid; gap: 2px; }
input, textarea { font: 13px ui-monospace, monospace; padding: 4px 6px; border: 1px solid #c9ced6; border-radius: 4px; width: 100%; }
textarea { min-height: 44px; resize: vertical; }
button { font: 600 13px system-ui, sans-serif; padding: 5px 12px; border: 0; border-radius: 4px; background: #2f6fed; color: #fff; cursor: pointer; justify-self: start; }
button.secondary { background: #59636e; }
#status { min-height: 20px; font-size: 13px; margin: 6px 0 0; }
.bad { color: #b42318; }
.good { color: #067647; }
.muted { color: #6b7280; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #e3e5ea; padding: 3px 6px; text-align: left; vertical-align: top; font-size: 12px; }
td code { font-size: 12px; word-break: break-all; white-space: pre-wrap; }
.stack { display: grid; gap: 16px; }
`

export const PLAYGROUND_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Drift destination playground</title>
<link rel="stylesheet" href="/playground.css">
<script src="/drift-test.js"></script>
<script src="/app.js" defer></script>
</head>
<body>
<header>
  <h1>Drift destination playground</h1>
  <span>analytics-next + driftPlugin, talking to the local Drift sandbox</span>
  <a id="sandbox-link" target="_blank" rel="noopener">sandbox page</a>
  <span>widget: <strong id="widget-status">loading…</strong></span>
</header>
<main>
  <section>
    <h2>Analytics calls</h2>
    <form id="identify-form">
      <label>User id (empty: anonymous, traits go to setUserAttributes)<input id="user-id" value="user-42" autocomplete="off"></label>
      <label>Traits (JSON object)<textarea id="traits">{"email": "ada@example.com", "name": "Ada Lovelace", "plan": "pro", "address": {"city": "London"}, "createdAt": "2024-01-15T10:00:00Z"}</textarea></label>
      <button id="identify" type="submit">identify</button>
    </form>
    <form id="track-form">
      <label>Event name<input id="event-name" value="Order Completed" autocomplete="off"></label>
      <label>Properties (JSON object)<textarea id="properties">{"order": {"id": "o-1", "total": 42.5}, "coupon": "SPRING"}</textarea></label>
      <button id="track" type="submit">track</button>
    </form>
    <form id="page-form">
      <label>Page name<input id="page-name" value="Pricing" autocomplete="off"></label>
      <label>Category<input id="page-category" value="" autocomplete="off"></label>
      <button id="page" type="submit">page</button>
    </form>
    <form id="group-form">
      <label>Group id<input id="group-id" value="acme-1" autocomplete="off"></label>
      <label>Group traits (JSON object)<textarea id="group-traits">{"name": "Acme Inc", "plan": "enterprise", "employees": 120}</textarea></label>
      <button id="group" type="submit">group</button>
    </form>
    <form id="reset-form">
      <button id="reset" type="submit" class="secondary">reset (logout)</button>
    </form>
    <form id="widget-form">
      <label>Widget event fired by the sandbox's widget (comes back as an analytics track, never echoed to Drift)</label>
      <button id="emit-start-conversation" type="submit" class="secondary">emit startConversation</button>
    </form>
    <p id="status" role="status"></p>
  </section>
  <div class="stack">
    <section>
      <h2>What the Drift sandbox received <span class="muted" id="received-total"></span></h2>
      <table id="sandbox-calls"><thead><tr><th>#</th><th>time</th><th>method</th><th>arguments</th><th>notes</th></tr></thead><tbody></tbody></table>
    </section>
    <section>
      <h2>What analytics dispatched (this page)</h2>
      <table id="analytics-log"><thead><tr><th>#</th><th>type</th><th>event / id</th><th>payload</th><th>integrations</th></tr></thead><tbody></tbody></table>
    </section>
  </div>
</main>
</body>
</html>
`

/** Scripts from this server and the sandbox (Drift's widget script), reports to the sandbox, nothing else. */
export function playgroundCsp(sandboxUrl: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' ${sandboxUrl}`,
    `connect-src 'self' ${sandboxUrl}`,
    "style-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
}
