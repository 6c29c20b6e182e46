// The shape every ORM bench shares (bench/drizzle, bench/kysely, bench/prisma): the same read with
// no cache and as a cached hit, on D1 in workerd and on PostgreSQL from Node, sides alternating
// per round, then the KV operations the binding makes per request.
import { alternate, fmtSpread, median, ratios, startWorker, table } from './workerd.mjs'

const ROUNDS = 7

/** Runs `call` `n` times in a row and answers the milliseconds per call. */
async function msPer(n, call) {
  const started = performance.now()
  for (let i = 0; i < n; i++) await call()
  return (performance.now() - started) / n
}

/**
 * D1 in workerd: the bench Worker's `/uncached` and `/cached` paths (each runs its read `n` times),
 * warmed up once each, then timed side by side; and its `/ops` counts.
 */
export async function d1Sides(fetchJson, n = 200) {
  await fetchJson('/setup')
  const time = async (path) => {
    const started = performance.now()
    await fetchJson(`${path}?n=${n}`)
    return (performance.now() - started) / n
  }
  await time('/uncached')
  await time('/cached')
  const ms = await alternate({ uncached: '/uncached', cached: '/cached' }, ROUNDS, time)
  return { ...ms, ops: await fetchJson('/ops') }
}

/** `d1Sides` of a bench Worker module with a KV namespace and a D1 database, started for it and disposed after. */
export async function d1SidesOfWorker(entry) {
  const worker = await startWorker({ entry, kvNamespaces: ['KV'], d1Databases: ['DB'] })
  try {
    return await d1Sides(worker.fetchJson)
  } finally {
    await worker.dispose()
  }
}

/** Node: `plain()` and `cached()` read the same rows; each warmed up once, then timed side by side. */
export async function nodeSides({ plain, cached }, n = 300) {
  const time = (read) => msPer(n, read)
  await time(plain)
  await time(cached)
  return alternate({ uncached: plain, cached }, ROUNDS, time)
}

/** A fresh schema name per run, so concurrent runs never collide. */
export const benchSchemaName = (prefix) => `${prefix}_${Math.random().toString(36).slice(2, 8)}`

/** Creates `schema` for one bench run and drops it afterwards (also when the run fails). */
export async function withBenchSchema(pool, schema, run) {
  try {
    await pool.query(`CREATE SCHEMA ${schema}`)
    return await run(schema)
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined)
  }
}

/** Where the PostgreSQL half connects: a globalSetup's or the caller's DATABASE_URL, else the machine's server. */
export const pgConnectionString = () => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * The section: `d1` from `d1Sides`, `pg` from `nodeSides` (or `{ error }`), `ops` naming the
 * requests of `d1.ops` to show.
 */
export function ormSection({ name, read, binding, labels, d1, pg, ops, footer }) {
  const row = (database, where, sides) => [database, where, median(sides.uncached), median(sides.cached), fmtSpread(ratios(sides.cached, sides.uncached))]
  return [
    `## ${name}: no cache vs cached hit`,
    '',
    `${read}, sequential, ${ROUNDS} rounds alternating; ms per read as median, the ratio per round as median (min to max).`,
    '',
    table(
      ['database', 'where', 'no cache (ms)', 'cached hit (ms)', 'cached / uncached'],
      [
        row(labels.d1, 'workerd, KV storage', d1),
        pg.error ? [labels.pgDown, `not measured: ${pg.error}`, '-', '-', '-'] : row(labels.pg, 'Node, memory storage', pg),
      ],
    ),
    '',
    `KV operations through the ${binding} binding (D1):`,
    '',
    table(
      ['request', 'read calls', 'keys read', 'writes', 'deletes'],
      Object.entries(ops).map(([request, counts]) => [request, counts.readCalls, counts.keysRead, counts.writes, counts.deletes]),
    ),
    '',
    footer,
    '',
  ].join('\n')
}
