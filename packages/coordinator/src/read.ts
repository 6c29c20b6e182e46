import type { ReadContext, Stamp, StampReading } from '@kvcache/core'
import { assertAllScopes, chunked, keyOf, type ClientState } from './client-state'
import type { Known } from './local-stamps'
import { planCalls, type ShardCall } from './shards'

/**
 * The current stamp of each scope: what this request (or, with a trust window, this isolate)
 * already knows, and one call per object for the rest, in parallel. Throws when a call fails or
 * exceeds its budget: the core then answers from the database.
 */
export async function readStamps(client: ClientState, scopes: readonly string[], context: ReadContext | undefined): Promise<StampReading> {
  assertAllScopes(scopes)
  const { local, caller, clock, settings } = client
  const memo = context?.memo
  const answer = new Map<string, Known>()
  const asks: ShardCall[] = []
  for (const call of planCalls(settings.layout, scopes, 'read')) {
    const missing: string[] = []
    for (const scope of call.scopes) {
      const known = local.known(keyOf(call, scope), memo)
      if (known === undefined) missing.push(scope)
      else answer.set(scope, known)
    }
    if (missing.length > 0) asks.push({ ...call, scopes: missing })
  }
  const calls = chunked(asks)
  // One call per object: what a request that meters its storage calls is told (`operation` events).
  for (const call of calls) context?.onOperation?.({ type: 'operation', storage: 'coordinator', kind: 'read', keys: call.scopes.length })
  const fetched = await Promise.all(calls.map((call) => caller.read(call)))
  calls.forEach((call, i) => {
    call.scopes.forEach((scope, j) => {
      const known = local.learn(keyOf(call, scope), fetched[i]?.[j] as Stamp, memo)
      clock.observe(known.stamp)
      answer.set(scope, known)
    })
  })
  const known = scopes.map((scope) => answer.get(scope) as Known)
  return Object.assign(
    known.map((each) => each.stamp),
    { held: known.map((each) => each.held) },
  )
}
