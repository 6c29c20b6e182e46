/** Request input, validated: every route answers 400 with a message instead of failing on bad input. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string }

const MAX_TITLE_CHARS = 200
const MAX_BURST = 500

/** `?id=`: the post to read or write, a positive integer. @default 1 */
export function readPostId(url: URL): Parsed<number> {
  const raw = url.searchParams.get('id')
  if (raw === null) return { ok: true, value: 1 }
  const id = Number(raw)
  return Number.isSafeInteger(id) && id > 0 && /^\d+$/.test(raw)
    ? { ok: true, value: id }
    : { ok: false, error: `id must be a positive integer, got ${JSON.stringify(raw.slice(0, 40))}` }
}

/** `?n=`: how many concurrent reads a burst makes, 1-500. @default 100 */
export function readBurstSize(url: URL): Parsed<number> {
  const raw = url.searchParams.get('n')
  if (raw === null) return { ok: true, value: 100 }
  const n = Number(raw)
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_BURST && /^\d+$/.test(raw)
    ? { ok: true, value: n }
    : { ok: false, error: `n must be an integer from 1 to ${MAX_BURST}, got ${JSON.stringify(raw.slice(0, 40))}` }
}

/** The body of `POST /api/write`: `{ "title": "..." }`, 1-200 characters after trimming. */
export async function readTitle(request: Request): Promise<Parsed<string>> {
  let body: unknown
  try {
    body = JSON.parse(await request.text())
  } catch {
    return { ok: false, error: 'body must be JSON like {"title": "New title"}' }
  }
  const title = typeof body === 'object' && body !== null ? (body as { title?: unknown }).title : undefined
  if (typeof title !== 'string' || title.trim() === '') return { ok: false, error: 'title is required: a non-empty string' }
  if (title.length > MAX_TITLE_CHARS) return { ok: false, error: `title must be at most ${MAX_TITLE_CHARS} characters` }
  return { ok: true, value: title.trim() }
}

export const badRequest = (error: string) => Response.json({ error }, { status: 400 })
