import type { Cache, LoadContext } from '@kvcache/core'
import { bookmarkOf, createBindingRuntime, sessionFor, type BindingRuntime, type DatabaseSource } from '@kvcache/core/binding'
import { introspectPostgres, introspectSqlite, type Dialect } from '@kvcache/core/sql'
import { adapterSchema, databaseHandle, type EngineConfigOwner } from './database'
import { withTrackedFields } from './field-options'
import { fieldSchemaOf } from './field-schema'
import { createGraph, type Graph } from './graph'
import { installInfo, type InfoSinks } from './info'
import { modelCatalog } from './model-catalog'
import { assertModels, graphFromRuntime, unknownModel, type RuntimeDataModel } from './models'
import { PRISMA_OPTIONS } from './options'
import { dialectOf } from './raw'
import { READ_OPERATIONS } from './reads'
import { transactionRegistry, type TransactionRegistry } from './transactions'
import type { SqlLike, WithKvCacheOptions } from './types'

/** The parts of a Prisma client the extension touches (typed structurally). */
export interface PrismaClientLike extends EngineConfigOwner {
  readonly _runtimeDataModel?: RuntimeDataModel
  readonly _globalOmit?: unknown
  $extends(extension: object): unknown
  $queryRaw(sql: SqlLike): PromiseLike<unknown>
  $queryRawUnsafe(sql: string): PromiseLike<unknown>
}

/** Everything the hook and the client methods of one extended client share. */
export interface PrismaBinding {
  readonly runtime: BindingRuntime
  readonly graph: Graph
  readonly options: WithKvCacheOptions
  readonly dialect: Dialect | undefined
  /** Settles once the database is named; rejects with `DATABASE_CONFLICT` when this cache serves another database under that name. */
  readonly ready: Promise<void>
  readonly transactions: TransactionRegistry
  readonly sinks: InfoSinks | undefined
  readonly globalOmit: unknown
  /** A runtime over a view of the cache (one call's own events, for `.withAccelerateInfo()`), on the same database. */
  viewRuntime(view: Cache): Promise<BindingRuntime>
  /** Reports a `cacheStrategy` that caches nothing by mistake, once. */
  cachesNothing(): void
  /**
   * A read's loader on this client's database: on a D1 session (read replication) that has not
   * seen the writes the read must include, its answer is served but not stored (Prisma's reads
   * cannot be sent to another session). A database that is not a session reads the primary.
   */
  loader<T>(run: () => Promise<T>): (context: LoadContext) => Promise<T>
  /** Where the database stands after a write: a D1 session's bookmark, recorded with the stamps it bumps. */
  position(): string | undefined
}

/** The part of a D1 session (`env.DB.withSession()`) the binding reads. */
interface SessionLike {
  getBookmark(): string | null
}

const sessionOf = (handle: unknown): SessionLike | undefined =>
  typeof (handle as Partial<SessionLike> | null)?.getBookmark === 'function' ? (handle as SessionLike) : undefined

/** Sets up the binding for one client: options, model graph, database identity, catalog, transactions. */
export function createPrismaBinding(cache: Cache, options: WithKvCacheOptions, client: PrismaClientLike): PrismaBinding {
  const models = options.models ? assertModels(options.models, client._runtimeDataModel) : graphFromRuntime(client._runtimeDataModel ?? { models: {} })
  const graph = createGraph(models, client._runtimeDataModel, adapterSchema(client))
  // `fieldTracking` names models and fields: the core checks them against the graph and maps them to tables and columns.
  const tracked = withTrackedFields(options, graph)
  const runtimeOf = (view: Cache) =>
    createBindingRuntime({
      cache: view,
      binding: 'prisma',
      options: tracked,
      known: PRISMA_OPTIONS,
      declared: modelCatalog(graph),
      fieldSchema: fieldSchemaOf(graph),
    })
  const runtime = runtimeOf(cache)
  const dialect = dialectOf(options.models?.provider ?? client._engineConfig?.activeProvider)
  // Catalog queries go through the client we extend, so they never pass this extension.
  const source = (handle: unknown): DatabaseSource | undefined =>
    dialect && {
      handle,
      dialect,
      run: async (sql) => (await client.$queryRawUnsafe(sql)) as readonly Record<string, unknown>[],
      introspect: dialect === 'postgres' ? introspectPostgres : introspectSqlite,
    }
  let attached: DatabaseSource | undefined
  let session: SessionLike | undefined
  const attach = (handle: unknown) => {
    attached = source(handle)
    session = sessionOf(handle)
    if (attached) runtime.attach(attached)
    if (session) {
      runtime.misconfigured(
        'The D1 database is a session (read replication): Prisma cannot send a read to a replica that has the latest write, so reads after a write are served but not cached until the session has seen that write.',
        'Cache through the primary (pass env.DB, not a session, to PrismaD1), or accept it; Drizzle and Kysely route such reads (see the root README, "D1 read replicas").',
      )
    }
  }
  const handle = databaseHandle(client)
  // A PostgreSQL client is named at once (a conflict fails `$extends`); a D1 binding is found through the adapter first.
  // An adapter that will not say which database it holds leaves it unnamed (`database`, else `default`).
  const ready = handle instanceof Promise ? handle.catch(() => undefined).then(attach) : Promise.resolve(attach(handle))
  ready.catch(() => undefined)

  for (const name of [...Object.keys(options.ignoreFields ?? {}), ...Object.keys(options.autoInvalidate ?? {})]) {
    if (!(name in graph.models)) throw unknownModel('INVALID_OPTION', name, graph, 'in `ignoreFields` / `autoInvalidate`')
  }
  if (!options.models) {
    runtime.misconfigured(
      'withKvCache has no model graph (`models`): reads by a unique key depend on their whole table, and writes by key cannot name their rows.',
      'Add `generator kvcache { provider = "kvcache-prisma" }` to schema.prisma, run `prisma generate`, and pass `{ models }` from the generated module.',
    )
  }
  const transactions = transactionRegistry(client)
  if (!transactions.tracking) {
    cache.report({
      type: 'degraded',
      source: 'prisma',
      detail: 'Cannot observe commits: writes inside interactive transactions invalidate before they commit.',
    })
  }
  let reported = false
  return {
    runtime,
    graph,
    options,
    dialect,
    ready,
    transactions,
    sinks: installInfo(client, READ_OPERATIONS),
    globalOmit: client._globalOmit,
    async viewRuntime(view) {
      await ready
      const viewed = runtimeOf(view)
      if (attached) viewed.attach(attached)
      return viewed
    },
    loader: (run) => async (context) => {
      if (session && sessionFor(context.freshness, bookmarkOf(session)).kind !== 'own') context.cannotMeet()
      return run()
    },
    position: () => bookmarkOf(session),
    cachesNothing() {
      if (reported) return
      reported = true
      runtime.misconfigured(
        'A `cacheStrategy` without `ttl` or `swr` caches nothing (Accelerate reads it as no-cache).',
        'Give it a lifetime (`cacheStrategy: { ttl: 60 }`), or pass `{ ttl: 0 }` to say on purpose that the read is not cached.',
      )
    },
  }
}
