// bench/drizzle: Drizzle with no cache vs a cached hit, D1 in workerd and PostgreSQL from Node, plus KV operations.
import { d1SidesOfWorker, ormSection } from '../lib/orm-bench.mjs'
import { runPg } from './pg.mjs'

const d1 = await d1SidesOfWorker(new URL('./worker.ts', import.meta.url))
const pg = await runPg().catch((error) => ({ error: String(error?.message ?? error) }))

console.log(
  ormSection({
    name: 'drizzle',
    read: 'The same 20-row Drizzle select (`orderBy(desc(id)).limit(20)`)',
    binding: 'Drizzle',
    labels: { d1: 'D1 (miniflare)', pg: 'PostgreSQL 127.0.0.1 (node-postgres)', pgDown: 'PostgreSQL 127.0.0.1' },
    d1,
    pg,
    ops: {
      'cached hit': d1.ops.hit,
      'miss (then fill)': d1.ops.miss,
      'update by id (row + table scope)': d1.ops.writeById,
      'insert (table + bulk scope)': d1.ops.insert,
    },
    footer:
      "A hit reads the entry and its scopes' stamps in one bulk get. A write reads the current stamps once (so the new stamp outranks them) and writes one stamp per scope.",
  }),
)
