import type { CacheEvent, ReadContext, Storage, StorageContext } from './types'

/**
 * One call to a storage backend (or the Durable Object coordinator) made for a request, delivered
 * to that request's listeners that asked for operations (`CacheEventHandler.operations`). What KV
 * bills is counted from these: a bulk read of N keys is one call carrying N keys.
 */
export interface StorageOperation {
  readonly type: 'operation'
  /** The storage's `name` (`kv`, `cache-api`, `memory`...), or `coordinator` for the Durable Object version store. */
  readonly storage: string
  /** The tier of a composite storage (`twoTierStorage`) the call went to; absent for a single storage. */
  readonly tier?: 'L1' | 'L2'
  readonly kind: OperationKind
  /** Keys the call carried (1, or N for a bulk read). */
  readonly keys: number
}

export type OperationKind = 'read' | 'write' | 'delete'

/**
 * An `onEvent` handler. `operation` events (one per storage call, two or three per hit) reach only
 * handlers that set `operations: true`, so a handler written before they existed sees the same
 * events as before, and a request nobody meters allocates none.
 */
export interface CacheEventHandler {
  (event: CacheEvent): void
  /** Also receive `operation` events. @default false */
  readonly operations?: boolean
}

/**
 * Reports one call to `storage` for the request whose context it is. Free when nobody listens:
 * nothing is allocated unless the context carries `onOperation`. A storage that reports its own
 * calls (a composite, per tier) is not counted again by its caller.
 */
export function reportOperation(
  storage: Storage,
  context: StorageContext | ReadContext | undefined,
  kind: OperationKind,
  keys: number,
  tier?: 'L1' | 'L2',
): void {
  const report = context?.onOperation
  if (report === undefined || storage.reportsOperations === true) return
  report(tier === undefined ? { type: 'operation', storage: storage.name, kind, keys } : { type: 'operation', storage: storage.name, tier, kind, keys })
}

/** Only the metering part of a context: for stores that hand their storage no other context. */
export function meteringOf(context: ReadContext | undefined): StorageContext | undefined {
  return context?.onOperation && { onOperation: context.onOperation }
}

/** True when `handler` (or one it chains) asked for `operation` events. */
export function wantsOperations(handler: CacheEventHandler | undefined): boolean {
  return handler?.operations === true
}
