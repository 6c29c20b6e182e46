// The dashboard: plain HTML and a small script that calls the Worker's JSON routes.
import { metricsPanel, metricsPanelCss } from './metrics-panel'
import { pageCss } from './page-style'

export const dashboardHtml = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@kvcache playground</title>
<style>
${pageCss}
${metricsPanelCss}
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 0.3rem 0.4rem; border-bottom: 1px solid #eceff5; }
</style>
</head>
<body>
<h1>@kvcache playground</h1>
<p class="sub">Drizzle on D1, cached in the Cache API (L1) and Workers KV (L2), invalidated by its own writes. Everything runs locally. The same data through <a href="/prisma">Prisma</a> and <a href="/kysely">Kysely</a>; <a href="/consistency">consistency: KV stamps vs the coordinator</a>.</p>

<section>
  <h2>Post #1</h2>
  <div class="row">
    <button id="read" class="primary">Read (cached)</button>
    <button id="read-uncached">Read (no cache)</button>
    <input id="title" value="" placeholder="New title" aria-label="New title">
    <button id="write">Write title</button>
    <button id="burst">Burst: 100 concurrent reads</button>
  </div>
  <p>Last read: <span id="last-outcome" class="badge uncached">none yet</span>
     title <strong id="last-title">-</strong> in <span id="last-ms">-</span> ms</p>
  <p id="last-write" class="muted"></p>
  <p id="last-burst" class="muted"></p>
</section>

<section>
  <h2>Drizzle cache</h2>
  <div class="grid">
    <div class="stat">hits <b id="hits">0</b></div>
    <div class="stat">misses <b id="misses">0</b></div>
    <div class="stat">stale <b id="stale">0</b></div>
    <div class="stat">fills <b id="fills">0</b></div>
    <div class="stat">D1 queries <b id="db-queries">0</b></div>
    <div class="stat">KV reads <b id="kv-reads">0</b></div>
    <div class="stat">KV writes <b id="kv-writes">0</b></div>
    <div class="stat">KV cost, USD / 1M requests <b id="cost">0</b></div>
  </div>
  <h3>Latency: cached vs uncached reads (ms, last 40 of each)</h3>
  <svg id="chart" viewBox="0 0 600 180" width="100%" height="180" role="img" aria-label="latency chart"></svg>
  <p class="muted"><span style="color:#f38020">&#9632;</span> cached &nbsp; <span style="color:#4a5a7a">&#9632;</span> uncached &nbsp; medians: cached <span id="median-cached">-</span> ms, uncached <span id="median-uncached">-</span> ms</p>
</section>

${metricsPanel('/api/metrics')}

<section>
  <h2>Recent invalidations</h2>
  <table><thead><tr><th>when</th><th>scopes bumped</th></tr></thead><tbody id="invalidations"><tr><td colspan="2" class="muted">none yet</td></tr></tbody></table>
  <p class="muted">Counters live in this Worker isolate's memory (a demo): they reset when it restarts.</p>
</section>

<script>
const $ = (id) => document.getElementById(id)
const median = (xs) => { if (!xs.length) return '-'; const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)].toFixed(2) }

function drawChart(cached, uncached) {
  const svg = $('chart'); const w = 600, h = 180, pad = 24
  const max = Math.max(1, ...cached, ...uncached)
  const point = (v, i) => [(pad + i * (w - 2 * pad) / 39).toFixed(1), (h - pad - v / max * (h - 2 * pad)).toFixed(1)]
  const line = (xs, color) => xs.length < 1 ? '' : '<polyline fill="none" stroke="' + color + '" stroke-width="2" points="' +
    xs.map((v, i) => point(v, i).join(',')).join(' ') + '"/>' +
    xs.map((v, i) => { const [x, y] = point(v, i); return '<circle cx="' + x + '" cy="' + y + '" r="3" fill="' + color + '"/>' }).join('')
  svg.innerHTML = '<line x1="' + pad + '" y1="' + (h - pad) + '" x2="' + (w - pad) + '" y2="' + (h - pad) + '" stroke="#ccd"/>' +
    '<text x="2" y="' + (pad - 8) + '" font-size="11" fill="#667">' + max.toFixed(1) + ' ms</text>' +
    line(uncached, '#4a5a7a') + line(cached, '#f38020')
}

let generation = 0
async function refresh() {
  // Only the newest refresh may paint: an older response arriving late must not overwrite it.
  const mine = ++generation
  const s = await (await fetch('/api/stats')).json()
  if (mine !== generation) return
  $('hits').textContent = s.drizzle.hit; $('misses').textContent = s.drizzle.miss; $('stale').textContent = s.drizzle.stale
  $('fills').textContent = s.drizzle.fill; $('db-queries').textContent = s.databaseQueries
  $('kv-reads').textContent = s.kv.readCalls; $('kv-writes').textContent = s.kv.writes
  $('cost').textContent = s.estimatedKvUsdPerMillionRequests.toFixed(2)
  $('median-cached').textContent = median(s.latencyMs.cached); $('median-uncached').textContent = median(s.latencyMs.uncached)
  drawChart(s.latencyMs.cached, s.latencyMs.uncached)
  $('invalidations').innerHTML = s.invalidations.length ? s.invalidations.map((i) =>
    '<tr><td>' + new Date(i.atMs).toLocaleTimeString() + '</td><td>' + i.scopes.map((x) => '<code>' + x + '</code>').join(' ') + '</td></tr>').join('')
    : '<tr><td colspan="2" class="muted">none yet</td></tr>'
}

async function busy(button, work) {
  document.querySelectorAll('button').forEach((b) => (b.disabled = true))
  // Buttons come back only once the stats are painted: what you (and the browser test) see is settled.
  try { await work(); await Promise.all([refresh(), refreshMetrics()]) } finally { document.querySelectorAll('button').forEach((b) => (b.disabled = false)) }
}

async function read(cache) {
  const r = await (await fetch('/api/read?id=1&cache=' + cache)).json()
  const badge = $('last-outcome'); badge.textContent = r.outcome; badge.className = 'badge ' + r.outcome
  $('last-title').textContent = r.post ? r.post.title : '(none)'
  $('last-ms').textContent = r.ms.toFixed(2)
}

$('read').onclick = () => busy($('read'), () => read('on'))
$('read-uncached').onclick = () => busy($('read-uncached'), () => read('off'))
$('write').onclick = () => busy($('write'), async () => {
  const title = $('title').value || ('Edited at ' + new Date().toLocaleTimeString())
  const r = await (await fetch('/api/write?id=1', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) })).json()
  $('last-write').textContent = 'Wrote "' + title + '"; invalidated: ' + r.invalidated.join(', ')
})
$('burst').onclick = () => busy($('burst'), async () => {
  const r = await (await fetch('/api/burst?id=1&n=100', { method: 'POST' })).json()
  $('last-burst').textContent = r.reads + ' concurrent identical reads -> ' + r.databaseQueries + ' D1 query (in-flight de-duplication), ' + r.ms.toFixed(1) + ' ms'
})
refresh()
</script>
</body>
</html>`
