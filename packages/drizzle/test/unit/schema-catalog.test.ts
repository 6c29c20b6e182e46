import { foreignKey, integer as pgInteger, pgSchema, pgTable, primaryKey as pgPrimaryKey, text as pgText } from 'drizzle-orm/pg-core'
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import { schemaCatalog } from '../../src'
import { drizzleMajor } from '../drizzle-version'

const users = sqliteTable('users', { id: integer('id').primaryKey(), name: text('name') })
const posts = sqliteTable('Posts', {
  id: integer('id').primaryKey(),
  authorId: integer('author_id').references(() => users.id, { onDelete: 'cascade', onUpdate: 'set null' }),
})
const members = sqliteTable('members', { orgId: integer('org_id'), userId: integer('user_id') }, (table) => [
  primaryKey({ columns: [table.orgId, table.userId] }),
])
// A schema module exports its relations too: relations() on 0.x (RQB v1), defineRelations() on 1.0 (RQB v2; relations() left the main entry).
const relationsExport =
  drizzleMajor() < 1
    ? { usersRelations: (await import('drizzle-orm')).relations(users, ({ many }) => ({ posts: many(posts) })) }
    : { relations: (await import('drizzle-orm-1')).defineRelations({ users, posts }) }
const sqliteSchema = { users, posts, members, ...relationsExport }

const app = pgSchema('app')
const accounts = app.table('accounts', { id: pgInteger('id').primaryKey() })
const grants = pgTable('grants', { accountId: pgInteger('account_id').notNull(), scope: pgText('scope').notNull() }, (table) => [
  pgPrimaryKey({ columns: [table.accountId, table.scope] }),
  foreignKey({ columns: [table.accountId], foreignColumns: [accounts.id] }).onDelete('set default'),
])

describe('schemaCatalog', () => {
  it('reads a SQLite schema: keys (composite too), foreign keys with actions, nothing else', () => {
    const catalog = schemaCatalog(sqliteSchema)
    expect([...catalog.tables.keys()].sort()).toStrictEqual(['members', 'posts', 'users'])
    expect(catalog.tables.get('members')?.primaryKey).toStrictEqual(['org_id', 'user_id'])
    expect(catalog.tables.get('members')?.keyTypes).toStrictEqual(['integer', 'integer'])
    expect(catalog.tables.get('users')?.keyTypes).toStrictEqual(['integer'])
    expect(catalog.foreignKeys).toStrictEqual([{ table: 'posts', references: 'users', onDelete: 'cascade', onUpdate: 'set null' }])
    expect(catalog.complete).toBe(true)
  })

  it('reads a PostgreSQL schema: schema-qualified names, extra-config keys and foreign keys', () => {
    const catalog = schemaCatalog({ accounts, grants })
    expect(catalog.tables.get('app.accounts')?.primaryKey).toStrictEqual(['id'])
    expect(catalog.tables.get('grants')?.primaryKey).toStrictEqual(['account_id', 'scope'])
    expect(catalog.tables.get('grants')?.keyTypes).toStrictEqual(['integer', 'text'])
    expect(catalog.foreignKeys).toStrictEqual([{ table: 'grants', references: 'app.accounts', onDelete: 'set default', onUpdate: 'no action' }])
  })

  it('is computed once per schema object', () => {
    expect(schemaCatalog(sqliteSchema)).toBe(schemaCatalog(sqliteSchema))
    expect(schemaCatalog({ ...sqliteSchema })).not.toBe(schemaCatalog(sqliteSchema))
  })
})
