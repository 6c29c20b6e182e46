// A FAKE of D1 read replication, which miniflare does not have: two real D1 databases, one the
// primary and one a replica that applies the primary's writes only when the test calls `catchUp()`.
// Sessions follow D1's rules: a session reads any copy at least as recent as its bookmark (here: the
// replica when it is, else the primary); `first-primary` starts at the primary; a write goes to the
// primary and moves the session's bookmark past it. Bookmarks are fixed-width, ordered strings.

type Bound = { readonly sql: string; readonly params: readonly unknown[] }

/** The parts of a real D1 binding the fake runs statements on (typed here: this package has no Workers types). */
interface D1Like {
  prepare(sql: string): { bind(...params: unknown[]): unknown }
  exec(sql: string): Promise<unknown>
}

const bookmarkOf = (version: number) => `00000000-${version.toString(16).padStart(8, '0')}-00000000-fake`
const versionOf = (bookmark: string) => Number.parseInt(bookmark.slice(9, 17), 16)
const isWrite = (sql: string) => !/^\s*(select|with|pragma)\b/i.test(sql)

export function laggingReplicaD1Fake<D extends D1Like>(primary: D, replica: D) {
  // Fault injection: sessions opened at a bookmark or at the primary fail every query (production D1
  // refuses a bookmark it does not know; the primary can be out of reach). Off until `refuseAnchored`.
  let refusing = false
  let version = 0
  let replicaVersion = 0
  const unreplicated: Bound[] = []
  const stats = { sessions: 0, primaryReads: 0, replicaReads: 0 }

  const run = async (database: D1Like, bound: Bound, method: string, argument?: unknown) => {
    const statement = database.prepare(bound.sql).bind(...bound.params) as unknown as Record<string, (argument?: unknown) => Promise<unknown>>
    return (statement[method] as (argument?: unknown) => Promise<unknown>).call(statement, argument)
  }

  /** One session (or the database itself, `session` undefined: D1 without sessions reads the primary). */
  const handle = (session: { floor: number; primaryFirst: boolean } | undefined) => {
    const execute = async (bound: Bound, method: string, argument?: unknown) => {
      if (isWrite(bound.sql)) {
        const result = await run(primary, bound, method, argument)
        version++
        unreplicated.push(bound)
        if (session) session.floor = version
        return result
      }
      const fromPrimary = !session || session.primaryFirst || session.floor > replicaVersion
      if (session) session.primaryFirst = false
      fromPrimary ? stats.primaryReads++ : stats.replicaReads++
      if (session) session.floor = Math.max(session.floor, fromPrimary ? version : replicaVersion)
      return run(fromPrimary ? primary : replica, bound, method, argument)
    }
    const statement = (bound: Bound): unknown => ({
      bind: (...params: unknown[]) => statement({ sql: bound.sql, params }),
      all: () => execute(bound, 'all'),
      raw: (options?: unknown) => execute(bound, 'raw', options),
      first: (column?: string) => execute(bound, 'first', column),
      run: () => execute(bound, 'run'),
      [BOUND]: bound,
    })
    return {
      prepare: (sql: string) => statement({ sql, params: [] }),
      async batch(statements: unknown[]) {
        const results = []
        for (const each of statements) results.push(await execute((each as Record<symbol, Bound>)[BOUND] as Bound, 'all'))
        return results
      },
      ...(session ? { getBookmark: () => (session.floor === 0 && session.primaryFirst ? null : bookmarkOf(session.floor)) } : {}),
    }
  }

  const refused = () => {
    const fail = () => Promise.reject(new Error('D1_ERROR: invalid bookmark (injected)'))
    const statement = { bind: () => statement, all: fail, raw: fail, first: fail, run: fail }
    return { prepare: () => statement, batch: fail, getBookmark: () => null }
  }

  // Like a real D1 binding, the database and its sessions share one `fetcher`: how the cache tells them apart from other databases.
  const fetcher = {}
  const database = {
    ...handle(undefined),
    fetcher,
    exec: (sql: string) => primary.exec(sql),
    withSession(constraint = 'first-unconstrained') {
      stats.sessions++
      const anchored = constraint !== 'first-unconstrained' && constraint !== 'first-primary'
      if (refusing && constraint !== 'first-unconstrained') return { ...refused(), fetcher }
      return { ...handle({ floor: anchored ? versionOf(constraint) : 0, primaryFirst: constraint === 'first-primary' }), fetcher }
    },
  }

  return {
    /** Use where the real binding would go: the same shape, with sessions that follow the fake's replica. */
    database: database as unknown as D,
    stats,
    /** The replica applies every write the primary has taken so far. */
    async catchUp() {
      for (const bound of unreplicated.splice(0)) await run(replica, bound, 'run')
      replicaVersion = version
    },
    /** From now on, sessions opened at a bookmark or at the primary fail every query. */
    refuseAnchored() {
      refusing = true
    },
    /** The newest write's bookmark, as the primary would give it. */
    latest: () => bookmarkOf(version),
  }
}

const BOUND = Symbol('bound statement')

/**
 * The table the replica tests read: `replica_notes (id, body)` with row 1 = 'v0', made afresh on the
 * primary and the replica alike (a replica starts as a copy).
 */
export async function resetReplicaNotes(...databases: { prepare(sql: string): { run(): Promise<unknown> } }[]): Promise<void> {
  for (const database of databases) {
    await database.prepare('DROP TABLE IF EXISTS replica_notes').run()
    await database.prepare('CREATE TABLE replica_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)').run()
    await database.prepare("INSERT INTO replica_notes (id, body) VALUES (1, 'v0')").run()
  }
}
