/**
 * CPU time (user + system) of the workerd processes this Node process started: the server side of
 * the HTTP benchmark, apart from the load generator running in this process.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function stat(pid: string): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: split after it.
    const close = text.lastIndexOf(')');
    return [text.slice(text.indexOf('(') + 1, close), ...text.slice(close + 2).split(' ')];
  } catch {
    return null;
  }
}

/** Milliseconds of CPU used so far by workerd children of this process. */
export function serverCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const s = stat(pid);
    // proc(5): field N (1-based, the name is field 2) is s[N - 2]: ppid 4, utime 14, stime 15.
    if (s === null || s[0] !== 'workerd' || Number(s[2]) !== process.pid) continue;
    ticks += Number(s[12]) + Number(s[13]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
