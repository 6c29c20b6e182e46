import type { Metrics } from '@kvcache/core'
import type { Bound } from './check'
import type { Popularity } from './popularity'
import type { Random } from './random'
import type { CoordinatorOutages } from './simulated-coordinator'
import type { SimulatedKv } from './simulated-kv'
import type { Source } from './source'
import type { VirtualTime } from './virtual-time'

/** The shape of one simulated run: topology, workload, and the platform's timing. */
export interface WorldSettings {
  /** Locations (data centers) with their own KV view and edge cache. */
  readonly locations: number
  /** Isolates per location: one `createCache` each. */
  readonly isolatesPerLocation: number
  readonly clients: number
  /** Keys of the source (`k0`, `k1`...): each is one table with its own stamp. */
  readonly keys: number
  /** Distinct cached queries per key (each reads the key's value under its own cache key). */
  readonly queriesPerKey: number
  /** How often each query is asked: absent, every key and query equally often. */
  readonly popularity?: Popularity
  /** How long clients send requests, in simulated milliseconds. */
  readonly durationMs: number
  /** Mean pause between a client's requests, in milliseconds (exponential). */
  readonly thinkMeanMs: number
  /** Fraction of requests that start a burst of writes. */
  readonly writeRatio: number
  /**
   * Writes come in bursts, as edits do: after a write, a client writes the same key again up to
   * this many more times (uniformly 0..n), pausing half the think time, before it goes back to
   * random requests. Races happen within a burst (stamp writes contend, KV answers 429s); the key
   * then stays quiet long enough for a stale entry the burst left behind to be read well past any
   * bound (with steady writes, the next write hides most staleness).
   */
  readonly writeBurst: number
  /** Fraction of a client's requests served by a location other than its home. */
  readonly roamRatio: number
  /** Delay before a KV write is visible in another location, in milliseconds (exponential, capped). */
  readonly propagation: { readonly meanMs: number; readonly maxMs: number }
  /** Latency of one KV call, in milliseconds. */
  readonly kvLatencyMs: readonly [number, number]
  /** The fraction of KV calls that are slow, and how slow, in milliseconds (a congested network). */
  readonly kvTail: { readonly ratio: number; readonly slowMs: readonly [number, number] }
  /** The fraction of KV calls that fail with a 500 (`simulatedKv`'s `failRatio`). */
  readonly kvFailRatio: number
  /** Round trip of one database query, in milliseconds. */
  readonly sourceLatencyMs: readonly [number, number]
  /** Round trip of one database write, commit included, in milliseconds. */
  readonly sourceWriteLatencyMs: readonly [number, number]
  /** When the database refuses every call, in milliseconds after the run started (`simulatedSource`'s `outages`). */
  readonly sourceOutages: readonly { readonly afterMs: number; readonly durationMs: number }[]
  /** KV `cacheTtl` of every read the cache makes, in seconds (KV's minimum is 30). */
  readonly cacheTtlSeconds: number
  /** Lifetime of cached entries, in seconds. */
  readonly entryTtlSeconds: number
  /** How far behind the primary a lagging source answers, in milliseconds (lagging-source rows). */
  readonly sourceLagMs: number
  /** `stampTrustSeconds` of the two-tier row. */
  readonly trustSeconds: number
  /** Largest clock skew of an isolate, either way, in milliseconds (the timestamp-tags baseline). */
  readonly clockSkewMs: number
  /** One-way network delay between an isolate and a coordinator object, in milliseconds (Durable Object rows). */
  readonly coordinatorLatencyMs: readonly [number, number]
  /**
   * Outages of the coordinator row with failing bumps. Each is shorter than the client's retry
   * delays (200 + 400 + 800 + 1600 ms) and the next starts well after, so a retry always lands.
   */
  readonly coordinatorOutages: CoordinatorOutages
}

/**
 * Three locations with two isolates each, sixteen clients sending about a request a second each for
 * ten simulated minutes, over six keys read steadily and written in bursts (about one burst per key
 * a minute and a half).
 */
export const DEFAULT_SETTINGS: WorldSettings = {
  locations: 3,
  isolatesPerLocation: 2,
  clients: 16,
  keys: 6,
  queriesPerKey: 2,
  durationMs: 600_000,
  thinkMeanMs: 1000,
  writeRatio: 0.012,
  writeBurst: 5,
  roamRatio: 0.2,
  propagation: { meanMs: 2000, maxMs: 10_000 },
  kvLatencyMs: [2, 20],
  kvTail: { ratio: 0.01, slowMs: [200, 3000] },
  kvFailRatio: 0,
  sourceLatencyMs: [5, 40],
  sourceWriteLatencyMs: [20, 200],
  sourceOutages: [],
  cacheTtlSeconds: 30,
  entryTtlSeconds: 300,
  sourceLagMs: 5000,
  trustSeconds: 5,
  clockSkewMs: 3000,
  coordinatorLatencyMs: [1, 25],
  coordinatorOutages: { durationMs: [200, 2500], minGapMs: 5000, meanGapMs: 10_000 },
}

/** What a system under test is built from. */
export interface World {
  readonly settings: WorldSettings
  readonly time: VirtualTime
  readonly random: Random
  readonly kv: SimulatedKv
  readonly source: Source
}

/** A client across requests: a bookmark it carries (a cookie), if the system hands it one. */
export interface Client {
  readonly id: number
  readonly home: number
  bookmark: string | undefined
}

/** One request as a Worker sees it: who sent it, where it runs, and its `ctx.waitUntil`. */
export interface WorkerRequest {
  readonly client: Client
  readonly location: number
  readonly isolate: number
  readonly waitUntil: (promise: Promise<unknown>) => void
}

/** A cache design under test: reads go through it, writes go to the source and then through it. */
export interface System {
  /** Query `query` of `key`: the key's value, from cache or source. */
  read(request: WorkerRequest, key: string, query: number): Promise<string>
  /** Writes `value` to the source, then invalidates (or whatever the design does around a write). */
  write(request: WorkerRequest, key: string, value: string): Promise<void>
  /** Counters of simulated parts the design brings (a coordinator's calls and injected faults), live. */
  readonly counters?: Readonly<Record<string, number>>
  /** The core's `createMetrics()` every cache of the design reports to, if it has one. */
  readonly metrics?: Metrics
}

/** One row of the table: a design, the bound it declares, and whether it is expected to keep it. */
export interface Scenario {
  readonly name: string
  /** One line: what runs and why it should (or should not) keep its bound. */
  readonly summary: string
  /** `within-bound` for our modes; `violations` for baselines and controls the checker must catch. */
  readonly expect: 'within-bound' | 'violations'
  /** How far behind the primary the source reads, in milliseconds. @default 0 */
  sourceLagMs?(settings: WorldSettings): number
  /** Overrides of the topology (memory: a single process). */
  readonly topology?: Partial<Pick<WorldSettings, 'locations' | 'isolatesPerLocation'>>
  bound(settings: WorldSettings): Bound
  build(world: World): System
}

/** Runs `create` once per isolate of every location: `[location][isolate]`. */
export function perIsolate<T>(settings: WorldSettings, create: (location: number, isolate: number) => T): T[][] {
  return Array.from({ length: settings.locations }, (_, location) =>
    Array.from({ length: settings.isolatesPerLocation }, (_, isolate) => create(location, isolate)),
  )
}

/** The thing created for the isolate a request runs in. */
export function at<T>(table: T[][], request: WorkerRequest): T {
  const found = table[request.location]?.[request.isolate]
  if (found === undefined) throw new Error(`[checker] no isolate ${request.isolate} in location ${request.location}`)
  return found
}
