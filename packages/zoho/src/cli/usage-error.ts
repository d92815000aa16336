/** The error of a command line that cannot be run. */

/** A command line that cannot be run; the command prints the message and the usage line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
