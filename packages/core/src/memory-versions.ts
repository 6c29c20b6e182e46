import { createStampClock, ZERO_STAMP } from './clock'
import type { Stamp, VersionStore } from './types'

/** Version stamps in process memory: immediately consistent within one process. For tests and single-process Node servers. */
export function memoryVersions(options: { readonly now?: () => number } = {}): VersionStore {
  const clock = createStampClock(options.now)
  const stamps = new Map<string, Stamp>()
  return {
    name: 'memory',
    consistency: 'local',
    read: async (scopes) => scopes.map((scope) => stamps.get(scope) ?? ZERO_STAMP),
    async bump(scopes) {
      const stamp = clock.next()
      for (const scope of scopes) stamps.set(scope, stamp)
      return stamp
    },
  }
}
