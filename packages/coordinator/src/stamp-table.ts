import { createStampClock, isStamp, maxStamp, stampMs, UNKNOWN_STAMP, ZERO_STAMP } from '@kvcache/core/storage'
import type { Stamp } from '@kvcache/core'

/** The part of `ctx.storage.sql` the coordinator uses (SQLite-backed Durable Objects). */
export interface SqlLike {
  exec(query: string, ...bindings: unknown[]): { toArray(): Record<string, unknown>[] }
}

/** Stamps of one coordinator object, in its SQLite database. Every method is synchronous. */
export interface StampTable {
  /** The stored stamp of each scope: the object's birth stamp when never bumped, `UNKNOWN_STAMP` when damaged. */
  read(scopes: readonly string[]): Stamp[]
  /** Moves every scope to one stamp greater than each of theirs; `proposal` is used when it is. */
  bump(scopes: readonly string[], proposal: Stamp | undefined): Stamp
}

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS kvcache_stamps (scope TEXT PRIMARY KEY, stamp TEXT NOT NULL) WITHOUT ROWID',
  'CREATE TABLE IF NOT EXISTS kvcache_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID',
]

/**
 * Opens (creating if needed) the stamp table.
 *
 * A scope never bumped reads as the object's **birth stamp**, minted when the object first ran,
 * not as the zero stamp: entries cached before this object existed (with stamps kept in KV, or
 * under another shard layout) recorded older stamps, so they are misses here instead of being
 * resurrected. Bumps mint from a clock that never runs behind the stamps it found, so a stamp
 * only moves forward even if this object's wall clock moved back.
 */
export function openStampTable(sql: SqlLike, transaction: <T>(work: () => T) => T, now: () => number = Date.now): StampTable {
  for (const statement of SCHEMA) sql.exec(statement)
  // The clock's notion of now never falls behind the newest stamp it was shown.
  let floorMs = 0
  const clock = createStampClock(() => Math.max(now(), floorMs))
  const learn = (stamp: Stamp) => {
    if (stamp === ZERO_STAMP) return
    floorMs = Math.max(floorMs, stampMs(stamp))
    clock.observe(stamp)
  }
  /** A stamp greater than `floor` (and than everything minted here before). */
  const mintAfter = (floor: Stamp): Stamp => {
    learn(floor)
    return clock.next()
  }

  const birth = transaction(() => {
    const found = sql.exec('SELECT value FROM kvcache_meta WHERE key = ?', 'birth').toArray()[0]?.value
    if (typeof found === 'string' && isStamp(found) && found !== ZERO_STAMP) return found
    const minted = mintAfter(ZERO_STAMP)
    sql.exec('INSERT OR REPLACE INTO kvcache_meta (key, value) VALUES (?, ?)', 'birth', minted)
    return minted
  })
  learn(birth)

  const readOne = (scope: string): Stamp => {
    const row = sql.exec('SELECT stamp FROM kvcache_stamps WHERE scope = ?', scope).toArray()[0]
    if (row === undefined) return birth
    const stamp = row.stamp
    return typeof stamp === 'string' && isStamp(stamp) && stamp !== ZERO_STAMP ? stamp : UNKNOWN_STAMP
  }

  return {
    read: (scopes) => scopes.map(readOne),
    bump(scopes, proposal) {
      return transaction(() => {
        const unique = [...new Set(scopes)]
        let floor = birth
        // A damaged stamp is overwritten; it must not hold later bumps back (it sorts above all stamps).
        for (const scope of unique) {
          const stored = readOne(scope)
          if (stored !== UNKNOWN_STAMP) floor = maxStamp(floor, stored)
        }
        // A client's proposal lets shards of one write agree on a stamp; it is taken only when it
        // still moves every scope forward, else this object mints its own.
        const stamp = proposal !== undefined && proposal > floor ? proposal : mintAfter(floor)
        learn(stamp)
        for (const scope of unique) {
          sql.exec('INSERT OR REPLACE INTO kvcache_stamps (scope, stamp) VALUES (?, ?)', scope, stamp)
        }
        return stamp
      })
    },
  }
}
