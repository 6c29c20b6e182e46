import { PrismaPg } from '@prisma/adapter-pg'
import { Prisma, PrismaClient } from '../.generated/pg/client/client.ts'
import { models } from '../.generated/pg/kvcache/models.js'
import { pgHarnessFor } from './harness-core'

/** Prisma 7 (newest supported) on PostgreSQL. */
export const pgHarness = pgHarnessFor({ PrismaClient: PrismaClient as never, Prisma, models, PrismaPg: PrismaPg as never })
