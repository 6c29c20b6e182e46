import { identityOf } from '@kvcache/core/binding'

/**
 * The driver adapter factory a Prisma client was built with (`client._engineConfig.adapter`),
 * typed structurally: `new PrismaPg(pool, { schema })` keeps the pool's settings in `config`;
 * `new PrismaD1(env.DB)` keeps the D1 binding inside the adapters its `connect()` makes.
 */
export interface AdapterFactoryLike {
  readonly adapterName?: string
  readonly config?: unknown
  readonly options?: { readonly schema?: unknown } | null
  readonly client?: unknown
  connect?(): Promise<{ readonly client?: unknown; dispose?(): Promise<void> }>
}

/** The parts of a Prisma client that say which database it talks to. */
export interface EngineConfigOwner {
  readonly _engineConfig?: { readonly activeProvider?: string; readonly adapter?: AdapterFactoryLike }
}

function isD1(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { prepare?: unknown }).prepare === 'function'
}

/** The schema `@prisma/adapter-pg` puts tables of models without `@@schema` in (its `schema` option). */
export function adapterSchema(client: EngineConfigOwner): string | undefined {
  const schema = client._engineConfig?.adapter?.options?.schema
  return typeof schema === 'string' && schema !== '' ? schema : undefined
}

/**
 * What identifies the database behind a client, for `claimDatabase`: the PostgreSQL adapter's
 * connection settings (`postgres://user@host:port/database`, plus the adapter's `schema`: two
 * schemas hold two sets of rows), or the D1 binding (whose `fetcher` names the database). A D1
 * worker adapter's `connect()` only wraps the binding, so we ask it for one (a promise then).
 * Undefined for other adapters (D1 over HTTP...): the `database` option then names the database,
 * `default` if none.
 */
export function databaseHandle(client: EngineConfigOwner): unknown {
  const factory = client._engineConfig?.adapter
  if (!factory) return undefined
  if (factory.config !== undefined) {
    const identity = identityOf({ options: factory.config })
    if (!identity || !('text' in identity)) return undefined
    const schema = adapterSchema(client)
    return schema === undefined ? identity.text : `${identity.text}?schema=${encodeURIComponent(schema)}`
  }
  if (isD1(factory.client)) return factory.client
  if (factory.adapterName !== '@prisma/adapter-d1' || typeof factory.connect !== 'function') return undefined
  return d1Binding(factory as Required<Pick<AdapterFactoryLike, 'connect'>>)
}

async function d1Binding(factory: Required<Pick<AdapterFactoryLike, 'connect'>>): Promise<unknown> {
  const adapter = await factory.connect()
  await adapter.dispose?.()
  return isD1(adapter.client) ? adapter.client : undefined
}
