import type { Generated } from 'kysely'

// The tables as migrations/0001_init.sql creates them.
export interface Database {
  posts: { id: Generated<number>; title: string }
}
