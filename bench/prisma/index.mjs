// bench/prisma: Prisma with no cache vs a cached hit, D1 in workerd and PostgreSQL from Node, plus KV operations per hit / miss / write.
import { Miniflare } from 'miniflare'
import { alternate, fmtSpread, median, ratios, table } from '../lib/workerd.mjs'
import { generate } from './generate.mjs'
import { runPg } from './pg.mjs'

const generated = await generate()
const mf = new Miniflare({
  modules: generated.workerModules,
  compatibilityDate: '2026-04-01',
  compatibilityFlags: ['nodejs_compat'],
  kvNamespaces: ['KV'],
  d1Databases: ['DB'],
})
const fetchJson = async (path) => {
  const response = await mf.dispatchFetch(new URL(path, 'http://bench.local').toString())
  const text = await response.text()
  if (!response.ok) throw new Error(`bench worker ${path} answered ${response.status}: ${text}`)
  return JSON.parse(text)
}
let d1
try {
  await fetchJson('/setup')
  const n = 200
  const time = async (path) => {
    const started = performance.now()
    await fetchJson(`${path}?n=${n}`)
    return (performance.now() - started) / n
  }
  await time('/uncached')
  await time('/cached')
  const ms = await alternate({ uncached: '/uncached', cached: '/cached' }, 7, time)
  d1 = { ...ms, ops: await fetchJson('/ops') }
} finally {
  await mf.dispose()
}

const pg = await runPg(generated).catch((error) => ({ error: String(error?.message ?? error) }))

const lines = [
  '## prisma: no cache vs cached hit',
  '',
  'The same 20-row Prisma read (`post.findMany({ orderBy: { id: "desc" }, take: 20 })`, with `cacheStrategy: { ttl: 300 }` when cached), sequential, 7 rounds alternating; ms per read as median, the ratio per round as median (min to max). Prisma 7.10 with `@prisma/adapter-d1` / `@prisma/adapter-pg`.',
  '',
  table(
    ['database', 'where', 'no cache (ms)', 'cached hit (ms)', 'cached / uncached'],
    [
      ['D1 (miniflare)', 'workerd, KV storage', median(d1.uncached), median(d1.cached), fmtSpread(ratios(d1.cached, d1.uncached))],
      pg.error
        ? ['PostgreSQL', `not measured: ${pg.error}`, '-', '-', '-']
        : ['PostgreSQL (adapter-pg)', 'Node, memory storage', median(pg.uncached), median(pg.cached), fmtSpread(ratios(pg.cached, pg.uncached))],
    ],
  ),
  '',
  'KV operations through the Prisma binding (D1):',
  '',
  table(
    ['request', 'read calls', 'keys read', 'writes', 'deletes'],
    Object.entries({
      'cached hit (findMany)': d1.ops.hit,
      'miss, then fill (findMany)': d1.ops.miss,
      'miss, then fill (findUnique by id)': d1.ops.byId,
      'update by id (row + table scope)': d1.ops.updateById,
      'create (row + table scope)': d1.ops.create,
      'updateMany (table + bulk scope)': d1.ops.updateMany,
    }).map(([name, c]) => [name, c.readCalls, c.keysRead, c.writes, c.deletes]),
  ),
  '',
  "A hit reads the entry and its scopes' stamps in one bulk get. A write reads the current stamps once (so the new stamp outranks them) and writes one stamp per scope.",
  '',
]
console.log(lines.join('\n'))
