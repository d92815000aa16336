/**
 * The identity of a lock's holder, and the check whether that process still runs. On Linux the boot id and the
 * process start time are recorded too, so that a lock left before a reboot, or by a
 * process whose pid was later given to another one, is known to be stale.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';

/** The process that holds a lock. */
export interface ProcessIdentity {
  pid: number;
  hostname: string;
  /** The kernel's boot id (Linux only). */
  bootId?: string;
  /** The process start time in clock ticks since boot, from `/proc/<pid>/stat` (Linux only). */
  processStart?: string;
}

let ownIdentity: Promise<ProcessIdentity> | undefined;

/** Returns the identity of this process. */
export function currentProcessIdentity(): Promise<ProcessIdentity> {
  ownIdentity ??= readOwnIdentity();
  return ownIdentity;
}

/**
 * Tells whether the process is still running: `false` only when that is certain, and
 * `true` when it runs or cannot be checked, such as a process on another host.
 */
export async function isProcessRunning(identity: ProcessIdentity): Promise<boolean> {
  const own = await currentProcessIdentity();
  if (identity.hostname !== own.hostname) {
    return true;
  }
  if (identity.bootId !== undefined && own.bootId !== undefined && identity.bootId !== own.bootId) {
    return false;
  }
  if (!signalReaches(identity.pid)) {
    return false;
  }

  const stat = await readProcessStat(identity.pid);
  if (stat === undefined) {
    return true;
  }
  // A zombie has exited and waits only for its parent to collect its status.
  if (stat.state === 'Z') {
    return false;
  }
  // A different start time means the pid now belongs to another process.
  return identity.processStart === undefined || stat.start === identity.processStart;
}

async function readOwnIdentity(): Promise<ProcessIdentity> {
  const identity: ProcessIdentity = { pid: process.pid, hostname: hostname() };
  const bootId = await readTextOrUndefined('/proc/sys/kernel/random/boot_id');
  const stat = await readProcessStat(process.pid);
  if (bootId !== undefined) identity.bootId = bootId.trim();
  if (stat !== undefined) identity.processStart = stat.start;
  return identity;
}

function signalReaches(pid: number): boolean {
  try {
    // Signal 0 checks that the process exists without sending anything.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

interface ProcessStat {
  /** One letter: `R` running, `S` sleeping, `Z` zombie, ... */
  state: string;
  start: string;
}

async function readProcessStat(pid: number): Promise<ProcessStat | undefined> {
  const stat = await readTextOrUndefined(`/proc/${pid}/stat`);
  if (stat === undefined) {
    return undefined;
  }
  // The command name in parentheses may contain spaces, so fields are counted from
  // the last ')': the state (field 3) comes first, the start time is field 22.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const start = fields[22 - 3];
  if (state === undefined || start === undefined || !/^\d+$/.test(start)) {
    return undefined;
  }
  return { state, start };
}

async function readTextOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
