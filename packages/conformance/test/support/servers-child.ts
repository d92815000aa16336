/**
 * Runs `provideServer` in a child Node.js process with an environment of the test's
 * choosing (another Docker socket, no runtime, offline), since testcontainers keeps
 * the runtime it found for the rest of a process. The child imports the built entry
 * point (dist/servers), which the package's global setup builds.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const serversModule = new URL('../../dist/servers/index.js', import.meta.url).href;

/** What the child reports: the result of `provideServer`, or the message it threw. */
export interface ChildOutcome {
  available?: boolean;
  reason?: string;
  url?: string;
  error?: string;
}

const childScript = `
const { provideServer } = await import(process.env.TOKENSTORE_TEST_SERVERS_MODULE);
try {
  const provided = await provideServer(process.env.TOKENSTORE_TEST_KIND);
  const outcome = provided.available
    ? { available: true, url: provided.server.url }
    : { available: false, reason: provided.reason };
  console.log(JSON.stringify(outcome));
  if (provided.available && process.env.TOKENSTORE_TEST_HOLD === '1') {
    // Keep the server until the parent kills this process.
    setInterval(() => undefined, 60_000);
  } else if (provided.available) {
    await provided.server.close();
  }
} catch (error) {
  console.log(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
}
`;

/** Options of `provideServerInChild`. */
export interface ChildOptions {
  /** The whole environment of the child (nothing is inherited). */
  environment: NodeJS.ProcessEnv;
  /** A command that runs the child, such as `unshare`, before `node`. */
  prefix?: string[];
  /** Keep the server and the process running after the report; the caller kills it. */
  hold?: boolean;
}

/** A child process that reported its outcome. */
export interface ChildRun {
  outcome: ChildOutcome;
  /** Ends the child with SIGKILL and resolves once it has exited. */
  kill(): Promise<void>;
}

/** Starts a child that calls `provideServer(kind)`, and resolves with its first report. */
export function provideServerInChild(kind: string, options: ChildOptions): Promise<ChildRun> {
  const command = [
    ...(options.prefix ?? []),
    process.execPath,
    '--input-type=module',
    '-e',
    childScript,
  ];
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: {
      ...options.environment,
      TOKENSTORE_TEST_SERVERS_MODULE: serversModule,
      TOKENSTORE_TEST_KIND: kind,
      TOKENSTORE_TEST_HOLD: options.hold === true ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };

  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const completeLines = stdout.split('\n').slice(0, -1);
      const report = completeLines.find((line) => line.startsWith('{'));
      if (report !== undefined) {
        resolve({ outcome: JSON.parse(report) as ChildOutcome, kill });
      }
    });
    child.once('exit', (code, signal) => {
      reject(
        new Error(`the child exited (${code ?? signal}) without a report:\n${stdout}${stderr}`),
      );
    });
    child.once('error', reject);
  });
}
