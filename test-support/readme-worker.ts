// The steps the one-line setups' README Worker tests share (`drizzleKv`, `kyselyKv`,
// `withKvCache`): a request as workerd makes one, the invalidation test through the Worker's
// GET and POST, the root README's row of lines the cache adds, and per-request `onEvent`.
// `cloudflare:test` comes in as an argument: test-support is also typechecked outside workerd.
import { expect } from 'vitest'
import { expectFreshAfterWrite } from './invalidation'
import { setupLines } from './setup-lines'

/** `createExecutionContext` and `waitOnExecutionContext`, from `cloudflare:test`. */
export interface ExecutionContexts<Ctx> {
  readonly createExecutionContext: () => Ctx
  readonly waitOnExecutionContext: (ctx: Ctx) => Promise<void>
}

/** A Worker's default export (method syntax: a handler typed for workerd's `Request` fits). */
export interface FetchHandler<Env, Ctx> {
  fetch(request: Request, env: Env, ctx: Ctx): Promise<Response>
}

/** What a test reads of a response: its status, its `x-cache` header, and its JSON body on a 200. */
export interface WorkerResponse {
  readonly status: number
  readonly cache: string | null
  readonly body: unknown
}

export type WorkerRequest = (init?: { readonly method: 'POST'; readonly body: unknown }) => Promise<WorkerResponse>

/** Requests to the Worker's `/posts`, each with its own ctx, its waitUntil settled before the response is read. */
export function workerRequests<Env, Ctx>(worker: FetchHandler<Env, Ctx>, env: Env, contexts: ExecutionContexts<Ctx>): WorkerRequest {
  return async (init) => {
    const ctx = contexts.createExecutionContext()
    const incoming = new Request('https://example.com/posts', init ? { method: init.method, body: JSON.stringify(init.body) } : undefined)
    const response = await worker.fetch(incoming, env, ctx)
    await contexts.waitOnExecutionContext(ctx)
    return { status: response.status, cache: response.headers.get('x-cache'), body: response.status === 200 ? await response.json() : null }
  }
}

/**
 * The invalidation shape through the Worker: GET fills, GET again is served from the cache, a POST
 * writes a post through the ORM (201), the next GET reads the fresh rows; the three reads' `x-cache`
 * headers are `xCache`.
 */
export async function expectFreshAfterPost(steps: {
  readonly request: WorkerRequest
  readonly direct: () => Promise<unknown>
  readonly changeBehind: () => Promise<unknown>
  readonly xCache: readonly (string | null)[]
}): Promise<void> {
  const headers: (string | null)[] = []
  await expectFreshAfterWrite({
    read: async () => {
      const { cache, body } = await steps.request()
      headers.push(cache)
      return body
    },
    direct: steps.direct,
    changeBehind: steps.changeBehind,
    write: async () => expect((await steps.request({ method: 'POST', body: { title: 'Hello, again' } })).status).toBe(201),
  })
  expect(headers).toStrictEqual(steps.xCache)
}

/** Counts the lines `after` adds to `before` (see `setupLines`) and finds them in the README table's row `label`. */
export function expectSetupRow(row: {
  readonly readme: string
  readonly label: string
  readonly before: string
  readonly after: string
  readonly counts: { readonly imports: number; readonly code: number; readonly envLines: number }
}): void {
  const { imports, code, env: envLines } = setupLines(row.before, row.after)
  expect({ imports, code, envLines }).toStrictEqual(row.counts)
  expect(row.readme).toContain(`| ${row.label} | ${imports} | ${code} | ${envLines} |`)
}

/**
 * Two requests' reads, each with its own `onEvent` list: the first misses, the second sees exactly
 * its own hit (none of the first request's events). Returns both reads' results.
 */
export async function expectOwnEventsPerRequest<T>(read: (events: string[]) => Promise<T>): Promise<[T, T]> {
  const first: string[] = []
  const second: string[] = []
  const results: [T, T] = [await read(first), await read(second)]
  expect(first).toContain('miss')
  expect(second).toStrictEqual(['hit'])
  return results
}
