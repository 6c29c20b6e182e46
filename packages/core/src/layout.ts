import { kvCacheError } from './errors'
import { hashName } from './hash'
import { TENANT_MAX_BYTES } from './options'
import { rowKeySpellings, type KeyType } from './row-keys'
import type { PrimaryKey } from './scopes'
import { byteLength, isWellFormed, truncateUtf8 } from './text'

/**
 * Every key and scope layout the cache writes, in one place:
 *
 *   entry  `<prefix>:e:<tenant>:<sha-256 of the query material>`
 *   stamp  `<prefix>:v:<tenant>:<scope>`
 *   scope  `table:<name>` · `bulk:<name>` · `row:<table>:<key>` · `tag:<name>` · `table:*` (whole database)
 *
 * A tenant-qualified scope is `<tenant>:<scope>` (the empty tenant when there is none; tenants
 * cannot contain `:`). Keys must fit KV's 512 bytes by construction: the prefix is at most 64
 * ASCII bytes, the tenant at most 128 bytes, and a scope that is ill-formed or longer than
 * `MAX_SCOPE_BYTES` is replaced by a readable head plus its SHA-256.
 */

/** `table:<name>`: bumped by any write to the table. */
export function tableScope(table: string): string {
  return `table:${table}`
}

/**
 * `bulk:<table>`: bumped by every write to the table except a precise write by primary key.
 * A by-id read depends on its row scope and this one, so an update of another row keeps it cached.
 */
export function bulkScope(table: string): string {
  return `bulk:${table}`
}

/** The table name that stands for "every table": a write whose tables cannot be named bumps it. */
export const ALL_TABLES = '*'

/** The whole-database scope: every cached read depends on it; a write of unknown reach bumps it. */
export function databaseScope(): string {
  return tableScope(ALL_TABLES)
}

/** `tag:<name>`: bumped only by explicit invalidation. */
export function tagScope(tag: string): string {
  return `tag:${tag}`
}

/**
 * `row:<table>:<key>`: bumped by a write to that row. `key` is one spelling from `rowKeySpellings`
 * (the change vocabulary in `changes.ts` is the only caller: it knows every spelling of a key).
 */
export function rowScopeOf(table: string, key: string): string {
  return `row:${table}:${key}`
}

/** Longest scope kept verbatim in a stamp key, in UTF-8 bytes. */
export const MAX_SCOPE_BYTES = 256
/** Readable head kept in front of the hash of a scope that had to be shortened, in UTF-8 bytes. */
const HEAD_BYTES = 160
/** Longest key prefix, in bytes (ASCII only). */
export const MAX_PREFIX_BYTES = 64
const PREFIX_PATTERN = /^[A-Za-z0-9._-]{1,64}$/
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** Largest stamp key any scope and tenant can produce under `prefix`, in bytes. */
export function maxStampKeyBytes(prefix: string): number {
  return prefix.length + ':v:'.length + TENANT_MAX_BYTES + ':'.length + MAX_SCOPE_BYTES
}

/** Validates the key prefix and that every key it leads fits the storage's key limit. */
export function assertKeyBudget(where: string, prefix: unknown, maxKeyBytes: number): asserts prefix is string {
  if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
    throw kvCacheError(
      'INVALID_OPTION',
      where,
      `Option \`prefix\` must be 1-64 letters, digits, '.', '_' or '-', got ${typeof prefix === 'string' ? JSON.stringify(prefix.slice(0, 80)) : typeof prefix}.`,
    )
  }
  if (maxStampKeyBytes(prefix) > maxKeyBytes) {
    throw kvCacheError(
      'INVALID_OPTION',
      where,
      `Storage keys are limited to ${maxKeyBytes} bytes, too few for prefix \`${prefix}\` plus a tenant and a scope (${maxStampKeyBytes(prefix)} bytes).`,
    )
  }
}

/** A scope as it may appear in a key: itself when well-formed and short, else a head plus its hash. */
export function boundScope(scope: string): string {
  if (byteLength(scope) <= MAX_SCOPE_BYTES && isWellFormed(scope)) return scope
  const head = truncateUtf8(scope.replace(LONE_SURROGATES, '?'), HEAD_BYTES)
  // `~#` plus 43 characters puts the result above any verbatim scope's reach only by content;
  // a collision with a verbatim scope would need a SHA-256 match, and would only over-invalidate.
  return `${head}~#${hashName(scope)}`
}

/** `<tenant>:<scope>`: what stamps are kept under and entries record. */
export function qualifyScope(tenant: string | undefined, scope: string): string {
  return `${tenant ?? ''}:${boundScope(scope)}`
}

/** The table a tenant-qualified `table:<name>` scope names (as `qualifyScope` spelled it); undefined for other scopes and the whole database. */
export function tableOfQualifiedScope(qualified: string): string | undefined {
  // Tenants cannot contain `:`, so the scope starts right after the first one.
  const scope = qualified.slice(qualified.indexOf(':') + 1)
  const table = scope.startsWith('table:') ? scope.slice('table:'.length) : undefined
  return table === ALL_TABLES ? undefined : table
}

/** The table a scope a read depends on names (`table:<t>`, `bulk:<t>`, `row:<t>:<key>`); undefined for tags and the whole database. */
export function tableOfScope(scope: string): string | undefined {
  const kind = scope.slice(0, scope.indexOf(':') + 1)
  if (kind !== 'table:' && kind !== 'bulk:' && kind !== 'row:') return undefined
  const rest = scope.slice(kind.length)
  // A row scope's key follows the table after a `:` (keys may hold `:` themselves, tables rarely do).
  const table = kind === 'row:' ? rest.slice(0, rest.indexOf(':')) : rest
  return table === ALL_TABLES || table === '' ? undefined : table
}

/** Qualifies, de-duplicates and sorts scopes: the form entries record and compare. */
export function qualifyScopes(tenant: string | undefined, scopes: readonly string[]): string[] {
  return [...new Set(scopes.map((scope) => qualifyScope(tenant, scope)))].sort()
}

/** True for a scope this tenant's view could have qualified (used to vet scopes read back from storage). */
export function isOwnScope(tenant: string | undefined, qualified: string): boolean {
  const head = `${tenant ?? ''}:`
  return qualified.startsWith(head) && boundScope(qualified.slice(head.length)) === qualified.slice(head.length)
}

/** The key of a cached entry. */
export function entryKey(prefix: string, tenant: string | undefined, materialHash: string): string {
  return `${prefix}:e:${tenant ?? ''}:${materialHash}`
}

/** The key of a version stamp, from a tenant-qualified scope. */
export function stampKey(prefix: string, qualifiedScope: string): string {
  return `${prefix}:v:${qualifiedScope}`
}

/** True for keys that hold version stamps (tests and fault wrappers use it). */
export function isStampKey(key: string): boolean {
  return /^[A-Za-z0-9._-]{1,64}:v:/.test(key)
}

/**
 * The row scope of a key with exactly one spelling (integers; text in a `text` column), for tests
 * and tools that name one scope. Throws for a key with several spellings or none.
 *
 * @example
 * rowScope('posts', 1) // 'row:posts:n1'
 */
export function rowScope(table: string, pk: PrimaryKey, types?: readonly KeyType[]): string {
  const spellings = rowKeySpellings(Array.isArray(pk) ? pk : [pk], types)
  if (spellings?.length !== 1)
    throw kvCacheError('INVALID_OPTION', 'core', `The key ${String(pk)} of \`${table}\` has ${spellings?.length ?? 0} spellings; use the change vocabulary.`)
  return rowScopeOf(table, spellings[0] as string)
}
