// bench/production-model: requests/s and p50/p99 latency of the playground's read at 1 and 10
// connections, with production latencies (published figures, printed below) added around the real
// local bindings, for our cache beside what users would pick instead (Hyperdrive's query cache,
// D1 read replicas); then stale reads after writes for each. Zipf-distributed post ids, seeded.
import pg from 'pg'
import { closedLoop } from '../lib/load.mjs'
import { FIGURES } from '../lib/production-model/figures.mjs'
import { createSchema, databaseUrl, hyperdriveUrl } from '../lib/postgres.mjs'
import { fmt, fmtSpread, median, ratios, startWorker, table } from '../lib/workerd.mjs'
import { CREATE_TABLES, POSTS, seedStatements } from './seed.mjs'
import { stalePhase, summarize } from './stale-reads.mjs'

const SEED = 20260401
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000)
const CONNECTIONS = [1, 10]
const WARM_MS = Number(process.env.BENCH_WARM_MS ?? FIGURES.kvEdgeCacheSeconds.value * 1000)
// Long enough for a copy fetched at the first read to pass KV's 60 s and Hyperdrive's max_age.
const WRITE_PHASE_MS = Number(process.env.BENCH_WRITE_MS ?? 80_000)
const WRITE_EVERY_MS = 2000
const READ_EVERY_MS = 250
const POSTS_PER_CONFIG = 3
const CONFIGS = [
  { name: 'd1-off', label: 'D1, no cache', base: 'd1-off' },
  { name: 'd1-kv', label: 'D1 + @kvcache (KV)', base: 'd1-off', cached: true },
  { name: 'd1-two-tier', label: 'D1 + @kvcache (Cache API + KV)', base: 'd1-off', cached: true },
  { name: 'd1-coordinator', label: 'D1 + @kvcache (coordinator)', base: 'd1-off', cached: true },
  { name: 'd1-replica', label: 'D1 read replica (Sessions API)', base: 'd1-off' },
  { name: 'pg-off', label: 'Hyperdrive, no cache', base: 'pg-off', pg: true },
  { name: 'pg-kv', label: 'Hyperdrive + @kvcache (KV)', base: 'pg-off', pg: true, cached: true },
  // The Drizzle relational read calls json_agg / json_build_array (stable): Hyperdrive never caches
  // it, so it behaves as "Hyperdrive, no cache"; only the write phase runs it, to show that.
  { name: 'pg-hd-cache', label: 'Hyperdrive query cache, Drizzle relational read', base: 'pg-off', pg: true, writesOnly: true },
  { name: 'pg-hd-cache-join', label: 'Hyperdrive query cache, the read as one plain join', base: 'pg-off', pg: true, cached: true },
]

async function nonImmutableFunctions() {
  const client = new pg.Client({ connectionString: databaseUrl() })
  await client.connect()
  try {
    return (await client.query("SELECT DISTINCT lower(proname) AS name FROM pg_proc WHERE provolatile <> 'i'")).rows.map((row) => row.name)
  } finally {
    await client.end()
  }
}

const pgSchema = await createSchema('kvc_model', [
  ...CREATE_TABLES.map((sql) => sql.replace(/\{(\w+)\}/g, (_, name) => `{schema}.${name}`)),
  ...seedStatements((name) => `{schema}.${name}`),
]).catch((error) => ({ error: String(error?.message ?? error) }))
const configs = CONFIGS.filter((config) => !config.pg || !pgSchema.error)
const measured = configs.filter((config) => !config.writesOnly)

const worker = await startWorker({
  entry: new URL('./worker.ts', import.meta.url),
  d1Databases: ['DB', 'REPLICA'],
  kvNamespaces: ['CACHE_KV'],
  hyperdrives: { HYPERDRIVE: hyperdriveUrl() },
  durableObjects: { COORDINATOR: 'KvCacheCoordinator' },
  bindings: {
    PG_SCHEMA: pgSchema.schema ?? 'none',
    MODEL_SEED: String(SEED),
    PG_NON_IMMUTABLE: JSON.stringify(pgSchema.error ? [] : await nonImmutableFunctions()),
  },
})
try {
  await worker.fetchJson('/setup')
  const request = (config) => async (id) => {
    const response = await worker.fetch(`/read?config=${config.name}&loc=main&id=${id}`)
    await response.arrayBuffer()
    return { ok: response.ok, outcome: response.headers.get('x-outcome') ?? 'error' }
  }
  const run = (config, connections, seed) => closedLoop({ connections, durationMs: DURATION_MS, keys: POSTS, seed, request: request(config) })
  // Steady state, not a cold start: every post is read once through each cache (the fill), then
  // Zipf traffic runs for KV's edge-cache time, so which keys are hot here reflects the traffic.
  const cached = measured.filter((c) => c.cached)
  await Promise.all(
    cached.map(async (config) => {
      const send = request(config)
      let next = 1
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          for (let id = next++; id <= POSTS; id = next++) await send(id)
        }),
      )
    }),
  )
  await Promise.all(cached.map((config, i) => closedLoop({ connections: 10, durationMs: WARM_MS, keys: POSTS, seed: SEED - 1 - i, request: request(config) })))
  const results = Object.fromEntries(measured.map((config) => [config.name, Object.fromEntries(CONNECTIONS.map((c) => [c, []]))]))
  for (let round = 0; round < ROUNDS; round++) {
    for (const connections of CONNECTIONS) {
      const order = round % 2 === 0 ? measured : [...measured].reverse()
      for (const config of order) results[config.name][connections].push(await run(config, connections, SEED + round))
    }
  }

  // Write phase: every configuration at once, each on posts of its own (same shape, same state:
  // never read in any location `w` or `r` before), the tail of the Zipf range.
  const stale = Object.fromEntries(
    await Promise.all(
      configs.map(async (config, i) => {
        const ids = Array.from({ length: POSTS_PER_CONFIG }, (_, j) => POSTS - 99 + 10 * i + j)
        const perPost = await stalePhase({
          worker,
          config: config.name,
          ids,
          durationMs: WRITE_PHASE_MS,
          writeEveryMs: WRITE_EVERY_MS,
          readEveryMs: READ_EVERY_MS,
          leadMs: 2000,
        })
        return [config.name, { own: summarize(perPost, 'own'), other: summarize(perPost, 'other') }]
      }),
    ),
  )
  const { drawn, replication } = await worker.fetchJson('/drawn')
  const { printReport } = await import('./report.mjs')
  printReport({
    configs,
    measured,
    results,
    stale,
    drawn,
    replication,
    pgError: pgSchema.error,
    settings: { ROUNDS, DURATION_MS, WRITE_PHASE_MS, WRITE_EVERY_MS, READ_EVERY_MS, POSTS_PER_CONFIG, CONNECTIONS },
  })
} finally {
  await worker.dispose()
  await pgSchema.drop?.()
}
