import type { OperationKind } from './operations'

/**
 * Workers KV list prices beyond the Paid plan's monthly inclusions (10 million reads, 1 million
 * each of writes, deletes and lists), in USD per million operations. A read of a missing key is
 * billed like any other.
 * https://developers.cloudflare.com/kv/platform/pricing/ (checked 2026-12: reads $0.50, writes, deletes and lists $5.00)
 */
export const KV_USD_PER_MILLION: { readonly [K in OperationKind | 'list']: number } = { read: 0.5, write: 5, delete: 5, list: 5 }

/** What a request's KV calls would cost. */
export interface KvCost {
  /** KV read calls (a bulk read of many keys is one call). */
  readonly readCalls: number
  /** Keys those calls read (a bulk read of N keys is N). */
  readonly readKeys: number
  /** KV writes (each write is one key). */
  readonly writes: number
  /** KV deletes. */
  readonly deletes: number
  /**
   * Estimated USD at list prices (no monthly inclusions subtracted). Cloudflare's pricing page
   * prices "read requests" without saying whether a bulk `get([...keys])` bills as one read or as
   * one per key, so both readings are given.
   */
  readonly usd: {
    /** A bulk read billed as one read: `readCalls` reads. */
    readonly bulkReadAsOneRead: number
    /** Each key of a bulk read billed: `readKeys` reads. */
    readonly bulkReadPerKey: number
  }
}

/** The cost of KV calls (rows of one storage, any tier), under both readings of a bulk read. */
export function estimateKvCost(rows: readonly { readonly kind: OperationKind; readonly calls: number; readonly keys: number }[]): KvCost {
  let readCalls = 0
  let readKeys = 0
  let writes = 0
  let deletes = 0
  for (const row of rows) {
    if (row.kind === 'read') {
      readCalls += row.calls
      readKeys += row.keys
    } else if (row.kind === 'write') writes += row.keys
    else deletes += row.keys
  }
  const rest = writes * KV_USD_PER_MILLION.write + deletes * KV_USD_PER_MILLION.delete
  return {
    readCalls,
    readKeys,
    writes,
    deletes,
    usd: {
      bulkReadAsOneRead: (readCalls * KV_USD_PER_MILLION.read + rest) / 1e6,
      bulkReadPerKey: (readKeys * KV_USD_PER_MILLION.read + rest) / 1e6,
    },
  }
}
