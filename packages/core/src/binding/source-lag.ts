import type { identityOf } from '../database-identity'

/**
 * Hyperdrive's query cache answers reads for up to `max_age` (60 s) plus `stale_while_revalidate`
 * (15 s) by default, and writes do not invalidate it.
 */
export const HYPERDRIVE_LAG_SECONDS = 75

/** The host Hyperdrive's `connectionString` names inside a Worker. */
const HYPERDRIVE_HOST = /@[^@/]*\.hyperdrive\.local(?::\d+)?\//i

const told = new Set<string>()

/**
 * The source lag a binding assumes when the user declared none: Hyperdrive's default cache lag for
 * a connection through Hyperdrive (said once per isolate on the console: it changes what is cached),
 * else none (the cache's own `sourceLagSeconds` applies).
 */
export function assumedLagSeconds(binding: string, identity: ReturnType<typeof identityOf>): number | undefined {
  if (!identity || !('text' in identity) || !HYPERDRIVE_HOST.test(identity.text)) return undefined
  if (!told.has(binding)) {
    told.add(binding)
    console.info(
      `[@kvcache/${binding}] Hyperdrive's query cache may answer up to ${HYPERDRIVE_LAG_SECONDS} s behind writes: ` +
        `reads within ${HYPERDRIVE_LAG_SECONDS} s of a write to their tables are served, not cached. ` +
        'To cache them, disable caching on this Hyperdrive configuration and pass `sourceLagSeconds: 0` (or its lag).',
    )
  }
  return HYPERDRIVE_LAG_SECONDS
}
