import { BoundedMap } from './bounded-map'
import type { Stamp, VersionStore } from './types'

const TRUST_LIMIT = 10_000

/**
 * Reuses stamps this isolate read within the last `trustSeconds` instead of asking the inner
 * store again. Saves a round trip per hit (useful with a two-tier L1) at the price of up to
 * `trustSeconds` extra staleness after a write made elsewhere. Bumps made here are seen at once.
 */
export function trustedVersions(inner: VersionStore, trustSeconds: number, now: () => number = Date.now): VersionStore {
  const trustMs = trustSeconds * 1000
  const known = new BoundedMap<string, { stamp: Stamp; atMs: number }>(TRUST_LIMIT)
  const remember = (scope: string, stamp: Stamp) => known.set(scope, { stamp, atMs: now() })
  const store: VersionStore = {
    name: `${inner.name}+trust`,
    // Stamps reused for up to `trustSeconds` are as fresh as an eventually consistent store's.
    consistency: 'eventual',
    async read(scopes, context) {
      const cutoff = now() - trustMs
      const stale = scopes.filter((scope) => (known.get(scope)?.atMs ?? Number.NEGATIVE_INFINITY) < cutoff)
      if (stale.length > 0) {
        const fetched = await inner.read(stale, context)
        stale.forEach((scope, i) => remember(scope, fetched[i] ?? ''))
      }
      return scopes.map((scope) => known.get(scope)?.stamp ?? '')
    },
    async bump(scopes, context) {
      const stamp = await inner.bump(scopes, context)
      for (const scope of scopes) remember(scope, stamp)
      return stamp
    },
  }
  return inner.settle ? { ...store, settle: () => inner.settle?.() ?? Promise.resolve() } : store
}
