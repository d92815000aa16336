/**
 * How the suite presents its cases: names, timeouts, skipped cases, and what it
 * registers with a test runner.
 */
import { describe, expect, it } from 'vitest';

import {
  DEFAULT_CASE_TIMEOUT_MS,
  conformanceCases,
  runConformanceSuite,
  type ConformanceSubject,
  type TestRunner,
} from '../src/index.js';
import { createMapSubject } from './fixtures/map-store.mjs';

const fullSubject = createMapSubject();
const memoryOnlySubject: ConformanceSubject = {
  ...fullSubject,
  name: 'memory only',
  capabilities: { durable: false, sharedInstances: false },
};

describe('conformanceCases', () => {
  it('names every case once', () => {
    const names = conformanceCases(fullSubject).map((testCase) => testCase.name);

    expect(new Set(names).size).toBe(names.length);
  });

  it('skips no case for a store with every capability', () => {
    const skipped = conformanceCases(fullSubject).filter((testCase) => testCase.skipReason);

    expect(skipped).toEqual([]);
  });

  it('gives skip reasons for missing capabilities', () => {
    const reasons = new Map(
      conformanceCases(memoryOnlySubject).map((testCase) => [testCase.name, testCase.skipReason]),
    );

    expect(reasons.get('gives back every acknowledged write after reopening')).toBe(
      'the store is not durable',
    );
    expect(reasons.get('keeps no stale copy after another instance updates')).toBe(
      'the store instances do not share storage',
    );
    expect(reasons.get('stores long tokens whole')).toBe('the targets do not read the stored form');
    expect(reasons.get('keeps one record when fifty saves race for one user')).toBeUndefined();
  });

  it('rejects running a skipped case', async () => {
    const skipped = conformanceCases(memoryOnlySubject).find((testCase) => testCase.skipReason);

    await expect(skipped?.run()).rejects.toThrow(/skipped because the store is not durable/);
  });

  it('adds deliberate waits to the subject timeout', () => {
    const cases = conformanceCases({ ...fullSubject, timeoutMs: 1000 });
    const expiry = cases.find((testCase) => testCase.name.startsWith('finds records whose'));
    const lookup = cases.find((testCase) => testCase.name === 'finds a record by its id');

    expect(lookup?.timeoutMs).toBe(1000);
    expect(expiry?.timeoutMs).toBe(4000);
    expect(conformanceCases(fullSubject)[0]?.timeoutMs).toBe(DEFAULT_CASE_TIMEOUT_MS);
  });
});

describe('runConformanceSuite', () => {
  it('registers groups, cases and skipped cases', () => {
    const { runner, registered } = recordingRunner({ withSkip: true });

    runConformanceSuite(runner, memoryOnlySubject);

    const cases = conformanceCases(memoryOnlySubject);
    expect(registered.describes[0]).toBe('tokenstore conformance: memory only');
    expect(registered.describes).toContain('lookup');
    expect(registered.its).toHaveLength(cases.filter((testCase) => !testCase.skipReason).length);
    expect(registered.skips).toContain(
      'gives back every acknowledged write after reopening (skipped: the store is not durable)',
    );
    expect(registered.its.length + registered.skips.length).toBe(cases.length);
  });

  it('leaves skipped cases out without it.skip', () => {
    const { runner, registered } = recordingRunner({ withSkip: false });

    runConformanceSuite(runner, memoryOnlySubject);

    expect(registered.skips).toEqual([]);
    expect(registered.its).not.toContain('gives back every acknowledged write after reopening');
    expect(registered.its).toContain('finds a record by its id');
  });
});

function recordingRunner(options: { withSkip: boolean }) {
  const registered = { describes: [] as string[], its: [] as string[], skips: [] as string[] };
  const it = Object.assign((name: string) => void registered.its.push(name), {
    skip: options.withSkip ? (name: string) => void registered.skips.push(name) : undefined,
  });
  const runner: TestRunner = {
    describe(name, body) {
      registered.describes.push(name);
      body();
    },
    it,
  };
  return { runner, registered };
}
