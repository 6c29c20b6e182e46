import { decodeValue, encodeValue } from '@kvcache/core/testing'

// Two workloads of 50 rows as an ORM returns them from a list query.
// `dates`: two Dates and a BigInt per row (every row needs reviving).
const dateRows = Array.from({ length: 50 }, (_, i) => ({
  id: i + 1,
  title: `Post number ${i + 1}`,
  body: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4),
  authorId: (i % 7) + 1,
  published: i % 3 !== 0,
  views: BigInt(1000 + i * 13) * 10_000_000_000n,
  createdAt: new Date(1_700_000_000_000 + i * 1000),
  updatedAt: new Date(1_700_000_500_000 + i),
}))
// `plain` and `few`: strings, numbers and booleans; `few` adds one Date column set in 5 rows of 50.
const plainRows = Array.from({ length: 50 }, (_, i) => ({
  id: i + 1,
  sku: `SKU-${String(i).padStart(5, '0')}`,
  name: `Product ${i + 1}`,
  description: 'A sturdy thing that does what it says on the box. '.repeat(2),
  priceCents: 1999 + i * 25,
  stock: (i * 7) % 40,
  active: i % 4 !== 0,
  rating: 3.5 + (i % 3) / 2,
}))
const fewRows = plainRows.map((row, i) => ({ ...row, discontinuedAt: i % 10 === 3 ? new Date(1_700_000_000_000 + i) : null }))

// "The same rows as plain JSON": what JSON.parse alone would read (Dates as ISO text, the BigInt as a number).
const plainJsonOf = (rows: readonly Record<string, unknown>[]) =>
  JSON.stringify(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))))

const dates = { plainJson: plainJsonOf(dateRows), encoded: encodeValue(dateRows), walked: encodeValue({ rows: dateRows }) }
const plain = { plainJson: plainJsonOf(plainRows), encoded: encodeValue(plainRows) }
const few = { plainJson: plainJsonOf(fewRows), encoded: encodeValue(fewRows) }

// Any decoder's floor: parse our stored JSON, then create the special values by hand, knowing where they are.
const datesFloor = () => {
  const parsed = JSON.parse(dates.encoded.json) as Record<string, unknown>[]
  for (const row of parsed) {
    row.createdAt = new Date(row.createdAt as number)
    row.updatedAt = new Date(row.updatedAt as number)
    row.views = BigInt(row.views as string)
  }
  return parsed
}
const fewFloor = () => {
  const parsed = JSON.parse(few.encoded.json) as Record<string, unknown>[]
  for (const row of parsed) if (row.discontinuedAt !== null) row.discontinuedAt = new Date(row.discontinuedAt as number)
  return parsed
}

const paths: Record<string, () => unknown> = {
  'dates.json': () => JSON.parse(dates.plainJson),
  'dates.floor': datesFloor,
  'dates.ours': () => decodeValue(dates.encoded),
  'dates.walked': () => decodeValue(dates.walked),
  'plain.json': () => JSON.parse(plain.plainJson),
  'plain.ours': () => decodeValue(plain.encoded),
  'few.json': () => JSON.parse(few.plainJson),
  'few.floor': fewFloor,
  'few.ours': () => decodeValue(few.encoded),
}

export default {
  async fetch(req: Request): Promise<Response> {
    const url = new URL(req.url)
    const names = (url.searchParams.get('paths') ?? '').split(',')
    const unknown = names.filter((name) => !paths[name])
    if (unknown.length > 0) return new Response(`unknown paths: ${unknown.join(', ')}`, { status: 404 })
    const n = Number(url.searchParams.get('n') ?? '100')
    const batches = Number(url.searchParams.get('batches') ?? '10')
    // Short batches of every path in turn, rotating which goes first, summed per path: a burst of
    // load from other processes lands on all paths alike. The clock ticks in whole milliseconds,
    // which sums to the true time over many batches.
    const totalMs = Object.fromEntries(names.map((name) => [name, 0]))
    for (let batch = 0; batch < batches; batch++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + batch) % names.length] as string
        const path = paths[name] as () => unknown
        const started = performance.now()
        for (let i = 0; i < n; i++) path()
        totalMs[name] += performance.now() - started
      }
    }
    if (Object.values(totalMs).every((ms) => ms === 0)) return new Response('the clock did not move while decoding', { status: 500 })
    return Response.json({
      usPerDecode: Object.fromEntries(names.map((name) => [name, ((totalMs[name] as number) * 1000) / (n * batches)])),
      plans: { dates: dates.encoded.plan ?? null, plain: plain.encoded.plan ?? null, few: few.encoded.plan ?? null },
    })
  },
}
