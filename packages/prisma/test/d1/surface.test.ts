import { accelerateSurface } from '../shared/surface'
import { d1Harness } from './harness'

accelerateSurface(d1Harness)
