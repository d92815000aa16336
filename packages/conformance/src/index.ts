/**
 * The tokenstore conformance kit: the suite every store must pass, registered with any
 * test runner (`runConformanceSuite`) or run without one (`conformanceCases`).
 */
export {
  runConformanceSuite,
  conformanceCases,
  DEFAULT_CASE_TIMEOUT_MS,
  type ConformanceCase,
} from './suite.js';
export { createFixtures, longToken, type Fixtures, type FixtureUser } from './fixtures.js';
export type {
  ConformanceSubject,
  ConformanceTarget,
  StoreCapabilities,
  TestFunction,
  TestRunner,
} from './types.js';
