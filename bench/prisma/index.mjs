// bench/prisma: Prisma with no cache vs a cached hit, D1 in workerd and PostgreSQL from Node, plus KV operations per hit / miss / write.
import { Miniflare } from 'miniflare'
import { d1Sides, ormSection } from '../lib/orm-bench.mjs'
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
  d1 = await d1Sides(fetchJson)
} finally {
  await mf.dispose()
}

const pg = await runPg(generated).catch((error) => ({ error: String(error?.message ?? error) }))

console.log(
  ormSection({
    name: 'prisma',
    read: 'The same 20-row Prisma read (`post.findMany({ orderBy: { id: "desc" }, take: 20 })`, with `cacheStrategy: { ttl: 300 }` when cached)',
    binding: 'Prisma',
    labels: { d1: 'D1 (miniflare)', pg: 'PostgreSQL (adapter-pg)', pgDown: 'PostgreSQL' },
    d1,
    pg,
    ops: {
      'cached hit (findMany)': d1.ops.hit,
      'miss, then fill (findMany)': d1.ops.miss,
      'miss, then fill (findUnique by id)': d1.ops.byId,
      'update by id (row + table scope)': d1.ops.updateById,
      'create (row + table scope)': d1.ops.create,
      'updateMany (table + bulk scope)': d1.ops.updateMany,
    },
    footer:
      "A hit reads the entry and its scopes' stamps in one bulk get. A write reads the current stamps once (so the new stamp outranks them) and writes one stamp per scope.",
  }),
)
