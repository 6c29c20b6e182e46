// bench/drizzle: Drizzle with no cache vs a cached hit, D1 in workerd and PostgreSQL from Node, plus KV operations.
import { alternate, fmtSpread, median, ratios, startWorker, table } from '../lib/workerd.mjs'
import { runPg } from './pg.mjs'

const worker = await startWorker({ entry: new URL('./worker.ts', import.meta.url), kvNamespaces: ['KV'], d1Databases: ['DB'] })
let d1
try {
  await worker.fetchJson('/setup')
  const n = 200
  const time = async (path) => {
    const started = performance.now()
    await worker.fetchJson(`${path}?n=${n}`)
    return (performance.now() - started) / n
  }
  await time('/uncached')
  await time('/cached')
  const ms = await alternate({ uncached: '/uncached', cached: '/cached' }, 7, time)
  d1 = { ...ms, ops: await worker.fetchJson('/ops') }
} finally {
  await worker.dispose()
}

const pg = await runPg().catch((error) => ({ error: String(error?.message ?? error) }))

const lines = [
  '## drizzle: no cache vs cached hit',
  '',
  'The same 20-row Drizzle select (`orderBy(desc(id)).limit(20)`), sequential, 7 rounds alternating; ms per read as median, the ratio per round as median (min to max).',
  '',
  table(
    ['database', 'where', 'no cache (ms)', 'cached hit (ms)', 'cached / uncached'],
    [
      ['D1 (miniflare)', 'workerd, KV storage', median(d1.uncached), median(d1.cached), fmtSpread(ratios(d1.cached, d1.uncached))],
      pg.error
        ? ['PostgreSQL 127.0.0.1', `not measured: ${pg.error}`, '-', '-', '-']
        : ['PostgreSQL 127.0.0.1 (node-postgres)', 'Node, memory storage', median(pg.uncached), median(pg.cached), fmtSpread(ratios(pg.cached, pg.uncached))],
    ],
  ),
  '',
  'KV operations through the Drizzle binding (D1):',
  '',
  table(
    ['request', 'read calls', 'keys read', 'writes', 'deletes'],
    Object.entries({
      'cached hit': d1.ops.hit,
      'miss (then fill)': d1.ops.miss,
      'update by id (row + table scope)': d1.ops.writeById,
      'insert (table + bulk scope)': d1.ops.insert,
    }).map(([name, c]) => [name, c.readCalls, c.keysRead, c.writes, c.deletes]),
  ),
  '',
  'A hit reads the entry and its scopes\' stamps in one bulk get. A write reads the current stamps once (so the new stamp outranks them) and writes one stamp per scope.',
  '',
]
console.log(lines.join('\n'))
