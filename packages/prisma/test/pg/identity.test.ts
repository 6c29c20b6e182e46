import { PrismaPg } from '@prisma/adapter-pg'
import { Prisma, PrismaClient } from '../.generated/pg/client/client.ts'
import { models } from '../.generated/pg/kvcache/models.js'
import { postgresIdentity } from '../shared/postgres-identity'

postgresIdentity({ PrismaClient: PrismaClient as never, Prisma, models, PrismaPg: PrismaPg as never })
