// Prints the production model's tables: the side-by-side summary, the load detail, stale reads
// after writes, and every assumption with its source.
import { FIGURES } from '../lib/production-model/figures.mjs'
import { fmt, fmtSpread, median, ratios, table } from '../lib/workerd.mjs'

const pct = (share) => `${(100 * share).toFixed(1)}%`
const seconds = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`)
const shareSpread = (shares) => {
  const sorted = [...shares].sort((a, b) => a - b)
  return `${pct(median(sorted))} (${pct(sorted[0])} to ${pct(sorted[sorted.length - 1])})`
}

function outcomeCell(samples) {
  const outcomes = {}
  for (const sample of samples) for (const [name, count] of Object.entries(sample.outcomes)) outcomes[name] = (outcomes[name] ?? 0) + count
  const total = Object.values(outcomes).reduce((a, b) => a + b, 0)
  const share = (name) => pct((outcomes[name] ?? 0) / total)
  if (outcomes.uncached === total) return '-'
  return `${share('hit')} / ${share('miss')} / ${share('merged')}${outcomes.stale ? ` / stale ${share('stale')}` : ''}${outcomes.uncacheable ? ` / uncacheable ${share('uncacheable')}` : ''}`
}

// The paragraph under the tables: each alternative against ours, in this run's numbers.
function reading({ results, stale }) {
  const p50 = (name) => (results[name] ? fmt(median(results[name][1].map((x) => x.p50Ms))) : '-')
  const elsewhere = (name) => (stale[name] ? `${pct(median(stale[name].other.shares))} up to ${seconds(stale[name].other.worstMs)}` : '-')
  const own = (name) => (stale[name] ? pct(median(stale[name].own.shares)) : '-')
  return [
    `Reading: Hyperdrive's query cache never caches the Drizzle relational read (it calls stable functions), so that read stays at Hyperdrive's p50 (${p50('pg-off')} ms); written as a plain join it is cached, but writes purge nothing, so reads in the writer's own location are stale too (${own('pg-hd-cache-join')}), against ${own('pg-kv')} for ours.`,
    `A D1 replica in the region answers every read in about one in-region round trip (p50 ${p50('d1-replica')} ms, against ${p50('d1-kv')} ms for a KV hit), keeps the writer's session fresh through its bookmark, and serves other sessions ${elsewhere('d1-replica')} stale, bounded by the replica lag;`,
    `our KV stamps serve other locations ${elsewhere('d1-kv')} stale, bounded by KV's 60 s edge cache, and the coordinator ${elsewhere('d1-coordinator')} at p50 ${p50('d1-coordinator')} ms.`,
  ].join(' ')
}

export function printReport({ configs, measured, results, stale, drawn, replication, pgError, settings }) {
  const { ROUNDS, DURATION_MS, WRITE_PHASE_MS, WRITE_EVERY_MS, READ_EVERY_MS, POSTS_PER_CONFIG, CONNECTIONS } = settings
  const rps = (name, c) => results[name]?.[c].map((s) => s.requestsPerSecond)
  const summary = configs.map((config) => {
    const one = results[config.name]?.[1]
    const s = stale[config.name]
    return [
      config.label,
      one ? `${fmt(median(one.map((x) => x.p50Ms)))} / ${fmt(median(one.map((x) => x.p99Ms)))}` : 'as Hyperdrive, no cache',
      one ? fmtSpread(rps(config.name, 1)) : '-',
      one ? fmtSpread(rps(config.name, 10)) : '-',
      shareSpread(s.own.shares),
      shareSpread(s.other.shares),
      `${seconds(s.other.p99Ms)} / ${seconds(s.other.worstMs)}`,
    ]
  })
  const detail = []
  for (const connections of CONNECTIONS) {
    for (const config of measured) {
      const samples = results[config.name][connections]
      detail.push([
        connections,
        config.label,
        fmtSpread(samples.map((s) => s.requestsPerSecond)),
        fmt(median(samples.map((s) => s.p50Ms))),
        fmt(median(samples.map((s) => s.p99Ms))),
        outcomeCell(samples),
        samples.reduce((sum, s) => sum + s.errors, 0),
        config.name === config.base ? '1' : fmtSpread(ratios(rps(config.name, connections), rps(config.base, connections))),
      ])
    }
  }
  const staleRows = configs.map((config) => {
    const { own, other } = stale[config.name]
    return [
      config.label,
      own.writes,
      `${own.reads} / ${other.reads}`,
      shareSpread(own.shares),
      `${seconds(own.p99Ms)} / ${seconds(own.worstMs)}`,
      shareSpread(other.shares),
      `${seconds(other.p99Ms)} / ${seconds(other.worstMs)}`,
      own.errors + other.errors,
    ]
  })
  const assumptions = Object.values(FIGURES).map((figure) => [
    figure.what,
    figure.value !== undefined ? `${figure.value} s` : `${fmt(figure.p50Ms)} / ${fmt(figure.p99Ms)}`,
    figure.basis,
    figure.sources.map((url) => `<${url}>`).join(' '),
  ])
  console.log(
    [
      "## production model: the playground read with production latencies, our cache beside Hyperdrive's query cache and D1 read replicas (workerd, local bindings + modeled network)",
      '',
      `A post with its author and comments through Drizzle (one SQL statement), post ids 1-1000 drawn from a seeded Zipf distribution (exponent 0.99), closed loops of 1 and 10 connections, ${DURATION_MS / 1000} s per run, ${ROUNDS} rounds alternating every configuration. Before measuring, every post is read once through each cache, then Zipf traffic runs on all caches at once for 60 s (KV's edge-cache time), so the rounds start from a steady state rather than a cold start. Wrappers in bench/lib/production-model add a seeded draw from the figures below before each call to the real local KV, Cache API, D1 (primary and replica), coordinator objects and PostgreSQL (so local execution time is added on top). One modeled location is one set of state in the isolate (KV edge copies, Cache API, Hyperdrive query cache, our in-isolate cache state); fills run in \`waitUntil\`.`,
      '',
      `Stale reads after writes: for ${WRITE_PHASE_MS / 1000} s, every configuration at once on ${POSTS_PER_CONFIG} posts of its own (ids 901-983, none read before in these locations), a writer in location w sets each post's title every ${WRITE_EVERY_MS / 1000} s through the configuration's own write path (ours: the cached Drizzle binding, which invalidates; Hyperdrive: an UPDATE through Hyperdrive; D1 replicas: a write in the writer's session, on the primary); one reader in the writer's location (D1: the writer's session, carrying its bookmark) and one in another location r (D1: a fresh \`first-unconstrained\` session per request) each read every ${READ_EVERY_MS} ms. A read is stale when its title is older than the newest write answered before the read was sent; staleness is how long before the read that version had been overwritten. Spreads are over the ${POSTS_PER_CONFIG} posts.`,
      '',
      table(
        [
          'configuration',
          'p50 / p99 ms (1 connection)',
          'requests/s, 1 connection',
          'requests/s, 10 connections',
          "stale reads, writer's location / session",
          'stale reads, another location',
          'staleness elsewhere: p99 / worst',
        ],
        summary,
      ),
      '',
      'Load detail:',
      '',
      table(
        ['connections', 'configuration', 'requests/s median (min to max)', 'p50 ms', 'p99 ms', 'hit / miss / merged', 'errors', 'throughput vs no cache'],
        detail,
      ),
      '',
      'Stale reads after writes:',
      '',
      table(
        [
          'configuration',
          'writes',
          "reads (writer's / other)",
          "stale, writer's location",
          "p99 / worst, writer's",
          'stale, another location',
          'p99 / worst, another location',
          'errors',
        ],
        staleRows,
      ),
      '',
      reading({ configs, results, stale }),
      '',
      'Two-tier keeps L1 copies for a tenth of the TTL (30 s here); an older entry is read from L2. "merged": the read joined an identical lookup already in flight in the isolate (no storage call of its own). Requests/s with a cache on at 10 connections is bounded by this 2-core machine (local workerd, KV and D1 simulators), not by the modeled latencies.',
      '',
      'Assumptions (p50 / p99 in ms of a log-normal; drawn per call):',
      '',
      table(['what', 'p50 / p99', 'basis', 'sources'], assumptions),
      '',
      `Modeled delays drawn in this run: ${Object.entries(drawn)
        .map(([name, d]) => `${name} ${d.count} (mean ${fmt(d.totalMs / d.count)} ms)`)
        .join(', ')}. D1 replication: ${replication.committed} commits on the primary, ${replication.applied} applied at the replica when the run ended.`,
      pgError ? `\nHyperdrive rows not measured: ${pgError}` : '',
      '',
    ].join('\n'),
  )
}
