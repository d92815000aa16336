/**
 * The whole suite under vitest, against a correct store that declares every
 * capability, so that the durable, shared-instance and stored-form cases run too.
 */
import { describe, it } from 'vitest';

import { runConformanceSuite } from '../src/index.js';
import { createMapSubject } from './fixtures/map-store.mjs';

runConformanceSuite({ describe, it }, createMapSubject());
