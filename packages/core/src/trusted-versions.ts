import { BoundedMap } from './bounded-map'
import { ZERO_STAMP } from './clock'
import type { Stamp, VersionStore } from './types'

const TRUST_LIMIT = 10_000

/**
 * Reuses stamps this isolate read within the last `trustSeconds` instead of asking the inner
 * store again. Saves a round trip per hit (useful with a two-tier L1) at the price of up to
 * `trustSeconds` extra staleness after a write made elsewhere. Bumps made here are seen at once.
 */
export function trustedVersions(inner: VersionStore, trustSeconds: number, now: () => number = Date.now): VersionStore {
  const trustMs = trustSeconds * 1000
  // `held` is what the inner store holds; a bump made here is known before it is held there.
  const known = new BoundedMap<string, { stamp: Stamp; held: Stamp | undefined; position: string | undefined; atMs: number }>(TRUST_LIMIT)
  const store: VersionStore = {
    name: `${inner.name}+trust`,
    // Stamps reused for up to `trustSeconds` are as fresh as an eventually consistent store's.
    consistency: 'eventual',
    async read(scopes, context) {
      const cutoff = now() - trustMs
      const stale = scopes.filter((scope) => (known.get(scope)?.atMs ?? Number.NEGATIVE_INFINITY) < cutoff)
      if (stale.length > 0) {
        const fetched = await inner.read(stale, context)
        const held = fetched.held ?? fetched
        stale.forEach((scope, i) => known.set(scope, { stamp: fetched[i] ?? '', held: held[i] ?? '', position: fetched.positions?.[i], atMs: now() }))
      }
      const stamps = scopes.map((scope) => known.get(scope)?.stamp ?? '')
      return Object.assign(stamps, {
        held: scopes.map((scope) => known.get(scope)?.held ?? ZERO_STAMP),
        positions: scopes.map((scope) => known.get(scope)?.position),
      })
    },
    async bump(scopes, context) {
      const stamp = await inner.bump(scopes, context)
      // Seen here at once; whether the inner store holds it yet, only its next read can tell.
      for (const scope of scopes) known.set(scope, { stamp, held: undefined, position: context?.position, atMs: now() })
      return stamp
    },
  }
  return inner.settle ? { ...store, settle: () => inner.settle?.() ?? Promise.resolve() } : store
}
