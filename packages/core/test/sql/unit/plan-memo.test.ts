// The planner learns each statement text once per catalog: the plan is reused for the same text,
// row keys still come from each call's values, and a new or refreshed catalog never sees a plan
// learned with another one.
import { describe, expect, it } from 'vitest'
import { resolveFieldTracking } from '../../../src/binding/field-tracking-options'
import { rowScope, tableScope } from '../../../src/layout'
import { createCatalog, planStatement, type CatalogFacts, type OperationDescription, type Plan, type PlanInput } from '../../../src/sql'

const tables: CatalogFacts['tables'] = [
  { name: 'parents', primaryKey: ['id'] },
  { name: 'children', primaryKey: ['id'] },
]
const before = createCatalog({ complete: true, tables })
// The same database after a migration: a cascading foreign key, a trigger, a view.
const after = createCatalog({
  complete: true,
  tables,
  foreignKeys: [{ table: 'children', references: 'parents', onDelete: 'cascade' }],
  triggers: [{ name: 'parents_touch', table: 'parents', events: ['update'], writes: [{ table: 'children', event: 'update' }] }],
  views: [{ name: 'family', reads: ['parents', 'children'] }],
})

const scopesOf = (plan: Plan) => (plan.type === 'read' || plan.type === 'write' ? [...plan.scopes].sort() : [])
const reads = (plan: Plan, scope: string) => scopesOf(plan).includes(scope)

describe('the same text is planned once per catalog', () => {
  it('a read without row keys answers the same frozen plan, and it is the right one', () => {
    const input = { sql: 'select * from "children" order by "id" desc limit ?', params: [20], dialect: 'postgres' as const }
    const first = planStatement(input, { catalog: before })
    expect(first).toStrictEqual({ type: 'read', scopes: expect.arrayContaining([tableScope('children')]) })
    const second = planStatement({ ...input, params: [5] }, { catalog: before })
    expect(second).toBe(first)
    expect(Object.isFrozen(second) && Object.isFrozen((second as { scopes: unknown }).scopes)).toBe(true)
  })

  it("row keys come from each call's values, never from the memo", () => {
    const byId = (id: number) => planStatement({ sql: 'select * from "parents" where "id" = $1', params: [id], dialect: 'postgres' }, { catalog: before })
    expect(reads(byId(1), rowScope('parents', [1]))).toBe(true)
    const two = byId(2)
    expect(reads(two, rowScope('parents', [2]))).toBe(true)
    expect(reads(two, rowScope('parents', [1]))).toBe(false)
  })

  it('a write learned before a foreign key and a trigger existed reaches the new dependents once the catalog is new', () => {
    // Not keyed by primary key: the whole plan is memoised, so only the catalog tells the two apart.
    const remove = { sql: 'delete from "parents" where "name" = $1', params: ['a'], dialect: 'postgres' as const }
    expect(reads(planStatement(remove, { catalog: before }), tableScope('children'))).toBe(false)
    expect(reads(planStatement(remove, { catalog: after }), tableScope('children'))).toBe(true)
    // The old catalog still answers its own plan (a request holding it plans as it did).
    expect(reads(planStatement(remove, { catalog: before }), tableScope('children'))).toBe(false)
    const rename = { sql: 'update "parents" set "name" = $1 where "name" = $2', params: ['b', 'a'], dialect: 'postgres' as const }
    expect(reads(planStatement(rename, { catalog: before }), tableScope('children'))).toBe(false)
    expect(reads(planStatement(rename, { catalog: after }), tableScope('children'))).toBe(true)
  })

  it('a relation a complete catalog did not know bypasses, and reads its tables once a new catalog knows it', () => {
    const input = { sql: 'select * from "family"', dialect: 'postgres' as const }
    expect(planStatement(input, { catalog: before })).toMatchObject({ type: 'bypass' })
    expect(scopesOf(planStatement(input, { catalog: after }))).toEqual(expect.arrayContaining([tableScope('parents'), tableScope('children')]))
  })

  it('a text too long to keep is planned on every call, correctly', () => {
    const input = {
      sql: `select * from "children" where "note" in (${Array.from({ length: 3000 }, (_, i) => `'n${i}'`).join(', ')})`,
      dialect: 'postgres' as const,
    }
    expect(input.sql.length).toBeGreaterThan(16_384)
    const first = planStatement(input, { catalog: before })
    const second = planStatement(input, { catalog: before })
    expect(second).not.toBe(first)
    expect(second).toStrictEqual(first)
    expect(scopesOf(second)).toContain(tableScope('children'))
  })

  it("a write's plan follows the fieldTracking it is planned with", () => {
    const input = { sql: 'update "parents" set "views" = "views" + 1', dialect: 'postgres' as const }
    const quiet = resolveFieldTracking('test', { parents: { neverInvalidateOn: ['views'] } })
    expect(scopesOf(planStatement(input, { catalog: before }))).toContain(tableScope('parents'))
    expect(planStatement(input, { catalog: before, fieldTracking: quiet })).toMatchObject({ type: 'write', scopes: [], quiet: [{ table: 'parents' }] })
    expect(scopesOf(planStatement(input, { catalog: before }))).toContain(tableScope('parents'))
  })
})

describe('a statement its ORM describes (Kysely) is described once per text and catalog', () => {
  const described = (sql: string, operation: OperationDescription, keys?: readonly Record<string, unknown>[]) => {
    const calls = { describe: 0, withKeys: 0 }
    const input: PlanInput = {
      sql,
      dialect: 'postgres',
      describe: () => {
        calls.describe++
        return { operation, keyed: keys !== undefined }
      },
      withKeys: (learned) => {
        calls.withKeys++
        return { ...learned, readKeys: keys }
      },
    }
    return { input, calls }
  }

  it('the second call with the same text describes nothing and plans the same', () => {
    const sql = 'select "id" from "children" -- described'
    const first = described(sql, { kind: 'read', reads: ['children'] })
    const plan = planStatement(first.input, { catalog: before })
    expect(scopesOf(plan)).toContain(tableScope('children'))
    // (A text always describes one statement: this one says otherwise only to show which description was used.)
    const second = described(sql, { kind: 'read', reads: ['parents'] })
    expect(planStatement(second.input, { catalog: before })).toBe(plan)
    expect([first.calls.describe, second.calls.describe]).toStrictEqual([1, 0])
    // A new catalog learns again.
    expect(scopesOf(planStatement(second.input, { catalog: after }))).toContain(tableScope('parents'))
    expect(second.calls.describe).toBe(1)
  })

  it("a keyed description is learned once and takes each call's keys", () => {
    const sql = 'select * from "parents" where "id" = $1 -- described'
    const one = described(sql, { kind: 'read', reads: ['parents'] }, [{ id: 1 }])
    expect(reads(planStatement(one.input, { catalog: before }), rowScope('parents', [1]))).toBe(true)
    const two = described(sql, { kind: 'read', reads: ['parents'] }, [{ id: 2 }])
    const plan = planStatement(two.input, { catalog: before })
    expect(reads(plan, rowScope('parents', [2])) && !reads(plan, rowScope('parents', [1]))).toBe(true)
    expect([two.calls.describe, two.calls.withKeys]).toStrictEqual([0, 1])
  })

  it('a description that defers to the text plans the text, with its own row keys', () => {
    const sql = 'select * from "parents" where "id" = $1'
    const input = (id: number): PlanInput => ({ sql, params: [id], dialect: 'postgres', describe: () => undefined, withKeys: (operation) => operation })
    expect(reads(planStatement(input(3), { catalog: before }), rowScope('parents', [3]))).toBe(true)
    expect(reads(planStatement(input(4), { catalog: before }), rowScope('parents', [4]))).toBe(true)
  })
})
