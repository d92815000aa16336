/** Helpers shared by the tests of the tokenstore packages; not published. */
export {
  ALICE,
  BOB,
  CAROL,
  EXPIRES_AT,
  fixtureUser,
  labelledLongToken,
  longToken,
  rejectionOf,
  withoutId,
  type FixtureUser,
} from './fixtures.js';
export { checkBuild } from './check-build.js';
