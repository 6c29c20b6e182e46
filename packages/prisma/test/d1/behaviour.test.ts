import { prismaBehaviour } from '../shared/behaviour'
import { d1Harness } from './harness'

prismaBehaviour(d1Harness)
