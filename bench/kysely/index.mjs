// bench/kysely: Kysely with no cache vs a cached hit, D1 in workerd and PostgreSQL from Node, plus KV operations.
import { d1SidesOfWorker, ormSection } from '../lib/orm-bench.mjs'
import { runPg } from './pg.mjs'

const d1 = await d1SidesOfWorker(new URL('./worker.ts', import.meta.url))
const pg = await runPg().catch((error) => ({ error: String(error?.message ?? error) }))

console.log(
  ormSection({
    name: 'kysely',
    read: "The same 20-row Kysely select (`orderBy('id', 'desc').limit(20)`) through `kyselyCache(dialect)` vs the bare dialect",
    binding: 'Kysely',
    labels: { d1: 'D1 (miniflare, kysely-d1)', pg: 'PostgreSQL 127.0.0.1 (PostgresDialect)', pgDown: 'PostgreSQL 127.0.0.1' },
    d1,
    pg,
    ops: {
      'cached hit': d1.ops.hit,
      'miss (then fill)': d1.ops.miss,
      insert: d1.ops.insert,
      'update by id, < 1 s after the insert': d1.ops.update,
    },
    footer:
      "A hit reads the entry and its scopes' stamps (the table and the whole-database scope) in one bulk get. A write reads the current stamps once and writes one stamp per scope (table + bulk); a second bump of the same stamps within a second (KV allows one write per key per second) costs extra reads in the KV version store.",
  }),
)
