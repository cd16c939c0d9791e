// The machine a benchmark ran on, for the printed header and docs/benchmarks.md.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

export function describeMachine() {
  let model = 'unknown CPU';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // not Linux: keep the placeholder
  }
  const gib = (totalmem() / 1024 ** 3).toFixed(1);
  return [
    `machine: ${availableParallelism()} CPUs (${model}), ${gib} GiB RAM, Node ${process.version}, ${process.platform}`,
    `load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other processes share these cores; figures are noisier when it is high)`,
  ];
}
