import type { Freshness } from '@kvcache/core'
import { bookmarkOf, sessionFor } from '@kvcache/core/binding'

/** The parts of a `D1Database` or D1 session kysely-d1 and this wrapper touch, typed structurally. */
export interface D1SessionsLike {
  prepare(sql: string): unknown
  batch(statements: unknown[]): Promise<unknown[]>
  withSession?(constraint?: string): D1SessionsLike
  getBookmark?(): string | null
}

/**
 * What the statement running right now asks of the D1 wrapper, and what the wrapper saw. Set and
 * read synchronously around the driver call (kysely-d1 prepares before its first `await`), so
 * requests interleaving at `await`s never see each other's.
 */
interface Call {
  readonly freshness: Freshness | undefined
  /** The session the statement was prepared on, for its bookmark after a write. */
  session: D1SessionsLike | undefined
  /** The read could not be sent to a copy as recent as asked. */
  unmet: boolean
}

let running: Call | undefined

/**
 * Runs a driver call with `freshness` visible to `d1Sessions` wrappers it prepares statements on.
 * Returns the call's promise, the session it used (if a wrapped one), and whether it met `freshness`.
 */
export function trackD1<T>(freshness: Freshness | undefined, exec: () => Promise<T>): { result: Promise<T>; call: Call } {
  const call: Call = { freshness, session: undefined, unmet: false }
  const outer = running
  running = call
  try {
    return { result: exec(), call }
  } finally {
    running = outer
  }
}

function session(own: D1SessionsLike, root: D1SessionsLike): D1SessionsLike {
  return new Proxy(own, {
    get(target, property) {
      if (property === 'prepare') {
        return (sql: string) => {
          const call = running
          if (call) call.session = target
          const choice = call?.freshness ? sessionFor(call.freshness, bookmarkOf(target)) : { kind: 'own' as const }
          if (choice.kind === 'own') return target.prepare(sql)
          let anchored: D1SessionsLike | undefined
          try {
            anchored = root.withSession?.(choice.kind === 'open' ? choice.at : 'first-primary')
          } catch {
            anchored = undefined
          }
          if (!anchored) {
            if (call) call.unmet = true
            return target.prepare(sql)
          }
          return fallingBack(anchored.prepare(sql), () => target.prepare(sql), call)
        }
      }
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

type StatementLike = Record<string, (...args: unknown[]) => unknown>

/**
 * A statement on an anchored session that, if that session refuses it (a bookmark from storage D1
 * does not take, a primary out of reach), runs on the caller's own session instead and marks the
 * call unmet: the read is answered, never failed, and not stored.
 */
function fallingBack(anchored: unknown, own: () => unknown, call: Call | undefined, bound: unknown[] = []): unknown {
  const statement = anchored as StatementLike
  const execute =
    (method: string) =>
    async (...args: unknown[]) => {
      try {
        return await statement[method]?.(...args)
      } catch {
        if (call) call.unmet = true
        const mine = (own() as StatementLike).bind?.(...bound) as StatementLike
        return mine[method]?.(...args)
      }
    }
  return {
    bind: (...params: unknown[]) => fallingBack(statement.bind?.(...params), own, call, params),
    all: execute('all'),
    raw: execute('raw'),
    first: execute('first'),
    run: execute('run'),
  }
}

/**
 * Wraps a D1 binding for `kyselyCache` with D1 read replicas: open each request's session on what it
 * returns (`d1Sessions(env.DB).withSession(bookmark ?? 'first-unconstrained')`) and pass that to
 * `D1Dialect`. A write then records the session's bookmark with its stamps, and a read that misses
 * after a write runs in a session anchored there (its own when already that recent), so a lagging
 * replica cannot answer it from before the write.
 *
 * @example
 * const database = d1Sessions(env.DB).withSession(request.headers.get('x-d1-bookmark') ?? 'first-unconstrained')
 * const db = new Kysely<Database>({ dialect: kyselyCache(new D1Dialect({ database }), cache) })
 */
export function d1Sessions<T extends D1SessionsLike>(database: T): D1Sessions<T> {
  return {
    // Typed as the database (what `D1Dialect` asks for): kysely-d1 only prepares and batches on it.
    withSession: (constraint) => session(database.withSession?.(constraint) ?? database, database) as T & SessionBookmark,
  }
}

/** A session's bookmark: hand it to the client for its next request (`withSession(bookmark)`). */
export interface SessionBookmark {
  getBookmark(): string | null
}

/** What `d1Sessions` returns: opens a request's session, routed by the cache. */
export interface D1Sessions<T> {
  withSession(constraintOrBookmark?: string): T & SessionBookmark
}
