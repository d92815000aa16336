/** The fixture users of the tests, and small helpers shared by the test files. */
export {
  ALICE,
  BOB,
  CAROL,
  EXPIRES_AT,
  fixtureUser,
  longToken,
  rejectionOf,
  withoutId,
  type FixtureUser,
} from '@tokenstore/test-support';
