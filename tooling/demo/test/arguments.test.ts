import { describe, expect, it } from 'vitest';

import { parseArguments } from '../src/arguments.js';

describe('parseArguments', () => {
  it('runs with defaults when given nothing', () => {
    expect(parseArguments([])).toEqual({ action: 'run', options: {} });
  });

  it('reads every option', () => {
    const parsed = parseArguments([
      '--store',
      'file',
      '--dir',
      '/tmp/demo tokens',
      '--access-token-lifetime',
      '3',
    ]);

    expect(parsed).toEqual({
      action: 'run',
      options: { store: 'file', dir: '/tmp/demo tokens', accessTokenLifetimeSeconds: 3 },
    });
  });

  it('skips the -- that pnpm passes on', () => {
    expect(parseArguments(['--', '--store', 'file'])).toEqual({
      action: 'run',
      options: { store: 'file' },
    });
  });

  it('answers help before anything else', () => {
    expect(parseArguments(['--store', 'file', '-h'])).toEqual({ action: 'help' });
    expect(parseArguments(['--', '--help'])).toEqual({ action: 'help' });
  });

  it.each([
    [['--store', 'redis'], /invalid --store "redis": use sqlite or file/],
    [['--access-token-lifetime', '1'], /at least 2/],
    [['--access-token-lifetime', '2.5'], /whole number of seconds/],
    [['--dir', ''], /--dir needs a folder path/],
    [['--verbose'], /--verbose/],
    [['extra'], /extra/],
  ])('rejects %j', (args, message) => {
    const parsed = parseArguments(args);

    expect(parsed).toEqual({ action: 'invalid', message: expect.stringMatching(message) });
  });
});
