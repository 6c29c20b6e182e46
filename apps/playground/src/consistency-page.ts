// The consistency demo page: write in location A, read in location B, with stamps in KV or in the coordinator.
export const consistencyHtml = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@kvcache playground: consistency</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7fb; }
  body { max-width: 980px; margin: 2rem auto; padding: 0 1rem; }
  section { background: #fff; border-radius: 10px; padding: 1rem 1.2rem; margin: 1rem 0; box-shadow: 0 1px 3px #0001; }
  button { font: inherit; padding: 0.5rem 0.9rem; border-radius: 7px; border: 1px solid #c9cfdc; background: #fff; cursor: pointer; }
  button.primary { background: #f38020; border-color: #f38020; color: #fff; } button:disabled { opacity: 0.5; cursor: wait; }
  input[type=text] { font: inherit; padding: 0.45rem; border-radius: 7px; border: 1px solid #c9cfdc; width: 18rem; }
  .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; } .row { display: flex; gap: 0.6rem; flex-wrap: wrap; align-items: center; }
  .badge { display: inline-block; padding: 0.15rem 0.55rem; border-radius: 99px; font-weight: 600; }
  .fresh { background: #d9f5e3; color: #11662f; } .stale { background: #fde2d6; color: #8a2d0b; } .none { background: #e4e8f1; color: #374054; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 0.3rem 0.4rem; border-bottom: 1px solid #eceff5; }
  .muted { color: #5b6475; font-size: 0.9rem; }
</style>
</head>
<body>
<h1>Consistency: KV stamps vs the Durable Object coordinator</h1>
<p class="muted"><a href="/">Back to the dashboard</a>. Two locations share one row: A writes it through Drizzle, B reads it.
Location B's KV answers from its edge cache for 30 s after it last read a key, as production KV does for up to 60 s.</p>

<section>
  <div class="row">
    <label><input type="radio" name="mode" value="kv" checked> Version stamps in KV (eventual)</label>
    <label><input type="radio" name="mode" value="coordinator"> Version stamps in the coordinator (strong)</label>
  </div>
</section>

<div class="cols">
  <section>
    <h2>Location A: writer</h2>
    <div class="row"><input id="title" type="text" placeholder="New title" aria-label="New title"><button id="write">Write</button></div>
    <p id="last-write" class="muted">nothing written yet</p>
  </section>
  <section>
    <h2>Location B: reader</h2>
    <div class="row"><button id="read" class="primary">Read</button></div>
    <p>Title <strong id="b-title">-</strong> <span id="b-verdict" class="badge none">not read yet</span></p>
    <p id="b-detail" class="muted"></p>
  </section>
</div>

<section>
  <h2>Calls per request</h2>
  <table><thead><tr><th>mode</th><th>request</th><th>KV reads</th><th>KV writes</th><th>coordinator reads</th><th>coordinator bumps</th><th>ms</th></tr></thead>
  <tbody id="log"></tbody></table>
  <p class="muted">With KV stamps, B keeps serving the old title until its edge cache expires. With the coordinator, B's first read after the write is fresh: the entry B holds is the old one, but the stamp it is checked against comes from the Durable Object.</p>
</section>

<script>
const $ = (id) => document.getElementById(id)
const mode = () => document.querySelector('input[name=mode]:checked').value
function log(kind, r) {
  const c = r.calls
  const row = '<tr><td>' + r.mode + '</td><td>' + kind + '</td><td>' + c.kvReads + '</td><td>' + c.kvWrites + '</td><td>' + c.coordinatorReads + '</td><td>' + c.coordinatorBumps + '</td><td>' + r.ms.toFixed(1) + '</td></tr>'
  $('log').insertAdjacentHTML('afterbegin', row)
}
async function busy(work) {
  document.querySelectorAll('button').forEach((b) => (b.disabled = true))
  try { await work() } finally { document.querySelectorAll('button').forEach((b) => (b.disabled = false)) }
}
$('read').onclick = () => busy(async () => {
  const r = await (await fetch('/api/consistency/read?mode=' + mode())).json()
  $('b-title').textContent = r.title
  const verdict = $('b-verdict'); verdict.textContent = r.fresh ? 'fresh' : 'stale'; verdict.className = 'badge ' + (r.fresh ? 'fresh' : 'stale')
  $('b-detail').textContent = 'cache ' + r.outcome + '; the database holds "' + r.database + '"'
  log('read in B', r)
})
$('write').onclick = () => busy(async () => {
  const title = $('title').value || ('Edited at ' + new Date().toLocaleTimeString())
  const r = await (await fetch('/api/consistency/write?mode=' + mode(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) })).json()
  $('last-write').textContent = 'Wrote "' + r.title + '" (' + r.mode + ')'
  log('write in A', r)
})
</script>
</body>
</html>`
