// The Kysely page: one query over three tables, cached through kyselyCache(), and the writes that invalidate it.
import { metricsPanel, metricsPanelCss } from './metrics-panel'
import { pageCss } from './page-style'

export const kyselyPageHtml = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@kvcache playground: Kysely</title>
<style>
${pageCss}
${metricsPanelCss}
  pre { background: #eef1f7; padding: 0.6rem; border-radius: 6px; white-space: pre-wrap; word-break: break-word; }
</style>
</head>
<body>
<h1>@kvcache playground: Kysely</h1>
<p class="sub">The same D1 data and cache as the <a href="/">Drizzle dashboard</a>, through
<code>kyselyCache(new D1Dialect(...), cache)</code>. The tables a query reads come from Kysely's operation-node tree.</p>

<section>
  <h2>Post #1, its author and its comment count</h2>
  <div class="row">
    <button id="read" class="primary">Read (cached)</button>
    <button id="read-uncached">Read (no cache)</button>
    <input id="title" value="" placeholder="New title" aria-label="New title">
    <button id="write">Write title</button>
    <button id="comment">Add a comment</button>
  </div>
  <p>Last read: <span id="last-outcome" class="badge uncached">none yet</span>
     <strong id="last-title">-</strong> by <span id="last-author">-</span>,
     <span id="last-comments">-</span> comments, in <span id="last-ms">-</span> ms</p>
  <p id="last-write" class="muted"></p>
  <p class="muted">SQL Kysely sent (posts JOIN users, comments in a subquery):</p>
  <pre id="last-sql">-</pre>
</section>

<section>
  <h2>Cache (shared with the Drizzle page)</h2>
  <div class="grid">
    <div class="stat">hits <b id="hits">0</b></div>
    <div class="stat">misses <b id="misses">0</b></div>
    <div class="stat">fills <b id="fills">0</b></div>
    <div class="stat">D1 queries <b id="db-queries">0</b></div>
    <div class="stat">KV reads <b id="kv-reads">0</b></div>
    <div class="stat">KV writes <b id="kv-writes">0</b></div>
  </div>
</section>

${metricsPanel('/kysely/api/metrics')}

<script>
const $ = (id) => document.getElementById(id)
let generation = 0
async function refresh() {
  const mine = ++generation
  const s = await (await fetch('/api/stats')).json()
  if (mine !== generation) return
  $('hits').textContent = s.drizzle.hit; $('misses').textContent = s.drizzle.miss; $('fills').textContent = s.drizzle.fill
  $('db-queries').textContent = s.databaseQueries; $('kv-reads').textContent = s.kv.readCalls; $('kv-writes').textContent = s.kv.writes
}
async function busy(work) {
  document.querySelectorAll('button').forEach((b) => (b.disabled = true))
  try { await work(); await Promise.all([refresh(), refreshMetrics()]) } finally { document.querySelectorAll('button').forEach((b) => (b.disabled = false)) }
}
async function read(cache) {
  const r = await (await fetch('/kysely/api/read?id=1&cache=' + cache)).json()
  const badge = $('last-outcome'); badge.textContent = r.outcome; badge.className = 'badge ' + r.outcome
  $('last-title').textContent = r.post ? r.post.title : '(none)'
  $('last-author').textContent = r.post ? r.post.author : '-'
  $('last-comments').textContent = r.post ? r.post.comments : '-'
  $('last-ms').textContent = r.ms.toFixed(2)
  $('last-sql').textContent = r.sql
}
async function write(path, body, label) {
  const r = await (await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json()
  $('last-write').textContent = label + '; invalidated: ' + r.invalidated.join(', ')
}
$('read').onclick = () => busy(() => read('on'))
$('read-uncached').onclick = () => busy(() => read('off'))
$('write').onclick = () => busy(() => {
  const title = $('title').value || ('Edited at ' + new Date().toLocaleTimeString())
  return write('/kysely/api/write?id=1', JSON.stringify({ title }), 'Wrote "' + title + '"')
})
$('comment').onclick = () => busy(() => write('/kysely/api/comment?id=1', '{}', 'Added a comment'))
refresh()
</script>
</body>
</html>`
