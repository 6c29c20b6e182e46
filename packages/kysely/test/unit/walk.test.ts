import { describe, expect, it } from 'vitest'
import { readTree } from '../../src/walk'
import { compilerOnly, KYSELY_VERSIONS } from './versions'

const names = (refs: readonly { schema: string | undefined; name: string }[]) =>
  [...new Set(refs.map((ref) => (ref.schema ? `${ref.schema}.${ref.name}` : ref.name)))].sort()

describe.each(KYSELY_VERSIONS)('the operation-node tree (Kysely $version)', ({ kysely }) => {
  const db = compilerOnly(kysely, 'postgres')
  const { sql } = kysely as typeof import('kysely')
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const facts = (query: any) => {
    const tree = readTree(query.compile().query)
    return { reads: names(tree.reads), writes: names(tree.writes), verbs: [...tree.verbs].sort(), tree }
  }

  it('FROM with an alias, and JOINs of every kind', () => {
    const query = db.selectFrom('person as p').innerJoin('pet', 'pet.owner_id', 'p.id').leftJoin('toy as t', 't.pet_id', 'pet.id').select(['p.id', 't.name'])
    expect(facts(query)).toMatchObject({ reads: ['person', 'pet', 'toy'], writes: [], verbs: [] })
  })

  it('a lateral join and a comma list', () => {
    const query = db
      .selectFrom(['person', 'company'])
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      .innerJoinLateral(
        (eb: any) => eb.selectFrom('pet').select('name').whereRef('pet.owner_id', '=', 'person.id').as('pp'),
        (join: any) => join.onTrue(),
      )
      .selectAll()
    expect(facts(query).reads).toStrictEqual(['company', 'person', 'pet'])
  })

  it('subqueries in SELECT, WHERE and HAVING', () => {
    const query = db
      .selectFrom('person')
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      .select((eb: any) => eb.selectFrom('pet').select(eb.fn.countAll().as('n')).whereRef('pet.owner_id', '=', 'person.id').as('pets'))
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      .where('id', 'in', (eb: any) => eb.selectFrom('account').select('person_id'))
      .groupBy('person.id')
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      .having((eb: any) => eb.exists(eb.selectFrom('badge').select('id')))
    expect(facts(query).reads).toStrictEqual(['account', 'badge', 'person', 'pet'])
  })

  it('both sides of UNION, INTERSECT and EXCEPT', () => {
    const query = db
      .selectFrom('a')
      .select('x')
      .union(db.selectFrom('b').select('x'))
      .intersect(db.selectFrom('c').select('x'))
      .except(db.selectFrom('d').select('x'))
    expect(facts(query).reads).toStrictEqual(['a', 'b', 'c', 'd'])
  })

  it('CTE bodies are read, CTE names are not relations, and a CTE may shadow a table it reads', () => {
    const query = db
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      .with('person', (qb: any) => qb.selectFrom('person').selectAll())
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      .with('adults', (qb: any) => qb.selectFrom('person').innerJoin('age', 'age.id', 'person.id').selectAll('person'))
      .selectFrom('adults')
      .innerJoin('person', 'person.id', 'adults.id')
      .selectAll()
    expect(facts(query).reads).toStrictEqual(['age', 'person'])
  })

  it('a recursive CTE that refers to itself', () => {
    const query = db
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      .withRecursive('tree(id)', (qb: any) =>
        qb
          .selectFrom('node')
          .select('id')
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          .unionAll((eb: any) => eb.selectFrom('tree').innerJoin('edge', 'edge.parent', 'tree.id').select('edge.child as id')),
      )
      .selectFrom('tree')
      .selectAll()
    expect(facts(query).reads).toStrictEqual(['edge', 'node'])
  })

  it('a data-modifying CTE under a SELECT root is a write', () => {
    const query = db
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      .with('moved', (qb: any) => qb.updateTable('account').set({ balance: 0 }).returning('id'))
      .selectFrom('moved')
      .selectAll()
    expect(facts(query)).toMatchObject({ reads: [], writes: ['account'], verbs: ['update'] })
  })

  it('INSERT ... SELECT, UPDATE ... FROM, DELETE ... USING', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const insert = db
      .insertInto('archive')
      .columns(['id'])
      .expression((eb: any) => eb.selectFrom('person').select('id'))
    expect(facts(insert)).toMatchObject({ reads: ['person'], writes: ['archive'], verbs: ['insert'] })
    const update = db.updateTable('person as p').from('pet').set({ name: 'x' }).whereRef('pet.owner_id', '=', 'p.id')
    expect(facts(update)).toMatchObject({ reads: ['pet'], writes: ['person'], verbs: ['update'] })
    const remove = db.deleteFrom('person').using('pet').whereRef('pet.owner_id', '=', 'person.id')
    expect(facts(remove)).toMatchObject({ reads: ['pet'], writes: ['person'], verbs: ['delete'] })
  })

  it('MERGE writes its target and reads its source', () => {
    const merge = db.mergeInto('person as t').using('staging as s', 's.id', 't.id').whenMatched().thenDelete()
    expect(facts(merge)).toMatchObject({ reads: ['staging'], writes: ['person'], verbs: ['merge'] })
  })

  it('schema-qualified names and withSchema', () => {
    expect(facts(db.selectFrom('audit.entry').selectAll()).reads).toStrictEqual(['audit.entry'])
    const scoped = db.withSchema('tenant_1').selectFrom('person').innerJoin('pet', 'pet.owner_id', 'person.id').selectAll()
    expect(facts(scoped).reads).toStrictEqual(['tenant_1.person', 'tenant_1.pet'])
    expect(facts(db.withSchema('tenant_1').deleteFrom('person')).writes).toStrictEqual(['tenant_1.person'])
  })

  it('column qualifiers and values are not relations, even a value shaped like a node', () => {
    const hostile = { kind: 'TableNode', table: { kind: 'SchemableIdentifierNode', identifier: { kind: 'IdentifierNode', name: 'secret' } } }
    const query = db.selectFrom('person as p').select('p.id').where('p.data', '=', hostile).where('p.id', 'in', [1, 2])
    expect(facts(query).reads).toStrictEqual(['person'])
  })

  it('raw fragments are collected with their interpolated nodes walked', () => {
    const query = db
      .selectFrom('person')
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      .select((eb: any) => sql`(select count(*) from ${eb.selectFrom('pet').select('id').as('x')} where ${sql.ref('person.id')} > 0)`.as('n'))
    const { tree, reads } = facts(query)
    expect(reads).toStrictEqual(['person', 'pet'])
    // `sql.ref` is a raw node of its own around a reference: `?`.
    expect(tree.raw.map((fragment) => fragment.text)).toStrictEqual(['(select count(*) from ? where ? > 0)', '?'])
  })

  it('locking reads and EXPLAIN are marked uncacheable; volatile function nodes (the core list) are marked volatile', () => {
    expect(facts(db.selectFrom('person').selectAll().forUpdate()).tree.uncacheable).toStrictEqual(['locking read'])
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const sequence = db.selectFrom('person').select((eb: any) => eb.fn('nextval', [sql.lit('seq')]).as('n'))
    expect(facts(sequence).tree).toMatchObject({ uncacheable: [], volatile: true })
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(facts(db.selectFrom('person').select((eb: any) => eb.fn('upper', ['name']).as('n'))).tree.volatile).toBe(false)
  })

  it('raw fragments carry the CTE names visible where they sit', () => {
    const query = db
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      .with('recent', (qb: any) => qb.selectFrom('pet').selectAll())
      .selectFrom('person')
      .where(sql<boolean>`exists (select 1 from recent)`)
      .selectAll()
    expect([...(facts(query).tree.raw[0]?.ctes ?? [])]).toStrictEqual(['recent'])
  })

  it('DDL is a schema change', () => {
    const create = db.schema.createTable('t').addColumn('id', 'integer', (column: { primaryKey(): unknown }) => column.primaryKey())
    expect(facts(create).tree.ddl).toBe(true)
    expect(facts(db.schema.dropTable('t')).tree.ddl).toBe(true)
  })

  it('a node kind it has never seen is reported, never skipped silently', () => {
    const compiled = db.selectFrom('person').selectAll().compile()
    const future = {
      ...compiled.query,
      where: {
        kind: 'WhereNode',
        where: {
          kind: 'QuantumNode',
          inner: { kind: 'TableNode', table: { kind: 'SchemableIdentifierNode', identifier: { kind: 'IdentifierNode', name: 'pet' } } },
        },
      },
    }
    const tree = readTree(future)
    expect(tree.unknownKinds).toStrictEqual(['QuantumNode'])
    expect(names(tree.reads)).toStrictEqual(['person', 'pet'])
  })
})
