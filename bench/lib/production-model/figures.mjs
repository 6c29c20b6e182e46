// The production model's assumptions: latencies drawn from published figures, each with its
// source. Every figure is a log-normal distribution given by its median and 99th percentile; a
// published range "a to b" is read as p1 = a, p99 = b. The bench prints this table as it runs.

const Z99 = 2.3263

/** A range read as p1..p99 of a log-normal: median sqrt(a*b). */
const fromRange = (p1Ms, p99Ms) => ({ p50Ms: Math.sqrt(p1Ms * p99Ms), p99Ms })

// One round trip between a Worker in Europe and a region in western North America.
const CROSS_REGION_ROUND_TRIP = { p50Ms: 130, p99Ms: 200 }
// A round trip from a Cloudflare location to KV's central stores on the same continent.
const CENTRAL_STORE_ROUND_TRIP = { p50Ms: 50, p99Ms: 200 }
// A round trip between a Cloudflare location and another data center in the same region
// (London to Frankfurt is ~15 ms): an assumption, no first-party figure found.
const IN_REGION_ROUND_TRIP = { p50Ms: 15, p99Ms: 50 }

export const FIGURES = {
  kvHotRead: {
    ...fromRange(0.5, 10),
    what: 'KV read, key cached in this location (hot)',
    basis: '"repeated reads to these hot keys will typically see latencies in the 500µs to 10ms range", read as p1 to p99',
    sources: ['https://developers.cloudflare.com/workers/platform/storage-options/'],
  },
  kvColdRead: {
    ...CENTRAL_STORE_ROUND_TRIP,
    what: 'KV read, key not cached in this location (cold): fetched from the central stores',
    basis:
      'cold reads go to the central stores; the stores answer in under 5 ms at p99 since the 2025 rearchitecture, so the round trip dominates; p99 = "each round trip taking up to 200ms" (Hyperdrive launch post); p50 50 ms is an assumption (no published median found)',
    sources: [
      'https://developers.cloudflare.com/kv/concepts/how-kv-works/',
      'https://blog.cloudflare.com/rearchitecting-workers-kv-for-redundancy/',
      'https://blog.cloudflare.com/hyperdrive-making-regional-databases-feel-distributed/',
    ],
  },
  kvEdgeCacheSeconds: {
    value: 60,
    what: 'how long a KV read stays cached in the location that made it (then the next read is cold)',
    basis: '`cacheTtl` "defaults to 60 seconds"; a write from this location is treated as uncached here (the next read is cold)',
    sources: ['https://developers.cloudflare.com/kv/api/read-key-value-pairs/'],
  },
  kvWrite: {
    ...CENTRAL_STORE_ROUND_TRIP,
    what: 'KV write (put)',
    basis: 'writes go to the central stores: one round trip, as a cold read',
    sources: ['https://developers.cloudflare.com/kv/concepts/how-kv-works/'],
  },
  cacheApi: {
    ...fromRange(5, 15),
    what: 'Cache API match / put / delete (this data center)',
    basis: '"Cache is ~5-15ms" (Cloudflare community forum answer, 2025), read as p1 to p99; no first-party figure found',
    sources: ['https://www.answeroverflow.com/m/1406008733749739602'],
  },
  d1Distant: {
    ...CROSS_REGION_ROUND_TRIP,
    what: 'D1 query, Worker in Europe, primary in western North America (added to the real local query time)',
    basis:
      'every query goes to the one primary and latency grows with distance (D1 docs, whose read-replication demo suggests this placement); London to California ~130 ms round trip (p50); p99 200 ms as above',
    sources: [
      'https://developers.cloudflare.com/d1/best-practices/read-replication/',
      'https://calpaterson.com/latency.html',
      'https://blog.cloudflare.com/hyperdrive-making-regional-databases-feel-distributed/',
    ],
  },
  hyperdrive: {
    ...CROSS_REGION_ROUND_TRIP,
    what: 'PostgreSQL in western North America through Hyperdrive, Worker in Europe (added to the real local query time)',
    basis:
      'Hyperdrive sets connections up at the edge and keeps pooled connections next to the database, so a query (or a query-cache miss) costs one round trip to the database region',
    sources: ['https://developers.cloudflare.com/hyperdrive/configuration/how-hyperdrive-works/', 'https://calpaterson.com/latency.html'],
  },
  hyperdriveCacheHit: {
    ...IN_REGION_ROUND_TRIP,
    what: "Hyperdrive query-cache hit (the Worker's region)",
    basis:
      'a hit "avoids a network round trip to your database"; no published hit latency found, so a hit is assumed to cost one in-region round trip (15 ms p50, 50 ms p99: an assumption)',
    sources: ['https://developers.cloudflare.com/hyperdrive/concepts/query-caching/'],
  },
  hyperdriveMaxAgeSeconds: {
    value: 60,
    what: "Hyperdrive query cache: a result's fresh lifetime (max_age, default)",
    basis:
      'default max_age 60 s; only read-only statements that call no function PostgreSQL marks volatile or stable are cached (the Drizzle relational read calls json_agg / json_build_array, which are stable); writes do not purge it ("It does not do any proactive purging on mutation")',
    sources: ['https://developers.cloudflare.com/hyperdrive/concepts/query-caching/', 'https://www.answeroverflow.com/m/1261000796502495312'],
  },
  hyperdriveStaleSeconds: {
    value: 15,
    what: 'Hyperdrive query cache: stale_while_revalidate after max_age (default; a stale hit revalidates in the background)',
    basis: 'default stale_while_revalidate 15 s, so a cached result can be served up to ~75 s after it was fetched',
    sources: ['https://developers.cloudflare.com/hyperdrive/concepts/query-caching/'],
  },
  d1Replica: {
    ...IN_REGION_ROUND_TRIP,
    what: "D1 read replica in the Worker's region (Sessions API; added to the real local query time)",
    basis:
      'replicas are created "in each supported D1 region" and reads in a session go to a nearby one; in-region round trip assumed (15 ms p50, 50 ms p99); writes and reads a lagging replica cannot serve go to the primary (the D1 query figure above)',
    sources: [
      'https://developers.cloudflare.com/changelog/2025-04-10-d1-read-replication-beta/',
      'https://developers.cloudflare.com/d1/best-practices/read-replication/',
    ],
  },
  d1ReplicaLag: {
    p50Ms: 800,
    p99Ms: 6100,
    what: 'D1 replica lag: time until a committed write is applied at the replica (drawn per write, applied in commit order)',
    basis:
      'D1 replicates asynchronously and "a read replica may be arbitrarily out of date"; a community probe (200 writes, NA primary, Tokyo replica) measured p50 ~800 ms, p95 ~3,400 ms, p99 ~6,100 ms; no first-party figure',
    sources: ['https://developers.cloudflare.com/d1/best-practices/read-replication/', 'https://news.warptechlab.com/news/206796014'],
  },
  durableObjectCall: {
    ...IN_REGION_ROUND_TRIP,
    what: "coordinator (Durable Object) call, object in the Worker's region",
    basis:
      'an object is created "close to where the initial get() request is made", not necessarily in the same data center; in-region round trip assumed (15 ms p50, 50 ms p99)',
    sources: ['https://developers.cloudflare.com/durable-objects/reference/data-location/'],
  },
}

/** sigma of the log-normal with this median and p99. */
export const sigmaOf = ({ p50Ms, p99Ms }) => Math.log(p99Ms / p50Ms) / Z99
