import { decodeValue, encodeValue } from '@kvcache/core/testing'

// 50 rows as an ORM returns them from a list query: two Dates and a BigInt per row.
const rows = Array.from({ length: 50 }, (_, i) => ({
  id: i + 1,
  title: `Post number ${i + 1}`,
  body: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4),
  authorId: (i % 7) + 1,
  published: i % 3 !== 0,
  views: BigInt(1000 + i * 13) * 10_000_000_000n,
  createdAt: new Date(1_700_000_000_000 + i * 1000),
  updatedAt: new Date(1_700_000_500_000 + i),
}))
// The floor: the same rows as plain JSON (Dates as ISO strings, the BigInt as a number).
const plainJson = JSON.stringify(rows.map((row) => ({ ...row, views: Number(row.views) })))
const planned = encodeValue(rows)
// The same values, not shaped as rows: every value is walked for tags (the pre-plan decoder's path).
const walked = encodeValue({ rows })

// What any decoder must at least do: parse, and create the 100 Dates and 50 BigInts.
const materialize = () => {
  const parsed = JSON.parse(planned.json) as Record<string, unknown>[]
  for (const row of parsed) {
    row.createdAt = new Date(row.createdAt as number)
    row.updatedAt = new Date(row.updatedAt as number)
    row.views = BigInt(row.views as string)
  }
  return parsed
}

const paths: Record<string, () => unknown> = {
  json: () => JSON.parse(plainJson),
  floor: materialize,
  planned: () => decodeValue(planned),
  walked: () => decodeValue(walked),
}

export default {
  async fetch(req: Request): Promise<Response> {
    const url = new URL(req.url)
    const path = paths[url.searchParams.get('path') ?? '']
    if (!path) return new Response('unknown path', { status: 404 })
    const n = Number(url.searchParams.get('n') ?? '2000')
    const started = performance.now()
    for (let i = 0; i < n; i++) path()
    // workerd's clock only moves on I/O: one fetch-free timer read after the loop.
    await new Promise((resolve) => setTimeout(resolve, 0))
    return Response.json({
      msPerDecode: (performance.now() - started) / n,
      plan: planned.plan ?? null,
      bytes: { json: plainJson.length, planned: planned.json.length },
    })
  },
}
