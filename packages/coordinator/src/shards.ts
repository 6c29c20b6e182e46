/** How scopes are spread over coordinator objects. */
export interface ShardLayout {
  /** Prefix of every object name. */
  readonly prefix: string
  /** Objects per tenant (or per tenant bucket); a scope's table picks one. */
  readonly scopeShards: number
  /** When set, tenants are hashed into this many groups instead of one group per tenant. */
  readonly tenantBuckets: number | undefined
}

/** The scopes one call sends to one object. */
export interface ShardCall {
  /** The object's name (`idFromName`). */
  readonly name: string
  /** The tenant of the call's scopes (`''` without one). */
  readonly tenant: string
  readonly scopes: string[]
}

/** The whole-database scope: every cached read depends on it (see `databaseScope` in the core). */
const DATABASE_SCOPE = 'table:*'

/** FNV-1a over UTF-16 code units: stable across isolates and versions, cheap, and sync. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** `<tenant>:<scope>` split at the first `:` (tenants cannot contain one). */
export function splitScope(qualified: string): { readonly tenant: string; readonly scope: string } {
  const at = qualified.indexOf(':')
  return { tenant: qualified.slice(0, at), scope: qualified.slice(at + 1) }
}

/**
 * What decides a scope's shard: its table, so `table:posts`, `bulk:posts` and every
 * `row:posts:...` land together and a lookup of one table asks one object. Tags and anything
 * else go by their whole text.
 */
export function shardGroup(scope: string): string {
  const kind = scope.slice(0, scope.indexOf(':') + 1)
  if (kind === 'table:' || kind === 'bulk:') return `t:${scope.slice(kind.length)}`
  if (kind === 'row:') {
    const rest = scope.slice(kind.length)
    const end = rest.indexOf(':')
    return `t:${end === -1 ? rest : rest.slice(0, end)}`
  }
  return scope
}

/** The object name of one shard. The layout is part of it: another layout never reuses an object. */
export function shardName(layout: ShardLayout, tenant: string, index: number): string {
  const group = layout.tenantBuckets === undefined ? `t/${tenant}` : `b${hash32(tenant) % layout.tenantBuckets}of${layout.tenantBuckets}`
  return `${layout.prefix}/${group}/${index}of${layout.scopeShards}`
}

/**
 * Routes scopes to shards, one call per object. With several objects per tenant, the
 * whole-database scope is kept in each of them: a read asks for it from whichever object the
 * lookup already needs (so a lookup of one table stays one call), and a bump of it goes to all.
 */
export function planCalls(layout: ShardLayout, scopes: readonly string[], purpose: 'read' | 'bump'): ShardCall[] {
  const calls = new Map<string, ShardCall>()
  const add = (tenant: string, index: number, qualified: string) => {
    const name = shardName(layout, tenant, index)
    let call = calls.get(name)
    if (!call) {
      call = { name, tenant, scopes: [] }
      calls.set(name, call)
    }
    call.scopes.push(qualified)
  }
  const everywhere: { tenant: string; qualified: string }[] = []
  for (const qualified of new Set(scopes)) {
    const { tenant, scope } = splitScope(qualified)
    if (layout.scopeShards > 1 && scope === DATABASE_SCOPE) everywhere.push({ tenant, qualified })
    else add(tenant, hash32(shardGroup(scope)) % layout.scopeShards, qualified)
  }
  for (const { tenant, qualified } of everywhere) {
    if (purpose === 'bump') {
      for (let index = 0; index < layout.scopeShards; index++) add(tenant, index, qualified)
      continue
    }
    // The first object this lookup already asks for this tenant (names sort stably), else the tenant's first.
    const joined = [...calls.values()].filter((call) => call.tenant === tenant).sort((a, b) => (a.name < b.name ? -1 : 1))[0]
    if (joined) joined.scopes.push(qualified)
    else add(tenant, 0, qualified)
  }
  return [...calls.values()]
}
