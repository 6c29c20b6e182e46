import { PrismaPg } from 'prisma-adapter-pg-6'
import { Prisma, PrismaClient } from '../.generated/pg6/client/client.ts'
import { models } from '../.generated/pg6/kvcache/models.js'
import { pgHarnessFor } from '../pg/harness-core'

/** Prisma 6.16 (oldest supported) on PostgreSQL. */
export const pg6Harness = pgHarnessFor({ PrismaClient: PrismaClient as never, Prisma, models, PrismaPg: PrismaPg as never })
