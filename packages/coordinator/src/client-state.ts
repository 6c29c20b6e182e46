import type { StampClock } from '@kvcache/core/storage'
import { assertScopes, MAX_SCOPES_PER_CALL } from './limits'
import type { LocalStamps } from './local-stamps'
import type { Settings } from './options'
import type { ShardCaller } from './shard-caller'
import type { ShardCall } from './shards'

/** What every call of one `durableObjectVersions` client shares (one per isolate). */
export interface ClientState {
  readonly settings: Settings
  readonly caller: ShardCaller
  readonly local: LocalStamps
  /** Mints proposals; observes every stamp seen, so a proposal usually outranks what objects hold. */
  readonly clock: StampClock
  /** Bump retries still running in the background. */
  readonly retries: Set<Promise<void>>
}

export const where = 'coordinator'

/** Memo, trust and pending keys: a stamp belongs to one object (see `createLocalStamps`). */
export const keyOf = (call: ShardCall, scope: string) => `${call.name} ${scope}`

/** Validates scopes in call-sized slices (the limit on one call's count does not apply to the whole list). */
export function assertAllScopes(scopes: readonly string[]): void {
  for (let i = 0; i < scopes.length; i += MAX_SCOPES_PER_CALL) assertScopes(where, scopes.slice(i, i + MAX_SCOPES_PER_CALL))
}

/** Splits calls that carry more scopes than one call may. */
export function chunked(calls: readonly ShardCall[]): ShardCall[] {
  return calls.flatMap((call) => {
    if (call.scopes.length <= MAX_SCOPES_PER_CALL) return [call]
    const parts: ShardCall[] = []
    for (let i = 0; i < call.scopes.length; i += MAX_SCOPES_PER_CALL) parts.push({ ...call, scopes: call.scopes.slice(i, i + MAX_SCOPES_PER_CALL) })
    return parts
  })
}
