import type { QueryStatus } from './query-status'
import { tableOfScope } from './layout'
import type { ReadLabels } from './types'

/** What a binding says about one read, for the events it causes and its status. */
export interface ReadAbout {
  /** `drizzle`, `kysely`, `prisma`... */
  readonly binding?: string
  /** The statement (SQL, or `Model.action`): events carry a short digest of it. */
  readonly statement?: string
}

/** Longest statement digest in events: enough to recognise a query in a log line. */
export const DIGEST_CHARS = 120

/** The tables named by unqualified scopes (`table:posts`, `bulk:posts`, `row:posts:n1` -> `posts`), in order, without repeats. */
export function tablesOfScopes(scopes: readonly string[]): string[] {
  const tables = new Set<string>()
  for (const scope of scopes) {
    const table = tableOfScope(scope)
    if (table !== undefined) tables.add(table)
  }
  return [...tables]
}

/** A statement as a log line shows it. */
export function digestOf(statement: string): string {
  const collapsed = statement.replace(/\s+/g, ' ').trim()
  return collapsed.length > DIGEST_CHARS ? `${collapsed.slice(0, DIGEST_CHARS - 1)}…` : collapsed
}

/** Labels computed once per read, and only when an event is delivered to someone. */
export function lazyLabels(about: ReadAbout | undefined, scopes: readonly string[]): () => ReadLabels {
  let labels: ReadLabels | undefined
  return () =>
    (labels ??= {
      ...(about?.binding !== undefined && { binding: about.binding }),
      tables: tablesOfScopes(scopes),
      ...(about?.statement !== undefined && { digest: digestOf(about.statement) }),
    })
}

/** What `query` is told to report for one read. */
export interface ReadReporting {
  readonly about?: ReadAbout
  readonly onStatus?: (status: QueryStatus) => void
}
