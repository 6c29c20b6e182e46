// bench/production-model: requests/s and p50/p99 latency of the playground's read with the cache
// on and off, at 1 and 10 connections, with production latencies (published figures, printed
// below) added around the real local bindings. Zipf-distributed post ids, seeded.
import { closedLoop } from '../lib/load.mjs'
import { FIGURES } from '../lib/production-model/figures.mjs'
import { createSchema, hyperdriveUrl } from '../lib/postgres.mjs'
import { fmt, fmtSpread, median, ratios, startWorker, table } from '../lib/workerd.mjs'
import { CREATE_TABLES, POSTS, seedStatements } from './seed.mjs'

const SEED = 20260401
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 8000)
const CONNECTIONS = [1, 10]
const WARM_MS = Number(process.env.BENCH_WARM_MS ?? FIGURES.kvEdgeCacheSeconds.value * 1000)
const CONFIGS = [
  { db: 'd1', cache: 'off', label: 'D1, no cache' },
  { db: 'd1', cache: 'kv', label: 'D1 + @kvcache (KV)' },
  { db: 'd1', cache: 'two-tier', label: 'D1 + @kvcache (Cache API + KV)' },
  { db: 'pg', cache: 'off', label: 'Hyperdrive, no cache' },
  { db: 'pg', cache: 'kv', label: 'Hyperdrive + @kvcache (KV)' },
]

const pgSchema = await createSchema('kvc_model', [
  ...CREATE_TABLES.map((sql) => sql.replace(/\{(\w+)\}/g, (_, name) => `{schema}.${name}`)),
  ...seedStatements((name) => `{schema}.${name}`),
]).catch((error) => ({ error: String(error?.message ?? error) }))
const configs = CONFIGS.filter((config) => config.db === 'd1' || !pgSchema.error)

const worker = await startWorker({
  entry: new URL('./worker.ts', import.meta.url),
  d1Databases: ['DB'],
  kvNamespaces: ['CACHE_KV'],
  hyperdrives: { HYPERDRIVE: hyperdriveUrl() },
  bindings: { PG_SCHEMA: pgSchema.schema ?? 'none', MODEL_SEED: String(SEED) },
})
try {
  await worker.fetchJson('/setup')
  const request = (config) => async (id) => {
    const response = await worker.fetch(`/read?db=${config.db}&cache=${config.cache}&id=${id}`)
    await response.arrayBuffer()
    return { ok: response.ok, outcome: response.headers.get('x-outcome') ?? 'error' }
  }
  const run = (config, connections, seed) => closedLoop({ connections, durationMs: DURATION_MS, keys: POSTS, seed, request: request(config) })
  // Steady state, not a cold start: every post is read once through each cache (the fill), then
  // Zipf traffic runs for KV's edge-cache time, so which keys are hot here reflects the traffic.
  const cached = configs.filter((c) => c.cache !== 'off')
  for (const config of cached) {
    const send = request(config)
    let next = 1
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let id = next++; id <= POSTS; id = next++) await send(id)
      }),
    )
  }
  await Promise.all(cached.map((config, i) => closedLoop({ connections: 10, durationMs: WARM_MS, keys: POSTS, seed: SEED - 1 - i, request: request(config) })))
  const results = Object.fromEntries(configs.map((config) => [config.label, Object.fromEntries(CONNECTIONS.map((c) => [c, []]))]))
  for (let round = 0; round < ROUNDS; round++) {
    for (const connections of CONNECTIONS) {
      const order = round % 2 === 0 ? configs : [...configs].reverse()
      for (const config of order) results[config.label][connections].push(await run(config, connections, SEED + round))
    }
  }
  const drawn = await worker.fetchJson('/drawn')

  const rows = []
  for (const connections of CONNECTIONS) {
    for (const config of configs) {
      const samples = results[config.label][connections]
      const off = results[configs.find((c) => c.db === config.db && c.cache === 'off').label][connections]
      const outcomes = {}
      for (const sample of samples) for (const [name, count] of Object.entries(sample.outcomes)) outcomes[name] = (outcomes[name] ?? 0) + count
      const total = Object.values(outcomes).reduce((a, b) => a + b, 0)
      const share = (name) => `${((100 * (outcomes[name] ?? 0)) / total).toFixed(1)}%`
      rows.push([
        connections,
        config.label,
        fmtSpread(samples.map((s) => s.requestsPerSecond)),
        fmt(median(samples.map((s) => s.p50Ms))),
        fmt(median(samples.map((s) => s.p99Ms))),
        config.cache === 'off' ? '-' : `${share('hit')} / ${share('miss')} / ${share('merged')}${outcomes.stale ? ` / stale ${share('stale')}` : ''}`,
        samples.reduce((sum, s) => sum + s.errors, 0),
        config.cache === 'off'
          ? '1'
          : fmtSpread(
              ratios(
                samples.map((s) => s.requestsPerSecond),
                off.map((s) => s.requestsPerSecond),
              ),
            ),
      ])
    }
  }
  const assumptions = Object.entries(FIGURES).map(([, figure]) => [
    figure.what,
    figure.value !== undefined ? `${figure.value} s` : `${fmt(figure.p50Ms)} / ${fmt(figure.p99Ms)}`,
    figure.basis,
    figure.sources.map((url) => `<${url}>`).join(' '),
  ])
  console.log(
    [
      '## production model: the playground read with production latencies (workerd, local bindings + modeled network)',
      '',
      `A post with its author and comments through Drizzle (one SQL statement), post ids 1-${POSTS} drawn from a seeded Zipf distribution (exponent 0.99), closed loops of 1 and 10 connections, ${DURATION_MS / 1000} s per run, ${ROUNDS} rounds alternating every configuration. Before measuring, every post is read once through each cache, then Zipf traffic runs on all caches at once for 60 s (KV's edge-cache time), so the rounds start from a steady state rather than a cold start: entries past their 300 s TTL are misses, and a KV read of a key this location has not read in the last 60 s is cold. Wrappers in bench/lib/production-model add a seeded draw from the figures below before each call to the real local KV, Cache API, D1 and PostgreSQL (so local execution time is added on top). One isolate stands for one Cloudflare location; fills run in \`waitUntil\`.`,
      '',
      table(
        ['connections', 'configuration', 'requests/s median (min to max)', 'p50 ms', 'p99 ms', 'hit / miss / merged', 'errors', 'throughput vs no cache'],
        rows,
      ),
      '',
      'Two-tier keeps L1 copies for a tenth of the TTL (30 s here); an older entry is read from L2.',
      '',
      '"merged": the read joined an identical lookup already in flight in the isolate (no storage call of its own). Requests/s with the cache on at 10 connections is bounded by this 2-core machine (local workerd, KV and D1 simulators), not by the modeled latencies.',
      '',
      'Assumptions (p50 / p99 in ms of a log-normal; drawn per call):',
      '',
      table(['what', 'p50 / p99', 'basis', 'sources'], assumptions),
      '',
      `Modeled delays drawn in this run: ${Object.entries(drawn)
        .map(([name, d]) => `${name} ${d.count} (mean ${fmt(d.totalMs / d.count)} ms)`)
        .join(', ')}.`,
      pgSchema.error ? `\nHyperdrive rows not measured: ${pgSchema.error}` : '',
      '',
    ].join('\n'),
  )
} finally {
  await worker.dispose()
  await pgSchema.drop?.()
}
