import type { Cache, ScopeTarget } from '@kvcache/core'
import { assertKnownOptions, databaseScope, kvCacheError } from '@kvcache/core/internal'
import { createBindingCatalog, introspectPostgres, introspectSqlite, type BindingCatalog, type Dialect } from '@kvcache/core/sql'
import { createGraph, type Graph } from './graph'
import { clientMethods } from './client-methods'
import { installInfo, takeSink, type InfoSinks } from './info'
import { normalizeArgs } from './material'
import { assertModels, graphFromRuntime, type RuntimeDataModel } from './models'
import { catalogReach, dialectOf, planRaw, RAW_OPERATIONS, rawStatement, viewTablesOf } from './raw'
import { READ_OPERATIONS, readScopes } from './read-scopes'
import { resolveStrategy } from './strategy'
import { transactionRegistry, type TransactionRegistry } from './transactions'
import type { KvCacheExtension, SqlLike, WithKvCacheOptions } from './types'
import { WRITE_OPERATIONS, writeScopes, type WriteOperation } from './write-scopes'

/** The events a model write fires on its own table, for the database's triggers. */
const EVENTS = { create: ['insert'], update: ['update'], upsert: ['insert', 'update'], delete: ['delete'] } as const

/** The parts of a Prisma client the extension touches (typed structurally). */
interface PrismaClientLike {
  readonly _runtimeDataModel?: RuntimeDataModel
  readonly _globalOmit?: unknown
  readonly _engineConfig?: { readonly activeProvider?: string }
  $extends(extension: object): unknown
  $queryRaw(sql: SqlLike): PromiseLike<unknown>
  $queryRawUnsafe(sql: string): PromiseLike<unknown>
}

/** What Prisma hands a `query.$allOperations` hook. */
interface QueryParams {
  readonly model?: string
  readonly operation: string
  readonly args: unknown
  query(args: unknown): PromiseLike<unknown>
  readonly __internalParams?: {
    readonly args?: unknown
    readonly dataPath?: readonly string[]
    readonly transaction?: { readonly kind?: string; readonly id?: unknown }
  }
}

const KNOWN = ['models', 'database', 'ignoreFields', 'autoInvalidate', 'region'] as const satisfies readonly (keyof WithKvCacheOptions)[]
const UPDATES = new Set(['update', 'updateMany', 'updateManyAndReturn'])

/**
 * The Prisma client extension: Accelerate's `cacheStrategy`, `$accelerate` and
 * `.withAccelerateInfo()` on top of a @kvcache cache, with reads invalidated by your own writes.
 *
 * @example
 * const prisma = new PrismaClient({ adapter: new PrismaD1(env.DB) }).$extends(withKvCache(cache, { models }))
 * const posts = await prisma.post.findMany({ where: { published: true }, cacheStrategy: { ttl: 60 } })
 */
export function withKvCache(cache: Cache, options: WithKvCacheOptions = {}): KvCacheExtension {
  if (!cache || typeof cache.query !== 'function' || typeof cache.invalidate !== 'function') {
    throw kvCacheError('MISSING_BINDING', 'prisma', 'withKvCache(cache) needs a cache from `createCache` in @kvcache/core.')
  }
  if (typeof options !== 'object' || options === null) throw kvCacheError('INVALID_OPTION', 'prisma', 'withKvCache expects an options object.')
  assertKnownOptions('prisma', options, KNOWN)
  for (const name of ['database', 'region'] as const) {
    if (options[name] !== undefined && (typeof options[name] !== 'string' || options[name] === '')) {
      throw kvCacheError('INVALID_OPTION', 'prisma', `Option \`${name}\` must be a non-empty string.`)
    }
  }
  for (const name of ['ignoreFields', 'autoInvalidate'] as const) {
    if (options[name] !== undefined && (typeof options[name] !== 'object' || options[name] === null)) {
      throw kvCacheError('INVALID_OPTION', 'prisma', `Option \`${name}\` must be an object keyed by model name.`)
    }
  }
  const extension = (client: PrismaClientLike) => {
    const runtime = client._runtimeDataModel
    const graph = createGraph(options.models ? assertModels(options.models, runtime) : graphFromRuntime(runtime ?? { models: {} }))
    for (const name of [...Object.keys(options.ignoreFields ?? {}), ...Object.keys(options.autoInvalidate ?? {})]) {
      if (!(name in graph.models)) throw kvCacheError('INVALID_OPTION', 'prisma', `Unknown model \`${name}\` in \`ignoreFields\` / \`autoInvalidate\`.`)
    }
    if (!options.models) {
      cache.report({ type: 'degraded', source: 'prisma', detail: 'No `models` from `generator kvcache`: reads depend on whole tables and writes bump every related model.' })
    }
    const transactions = transactionRegistry(client)
    if (!transactions.tracking) {
      cache.report({ type: 'degraded', source: 'prisma', detail: 'Cannot observe commits: writes inside interactive transactions invalidate before they commit.' })
    }
    const sinks = installInfo(client, READ_OPERATIONS)
    // The database's own catalog (triggers, undeclared keys) through the plain client: raw SQL is
    // planned with it, and model writes add what its triggers reach.
    const dialect = dialectOf(options.models?.provider ?? client._engineConfig?.activeProvider)
    const catalog = createBindingCatalog({ cache, source: 'prisma' })
    if (dialect) {
      const run = async (sql: string) => (await client.$queryRawUnsafe(sql)) as readonly Record<string, unknown>[]
      const introspect = dialect === 'postgres' ? introspectPostgres : introspectSqlite
      catalog.attach({ identity: `prisma:${options.database ?? 'default'}`, dialect, run, introspect })
    }
    const hook = createHook({ cache, options, graph, transactions, sinks, globalOmit: client._globalOmit, catalog, dialect })
    return client.$extends({
      name: '@kvcache/prisma',
      query: { $allOperations: hook },
      client: clientMethods(cache, graph, options, (sql) => client.$queryRaw(sql), catalog),
    })
  }
  return extension as unknown as KvCacheExtension
}

interface HookContext {
  readonly cache: Cache
  readonly options: WithKvCacheOptions
  readonly graph: Graph
  readonly transactions: TransactionRegistry
  readonly sinks: InfoSinks | undefined
  readonly globalOmit: unknown
  readonly catalog: BindingCatalog
  readonly dialect: Dialect | undefined
}

type Transaction = { readonly kind?: string; readonly id?: unknown } | undefined

function createHook(context: HookContext) {
  const { cache, options, graph, transactions, sinks, catalog, dialect } = context
  const database = options.database ?? 'default'

  /** After commit, or on commit of the interactive transaction the write ran in. Never throws. */
  const publish = async (target: () => Promise<readonly string[]>, transaction: Transaction) => {
    let resolved: ScopeTarget
    try {
      resolved = { scopes: await target() }
    } catch (error) {
      cache.report({ type: 'degraded', source: 'prisma', detail: 'Could not analyse a write; invalidating the whole database.', error })
      resolved = { scopes: [databaseScope()] }
    }
    if (transaction?.kind === 'itx' && transactions.tracking) transactions.add(String(transaction.id), cache, resolved)
    // Batch members settle only after the whole batch ran, so this is after the batch (D1: even after a partial failure).
    else await cache.invalidate(resolved)
  }

  /** Runs a write and invalidates what it touched, whether it succeeded or failed part-way. */
  const write = async (params: QueryParams, args: unknown, scopes: (result: unknown, catalogNow: () => ReturnType<BindingCatalog['current']>) => Promise<readonly string[]>) => {
    const transaction = params.__internalParams?.transaction
    // Inside an interactive transaction its connection is busy: plan with the catalog already known.
    const catalogNow = () => catalog.current({ wait: transaction?.kind !== 'itx' })
    let result: unknown
    try {
      result = await params.query(args)
      return result
    } finally {
      await publish(() => scopes(result, catalogNow), transaction)
    }
  }

  return async function kvcacheQuery(params: QueryParams): Promise<unknown> {
    const { model, operation } = params
    const internal = params.__internalParams ?? {}
    if (!model) {
      if (!RAW_OPERATIONS.has(operation)) return params.query(params.args)
      return write(params, params.args, async (_result, catalogNow) => {
        const plan = planRaw(rawStatement(params.args, dialect), dialect, await catalogNow(), graph)
        if (plan.schemaChanged) catalog.refresh()
        return plan.scopes
      })
    }
    const { cacheStrategy, ...args } = (params.args ?? {}) as Record<string, unknown>
    if (Object.hasOwn(WRITE_OPERATIONS, operation)) {
      const ignored = options.ignoreFields?.[model]
      if (ignored && UPDATES.has(operation) && onlyFields(args.data, ignored)) return params.query(args)
      return write(params, args, async (result, catalogNow) => {
        const touch = writeScopes(graph, model, operation as WriteOperation, args, result)
        const table = graph.table(model)
        const main = { table, events: EVENTS[WRITE_OPERATIONS[operation as WriteOperation]] }
        const others = [...touch.tables].filter((touched) => touched !== table)
        return [...touch.scopes, ...catalogReach(await catalogNow(), graph, main, others, touch.tables)]
      })
    }
    if (!READ_OPERATIONS.has(operation)) return params.query(args)
    const sink = takeSink(sinks, internal.args)
    if (sink && options.region) sink.region = options.region
    const strategy = resolveStrategy(cacheStrategy)
    if (!strategy || internal.transaction) {
      if (strategy) cache.report({ type: 'skip', reason: 'bypass', detail: `${model}.${operation} inside a transaction reads the database (uncommitted rows must not be cached).` })
      sink?.none()
      return params.query(args)
    }
    const resolved = { ...strategy, autoInvalidate: strategy.autoInvalidate && options.autoInvalidate?.[model] !== false }
    // Models over database views depend on the tables the view reads (from the catalog, read once per isolate).
    const known = await catalog.current({ wait: true })
    const scopes = readScopes(graph, model, operation, args, resolved, (table) => viewTablesOf(known, graph, table))
    const material = {
      prisma: database,
      model,
      operation,
      args: normalizeArgs(args),
      // The fluent API (`findUnique().posts()`) reaches us with `select: { posts: true }` args: only the path differs.
      dataPath: internal.dataPath ?? [],
      omit: normalizeArgs(context.globalOmit),
      tags: resolved.tags,
      autoInvalidate: resolved.autoInvalidate,
    }
    const view = sink ? cache.withContext({ onEvent: (event) => sink.observe(event) }) : cache
    const request = { material, scopes, ttlSeconds: resolved.ttlSeconds, swrSeconds: resolved.swrSeconds }
    const value = await view.query(request, () => params.query(args))
    sink?.settle()
    return value
  }
}

function onlyFields(data: unknown, fields: readonly string[]): boolean {
  if (typeof data !== 'object' || data === null) return false
  const keys = Object.keys(data)
  return keys.length > 0 && keys.every((key) => fields.includes(key))
}
