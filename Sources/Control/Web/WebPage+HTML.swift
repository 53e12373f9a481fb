// The page's HTML.
// Edit it here: there is no build step; the text is served exactly as written.
extension WebPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley</title>
<link rel="stylesheet" href="app.css">
<script src="app.js" defer></script>
</head>
<body>
<header>
  <h1>Parley</h1>
  <nav>
    <button type="button" id="tab-live" class="tab active" data-tab="live">Live</button>
    <button type="button" id="tab-search" class="tab" data-tab="search">History</button>
  </nav>
  <span id="stream-status" class="status offline" title="live event stream">offline</span>
  <form id="token-form" class="hidden">
    <label>Token <input type="password" id="token-input" autocomplete="off"></label>
    <button type="submit">Use</button>
  </form>
</header>
<main>
  <section id="live-panel" class="panel">
    <h2>Live calls <span id="call-count" class="count">0</span></h2>
    <ul id="calls" class="list"></ul>
    <p id="calls-empty" class="empty">No calls in progress.</p>
    <h2>Running conversations</h2>
    <ul id="conversations" class="list"></ul>
  </section>
  <section id="search-panel" class="panel hidden">
    <h2>Search conversations</h2>
    <form id="search-form">
      <label>Caller <input name="caller" placeholder="part of a number or URI"></label>
      <label>Agent <input name="agent"></label>
      <label>Status
        <select name="status">
          <option value="">any</option><option>running</option><option>completed</option><option>failed</option>
        </select>
      </label>
      <label>From <input name="since" type="date"></label>
      <label>To <input name="until" type="date"></label>
      <button type="submit">Search</button>
    </form>
    <table id="results">
      <thead><tr><th>Started</th><th>Caller</th><th>Callee</th><th>Agent</th><th>Status</th><th>Events</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section id="detail" class="panel">
    <h2 id="detail-title">Timeline</h2>
    <p id="detail-summary" class="summary">Pick a call or a conversation.</p>
    <div id="lanes" class="lanes">
      <span class="lane-head">time</span><span class="lane-head">call</span><span class="lane-head">workflow</span>
      <span class="lane-head">transcript</span><span class="lane-head">tools</span><span class="lane-head">dtmf</span>
    </div>
    <ol id="timeline" class="timeline"></ol>
  </section>
</main>
<footer>
  <a href="openapi.yaml">API (OpenAPI)</a> · <a href="metrics">metrics</a>
</footer>
</body>
</html>

"""#
}
