import { changeScopes, dependencyScopes, type Dependency } from '@kvcache/core/binding'
import type { Plan } from '@kvcache/core/sql'
import type { PrismaBinding } from './binding'
import { takeSink } from './info'
import { normalizeArgs } from './material'
import { RAW_OPERATIONS, rawStatement, uniqueKeyTables } from './raw'
import { READ_OPERATIONS, readDependencies } from './reads'
import { cachesNothingByMistake, resolveStrategy } from './strategy'
import { describeWrite, WRITE_OPERATIONS, type WriteOperation } from './writes'

/** What Prisma hands a `query.$allOperations` hook. */
export interface QueryParams {
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

/** How long planning may wait for the catalog: not inside an interactive transaction, whose connection is busy. */
type CatalogWait = { readonly wait: boolean }

const WHOLE_DATABASE = changeScopes([{ kind: 'database' }])

/** The scopes a planned statement bumps. Transaction control we cannot follow (a raw BEGIN on a pooled connection) bumps the whole database. */
function scopesOf(plan: Plan): readonly string[] {
  if (plan.type === 'write') return plan.scopes
  return plan.type === 'transaction' ? WHOLE_DATABASE : []
}

/** The `query.$allOperations` hook: model reads through the cache, every write published after it settles. */
export function createHook(binding: PrismaBinding) {
  return async function kvcacheQuery(params: QueryParams): Promise<unknown> {
    const { model, operation } = params
    if (!model) return RAW_OPERATIONS.has(operation) ? rawCall(binding, params) : params.query(params.args)
    const { cacheStrategy, ...args } = (params.args ?? {}) as Record<string, unknown>
    if (Object.hasOwn(WRITE_OPERATIONS, operation)) return modelWrite(binding, params, model, operation as WriteOperation, args)
    if (!READ_OPERATIONS.has(operation)) return params.query(args)
    return modelRead(binding, params, model, operation, args, cacheStrategy)
  }
}

async function modelRead(
  binding: PrismaBinding,
  params: QueryParams,
  model: string,
  operation: string,
  args: Record<string, unknown>,
  cacheStrategy: unknown,
): Promise<unknown> {
  const { runtime, options } = binding
  const internal = params.__internalParams ?? {}
  const sink = takeSink(binding.sinks, internal.args)
  if (sink && options.region) sink.region = options.region
  const uncached = (reason?: string) => {
    if (reason) runtime.bypass(reason)
    sink?.none()
    return params.query(args)
  }
  const strategy = resolveStrategy(cacheStrategy)
  if (!strategy) {
    if (cachesNothingByMistake(cacheStrategy)) binding.cachesNothing()
    return uncached()
  }
  // Batch members must call `query` or the batch hangs; interactive transactions may see uncommitted rows.
  if (internal.transaction) return uncached(`${model}.${operation} inside a transaction reads the database (uncommitted rows must not be cached)`)
  await binding.ready
  const autoInvalidate = strategy.autoInvalidate && options.autoInvalidate?.[model] !== false
  const dependencies: Dependency[] | undefined = autoInvalidate
    ? readDependencies(binding.graph, model, operation, args, await runtime.catalog.current({ wait: true }))
    : [{ kind: 'everything' }]
  if (!dependencies) return uncached(`${model}.${operation}: its args are nested too deeply to read what they depend on`)
  const material = {
    model,
    operation,
    args: normalizeArgs(args),
    // The fluent API (`findUnique().posts()`) reaches us with `select: { posts: true }` args: only the path differs.
    dataPath: internal.dataPath ?? [],
    omit: normalizeArgs(binding.globalOmit),
    // autoInvalidate changes what the entry depends on: reads that differ in it must not share it (tags are keyed by the runtime).
    autoInvalidate,
  }
  const reader = sink ? await binding.viewRuntime(runtime.cache.withContext({ onEvent: (event) => sink.observe(event) })) : runtime
  const value = await reader.read(
    { material, scopes: dependencyScopes(dependencies), options: strategy.read, statement: `${model}.${operation}` },
    binding.loader(async () => params.query(args)),
  )
  sink?.settle()
  return value
}

function modelWrite(binding: PrismaBinding, params: QueryParams, model: string, operation: WriteOperation, args: Record<string, unknown>): Promise<unknown> {
  return settle(binding, params, args, async (result, context) => {
    const write = describeWrite(binding.graph, model, operation, args, result)
    const plan = await binding.runtime.plan({ operation: write.operation }, context)
    // `fieldTracking` (and `ignoreFields`) is the core's rule: the plan and the unique-key changes both follow it.
    return [...scopesOf(plan), ...binding.runtime.scopesOf(write.uniqueKeys)]
  })
}

function rawCall(binding: PrismaBinding, params: QueryParams): Promise<unknown> {
  return settle(binding, params, params.args, async (_result, context) => {
    const statement = rawStatement(params.args, binding.dialect)
    // No SQL text to read: as for a statement the planner cannot read, everything may have changed.
    if (!statement) return WHOLE_DATABASE
    const plan = await binding.runtime.plan(statement, context)
    if (plan.type !== 'write') return scopesOf(plan)
    if (plan.schemaChanged) binding.runtime.catalog.refresh()
    return [...plan.scopes, ...binding.runtime.scopesOf(uniqueKeyTables(binding.graph, plan.tables, plan.quiet))]
  })
}

/**
 * Runs a write, then publishes what it changed whether it succeeded or failed part-way: into the
 * interactive transaction's buffer (published on commit), else at once. Batch members settle
 * after the whole batch ran, so this is after the batch (on D1 even after a partial failure).
 */
async function settle(
  binding: PrismaBinding,
  params: QueryParams,
  args: unknown,
  scopes: (result: unknown, context: CatalogWait) => Promise<readonly string[]>,
): Promise<unknown> {
  const transaction = params.__internalParams?.transaction
  const interactive = transaction?.kind === 'itx' ? String(transaction.id) : undefined
  let result: unknown
  try {
    result = await params.query(args)
    return result
  } finally {
    // The catalog is attached once the database is named (a conflict only fails cached reads).
    await binding.ready.catch(() => undefined)
    const { runtime } = binding
    let bumped: readonly string[]
    try {
      bumped = await scopes(result, { wait: interactive === undefined })
    } catch (error) {
      runtime.cache.report({ type: 'degraded', source: 'prisma', detail: 'Could not describe a write; invalidating every cached read.', error })
      bumped = WHOLE_DATABASE
    }
    const buffer = interactive === undefined ? undefined : binding.transactions.buffer(interactive, runtime)
    await runtime.publish(bumped, buffer, binding.position())
  }
}
