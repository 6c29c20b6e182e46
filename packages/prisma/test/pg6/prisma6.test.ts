// The whole shared suite again, on Prisma 6.16 (the oldest version the README supports).
import { PrismaPg } from 'prisma-adapter-pg-6'
import { expect, it } from 'vitest'
import { Prisma, PrismaClient } from '../.generated/pg6/client/client.ts'
import { models } from '../.generated/pg6/kvcache/models.js'
import { prismaBehaviour } from '../shared/behaviour'
import { nestedWrites } from '../shared/nested'
import { postgresIdentity } from '../shared/postgres-identity'
import { accelerateSurface } from '../shared/surface'
import { writeOperations } from '../shared/writes'
import { pg6Harness } from './harness'

writeOperations(pg6Harness)
nestedWrites(pg6Harness)
prismaBehaviour(pg6Harness)
accelerateSurface(pg6Harness)
postgresIdentity({ PrismaClient: PrismaClient as never, Prisma, models, PrismaPg: PrismaPg as never })

it('runs on Prisma 6.16', () => {
  expect(Prisma.prismaVersion.client).toBe('6.16.3')
})
