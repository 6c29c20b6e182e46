import { nestedWrites } from '../shared/nested'
import { writeOperations } from '../shared/writes'
import { d1Harness } from './harness'

writeOperations(d1Harness)
nestedWrites(d1Harness)
