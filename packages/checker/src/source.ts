import type { Random } from './random'
import type { VirtualTime } from './virtual-time'

/** The source of truth (the database), one versioned register per key. */
export interface Source {
  /** The key's value as the source answers now: as of `lagMs` ago. */
  read(key: string): Promise<string>
  /** Writes the key on the primary; resolves once committed. */
  write(key: string, value: string): Promise<void>
  /** How far behind the primary reads answer, in milliseconds (0: a primary). */
  readonly lagMs: number
  /** Calls made so far; `failed` counts those refused during an outage (included in `reads` and `writes`). */
  readonly calls: { reads: number; writes: number; failed: number }
}

/** When the database refuses every call, in simulated epoch milliseconds: `[fromMs, toMs)`. */
export interface SourceOutage {
  readonly fromMs: number
  readonly toMs: number
}

/**
 * What the database answers during an outage. A refused write never committed (it fails at the
 * point where it would have), so it certainly did not take effect.
 */
export class SourceUnavailableError extends Error {
  constructor(key: string) {
    super(`[checker] source: the database is unavailable (${key})`)
    this.name = 'SourceUnavailableError'
  }
}

/** True for the database's outage error, whoever passed it on. */
export function isSourceUnavailable(error: unknown): error is SourceUnavailableError {
  return error instanceof Error && error.name === 'SourceUnavailableError'
}

export interface SourceOptions {
  readonly time: VirtualTime
  readonly random: Random
  readonly initial: ReadonlyMap<string, string>
  /**
   * Reads answer with the value as of this many milliseconds ago, as Hyperdrive's query cache or
   * a read replica would. Writes always go to the primary. @default 0
   */
  readonly lagMs?: number
  /** Round trip of one query, in milliseconds (the query runs halfway through). @default [5, 40] */
  readonly latencyMs?: readonly [number, number]
  /** Round trip of one write, commit included, in milliseconds (it commits halfway through). @default `latencyMs` */
  readonly writeLatencyMs?: readonly [number, number]
  /** Windows during which every read and write fails with `SourceUnavailableError` (after its usual latency). @default [] */
  readonly outages?: readonly SourceOutage[]
}

/** An in-memory database: every write is a new version, and a lagging source reads the past. */
export function simulatedSource(options: SourceOptions): Source {
  const { time, random } = options
  const lagMs = options.lagMs ?? 0
  const readLatency = options.latencyMs ?? [5, 40]
  const writeLatency = options.writeLatencyMs ?? readLatency
  const versions = new Map<string, { atMs: number; value: string }[]>()
  for (const [key, value] of options.initial) versions.set(key, [{ atMs: Number.NEGATIVE_INFINITY, value }])
  const outages = options.outages ?? []
  const calls = { reads: 0, writes: 0, failed: 0 }

  const valueAt = (key: string, atMs: number): string => {
    const list = versions.get(key) ?? []
    for (let i = list.length - 1; i >= 0; i--) {
      const version = list[i] as { atMs: number; value: string }
      if (version.atMs <= atMs) return version.value
    }
    throw new Error(`[checker] source: no value of ${key} as of ${atMs}`)
  }
  const down = (nowMs: number) => outages.some((outage) => nowMs >= outage.fromMs && nowMs < outage.toMs)
  // Half the round trip to reach the database, half to come back; during an outage the work is refused there.
  const roundTrip = async <T>(key: string, [minMs, maxMs]: readonly [number, number], work: () => T): Promise<T> => {
    const latency = random.between(minMs, maxMs)
    await time.sleep(Math.floor(latency / 2))
    const refused = down(time.now())
    const result = refused ? undefined : work()
    await time.sleep(latency - Math.floor(latency / 2))
    if (refused) {
      calls.failed++
      throw new SourceUnavailableError(key)
    }
    return result as T
  }

  return {
    lagMs,
    calls,
    read(key) {
      calls.reads++
      return roundTrip(key, readLatency, () => valueAt(key, time.now() - lagMs))
    },
    write(key, value) {
      calls.writes++
      return roundTrip(key, writeLatency, () => {
        const list = versions.get(key) ?? []
        list.push({ atMs: time.now(), value })
        versions.set(key, list)
      })
    },
  }
}
