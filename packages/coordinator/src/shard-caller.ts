import type { Stamp } from '@kvcache/core'
import { isKvCacheError } from '@kvcache/core'
import { isStamp, kvCacheError, UNKNOWN_STAMP, withTimeout, ZERO_STAMP } from '@kvcache/core/storage'
import type { CoordinatorLoad } from './load-meter'
import { LOCATION_HINTS, type LocationHint, type Settings } from './options'
import type { ShardCall } from './shards'

/** The RPC surface of a `KvCacheCoordinator` stub, typed structurally. */
export interface CoordinatorStubLike {
  read(scopes: string[]): Promise<unknown>
  bump(scopes: string[], proposal?: string): Promise<unknown>
  load(): Promise<unknown>
}

/** The parts of a Durable Object namespace binding (`env.KVCACHE_COORDINATOR`) the client uses. */
export interface CoordinatorNamespaceLike {
  idFromName(name: string): unknown
  get(id: never, options?: { locationHint?: LocationHint }): CoordinatorStubLike
}

const where = 'coordinator'
const ID_LIMIT = 10_000

/**
 * Calls one shard with the per-call budget and checks what comes back. Object ids are cached per
 * isolate (`idFromName` hashes); stubs are made per call, since a stub that saw an error may be
 * broken for good and a fresh one reaches a fresh instance of an object that was reset.
 */
export function createShardCaller(namespace: CoordinatorNamespaceLike, settings: Settings) {
  const ids = new Map<string, unknown>()

  const stubOf = (call: Pick<ShardCall, 'name' | 'tenant'>): CoordinatorStubLike => {
    let id = ids.get(call.name)
    if (id === undefined) {
      if (ids.size >= ID_LIMIT) ids.clear()
      id = namespace.idFromName(call.name)
      ids.set(call.name, id)
    }
    const option = settings.locationHint
    const hint = typeof option === 'function' ? option(call.tenant) : option
    if (hint !== undefined && !LOCATION_HINTS.includes(hint)) {
      throw kvCacheError(
        'INVALID_OPTION',
        where,
        `Option \`locationHint\` returned ${JSON.stringify(String(hint))} for tenant ${JSON.stringify(call.tenant)}; expected one of ${LOCATION_HINTS.join(', ')} or undefined.`,
      )
    }
    return namespace.get(id as never, hint === undefined ? undefined : { locationHint: hint })
  }

  /** Runs one call within the budget; anything but a timeout or our own error is wrapped with the shard's name. */
  const send = async (call: Pick<ShardCall, 'name' | 'tenant'>, operation: string, work: (stub: CoordinatorStubLike) => Promise<unknown>) => {
    try {
      return await withTimeout((async () => work(stubOf(call)))(), settings.timeoutMs, `coordinator ${call.name} ${operation}`)
    } catch (error) {
      if (isKvCacheError(error)) throw error
      const detail = error instanceof Error ? error.message : String(error)
      throw kvCacheError('STORAGE_FAILED', where, `Coordinator ${call.name} ${operation} failed: ${detail}`, error)
    }
  }

  const malformed = (call: ShardCall, operation: string) =>
    kvCacheError(
      'STORAGE_FAILED',
      where,
      `Coordinator ${call.name} answered ${operation} with something that is not stamps (is the class a KvCacheCoordinator of this version?).`,
    )

  return {
    async read(call: ShardCall): Promise<Stamp[]> {
      const answer = await send(call, 'read', (stub) => stub.read(call.scopes))
      if (!Array.isArray(answer) || answer.length !== call.scopes.length) throw malformed(call, 'read')
      // A value that is not a stamp makes its entries misses until a bump repairs it.
      return answer.map((stamp: unknown) => (isStamp(stamp) ? stamp : UNKNOWN_STAMP))
    },
    async bump(call: ShardCall, proposal: Stamp): Promise<Stamp> {
      const stamp = await send(call, 'bump', (stub) => stub.bump(call.scopes, proposal))
      if (!isStamp(stamp) || stamp === ZERO_STAMP) throw malformed(call, 'bump')
      return stamp
    },
    async load(call: Pick<ShardCall, 'name' | 'tenant'>): Promise<CoordinatorLoad> {
      return (await send(call, 'load', (stub) => stub.load())) as CoordinatorLoad
    },
  }
}

export type ShardCaller = ReturnType<typeof createShardCaller>
