import { changeScopes } from '../changes'
import { planStatement, type Plan, type PlanContext, type PlanInput } from '../sql/planner'
import { readStatement } from '../sql/reader'

/**
 * What a statement means for the cache, with the one rule for a statement the planner cannot
 * read (it threw): the statement runs against the database uncached, and unless it is certainly
 * a read, the whole database is invalidated after it; a `degraded` event says so. Every binding
 * plans through this, so the rule is the same everywhere.
 */
export async function planSafely(input: PlanInput, contextNow: () => Promise<PlanContext>, report: (detail: string, error: unknown) => void): Promise<Plan> {
  try {
    return planStatement(input, await contextNow())
  } catch (error) {
    const read = certainlyRead(input)
    report(`could not analyse a statement: it runs uncached${read ? '' : ', and every cached read is invalidated after it'}`, error)
    return read
      ? { type: 'bypass', reason: 'the statement could not be analysed' }
      : { type: 'write', scopes: changeScopes([{ kind: 'database' }]), tables: [], schemaChanged: false }
  }
}

function certainlyRead(input: PlanInput): boolean {
  if ('operation' in input) return input.operation.kind === 'read'
  try {
    return readStatement(input.sql, input.dialect).kind === 'read'
  } catch {
    return false
  }
}
