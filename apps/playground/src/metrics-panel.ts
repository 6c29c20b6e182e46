// The per-table panel every binding page shows: a table filled from `source` (the page's
// `/api/metrics`), polled every second, so traffic from anywhere (curl, another tab) shows up live.

/** Milliseconds between two polls of the metrics route. */
const POLL_INTERVAL_MS = 1000

export const metricsPanelCss = `
  #metrics-table { font-size: 0.85rem; } #metrics-table td, #metrics-table th { padding: 0.25rem 0.35rem; vertical-align: top; }
  #metrics-table .num { text-align: right; font-variant-numeric: tabular-nums; } #metrics-table tr.totals td { font-weight: 600; }
  #metrics-table .why { color: #5b6475; font-size: 0.78rem; display: block; white-space: nowrap; }
`

/** The panel's HTML and script; `refreshMetrics()` is global, for a page that wants it painted after a click. */
export function metricsPanel(source: string): string {
  return /* html */ `<section id="metrics">
  <h2>Per table: this page's <span id="metrics-binding">-</span> traffic</h2>
  <table id="metrics-table">
    <thead><tr><th>table</th><th class="num">hit rate</th><th class="num">hits</th><th class="num">misses</th><th class="num">stale</th>
      <th class="num">merged</th><th class="num">skips</th><th class="num">bypasses</th><th class="num">invalidations</th>
      <th class="num">KV reads</th><th class="num">KV writes</th>
      <th class="num">KV USD, bulk read = 1 read</th><th class="num">KV USD, per key</th></tr></thead>
    <tbody id="metrics-rows"><tr><td colspan="13" class="muted">no traffic yet</td></tr></tbody>
  </table>
  <p>All storage calls, by storage, tier and kind: <span id="metrics-calls">none yet</span></p>
  <p class="muted">Polled every second: <span id="metrics-updated">not yet</span>. Hit rate: fresh hits over hits, stale hits
    and misses. KV reads (a bulk read is one call; the keys it carried below) and writes (deletes below) of each read count under
    every table it depends on, so only "all tables" adds up; calls made by no read (a write's stamp writes) count under
    <code>(unknown)</code>. KV at list prices ($0.50 per million reads, $5 per million writes and deletes); Cloudflare does not
    say whether a bulk read of N keys bills as 1 read or N, so both. The Cache API (L1) is free.</p>
</section>
<script>
const metricsCell = (field, value, detail) => '<td class="num" data-field="' + field + '"><span class="value">' + value + '</span>' +
  (detail ? '<span class="why">' + detail + '</span>' : '') + '</td>'
const metricsReasons = (reasons) => Object.entries(reasons).map(([reason, n]) => reason + ' ' + n).join(', ')
const metricsUsd = (usd) => '$' + usd.toFixed(7)
const metricsEscape = (text) => text.replace(/[&<>"]/g, (c) => '&#' + c.charCodeAt(0) + ';')
const metricsCalls = (operations) => operations.map((o) => '<code>' + (o.tier ? o.tier + ' ' : '') + o.storage + ' ' + o.kind + '</code> ' + o.calls +
  (o.keys !== o.calls ? ' (' + o.keys + ' keys)' : '')).join(', ') || 'none yet'
function metricsRow(row, label, className) {
  return '<tr data-table="' + metricsEscape(row.table) + '" class="' + className + '"><td>' + metricsEscape(label) + '</td>' +
    metricsCell('hit-rate', row.hitRate === null ? '-' : Math.round(row.hitRate * 100) + '%') +
    metricsCell('hits', row.hits) + metricsCell('misses', row.misses, metricsReasons(row.missReasons)) +
    metricsCell('stale', row.staleHits + (row.staleIfError ? ' + ' + row.staleIfError + ' if-error' : '')) +
    metricsCell('joined', row.joined) + metricsCell('skips', row.skips, metricsReasons(row.skipReasons)) +
    metricsCell('bypasses', row.bypasses) + metricsCell('invalidations', row.invalidations) +
    metricsCell('kv-reads', row.kv.readCalls, row.kv.readKeys ? row.kv.readKeys + ' keys' : '') +
    metricsCell('kv-writes', row.kv.writes, row.kv.deletes ? row.kv.deletes + ' deletes' : '') +
    metricsCell('usd-bulk-one', metricsUsd(row.kv.usd.bulkReadAsOneRead)) + metricsCell('usd-per-key', metricsUsd(row.kv.usd.bulkReadPerKey)) + '</tr>'
}
let metricsGeneration = 0
async function refreshMetrics() {
  // Only the newest answer may paint: a slow one arriving late must not overwrite it.
  const mine = ++metricsGeneration
  const m = await (await fetch('${source}')).json()
  if (mine !== metricsGeneration) return
  document.getElementById('metrics-binding').textContent = m.binding
  document.getElementById('metrics-rows').innerHTML = m.tables.length === 0 ? '<tr><td colspan="13" class="muted">no traffic yet</td></tr>'
    : m.tables.map((row) => metricsRow(row, row.table, '')).join('') + metricsRow(m.totals, 'all tables', 'totals')
  document.getElementById('metrics-calls').innerHTML = metricsCalls(m.operations)
  document.getElementById('metrics-updated').textContent = 'updated ' + new Date().toLocaleTimeString()
}
// One poll at a time (the next is scheduled when this one settles); a failed poll (Worker restarting) just waits for the next.
async function pollMetrics() {
  try { await refreshMetrics() } catch {} finally { setTimeout(pollMetrics, ${POLL_INTERVAL_MS}) }
}
pollMetrics()
</script>`
}
