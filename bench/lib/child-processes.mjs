// Child processes of the benchmarks: every one is tracked and killed when this process exits,
// fails or is interrupted, and their CPU time and RSS are read from /proc so a child's figure
// is its own, whatever else runs on the machine.
import { execFileSync, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Scheduling priority of every benchmark process (servers and measured clients alike). On a
 * shared machine this keeps other work from stretching the gaps a server writes or a client
 * reads; it changes no CPU time a process spends. 0 leaves them at normal priority. */
let niceness = -10;
let priorityRefused = false;

export function setBenchNiceness(value) {
  niceness = value;
}

/** Whether raising the priority was refused (no privilege): figures then share the CPU fairly. */
export function priorityWasRefused() {
  return priorityRefused;
}

const live = new Set();

function track(child) {
  if (niceness !== 0 && child.pid !== undefined) {
    try {
      setPriority(child.pid, niceness);
    } catch {
      priorityRefused = true;
    }
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export function killAll() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

let installed = false;
/** Kills every tracked child on exit, on Ctrl-C and on an uncaught error (printed as one line). */
export function installCleanup() {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      killAll();
      process.stderr.write(`\nbench: interrupted (${signal}); child processes stopped\n`);
      process.exit(130);
    });
  }
  const fatal = (error) => {
    killAll();
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}

export function spawnTracked(command, args, options) {
  return track(spawn(command, args, options));
}

export function forkTracked(modulePath, args, options) {
  return track(fork(modulePath, args, options));
}

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of all threads of a live process, in microseconds. */
export function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces; fields after it are space-separated (utime is field 14).
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / clockTicks()) * 1e6;
}

/** Resident set size of a live process, in bytes. */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the exit code, or rejects after `timeoutMs` (the child is then killed). */
export function waitForExit(child, timeoutMs, what) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? 128);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not exit within ${Math.round(timeoutMs / 1000)} s; killed`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 128 : 0));
    });
  });
}

/** Keeps the last `max` characters a stream wrote, for error messages. */
export function tailOf(stream, max = 4000) {
  const box = { text: '' };
  stream?.setEncoding('utf8');
  stream?.on('data', (d) => {
    box.text = (box.text + d).slice(-max);
  });
  return box;
}
