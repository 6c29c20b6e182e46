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
      "Hyperdrive sets connections up at the edge and keeps pooled connections next to the database, so a query costs one round trip to the database region; Hyperdrive's own query cache off",
    sources: ['https://developers.cloudflare.com/hyperdrive/configuration/how-hyperdrive-works/', 'https://calpaterson.com/latency.html'],
  },
}

/** sigma of the log-normal with this median and p99. */
export const sigmaOf = ({ p50Ms, p99Ms }) => Math.log(p99Ms / p50Ms) / Z99
