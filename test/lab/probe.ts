/**
 * @module test/lab/probe
 * Real connections in the lab: listeners inside pod namespaces, one long-lived prober per source
 * namespace (listener.js and prober.js, run with this process's node), and many probes in
 * parallel but bounded, returning their outcomes in input order.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { spawnIn, type Lab } from './lab.js';

export type LabProtocol = 'TCP' | 'UDP';

/** See prober.ts: 'open', 'refused' (REJECT or RST), 'timeout', or 'error:<code>'. */
export type Outcome = string;

export interface Probe {
  /** A lab member: pod, node or external. */
  readonly from: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: LabProtocol;
  /** The source address to send from (bound before connecting); left out, the kernel's choice. */
  readonly local?: string;
}

export interface ListenPort {
  readonly protocol: LabProtocol;
  readonly port: number;
}

const LISTENER = fileURLToPath(new URL('./listener.js', import.meta.url));
const PROBER = fileURLToPath(new URL('./prober.js', import.meta.url));

function firstLine(child: ChildProcess, what: string, timeoutMs: number): Promise<string> {
  const stdout = child.stdout;
  if (stdout === null) throw new Error(`${what}: no stdout`);
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: stdout });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => reject(new Error(`${what}: not ready after ${timeoutMs} ms ${stderr}`)), timeoutMs);
    rl.once('line', (line) => {
      clearTimeout(timer);
      rl.close();
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what}: exited ${code}: ${stderr}`));
    });
  });
}

/** Listens on every port (TCP accept, UDP echo) in the pod's namespace, IPv4 and IPv6. */
export async function startListeners(lab: Lab, pod: string, ports: readonly ListenPort[]): Promise<void> {
  const args = ports.map((p) => `${p.protocol.toLowerCase()}:${p.port}`);
  const child = spawnIn(lab, pod, [process.execPath, LISTENER, ...args]);
  const line = await firstLine(child, `listener in ${pod}`, 10_000);
  if (line !== 'ready') throw new Error(`listener in ${pod}: said ${line}`);
}

interface ProberProcess {
  readonly child: ChildProcess;
  readonly pending: Map<number, (outcome: Outcome) => void>;
}

/** The probers of one lab, started on first use per source member. */
export class Probers {
  private readonly procs = new Map<string, ProberProcess>();
  private nextId = 0;

  constructor(
    private readonly lab: Lab,
    private readonly timeoutMs = 1500,
  ) {}

  private proberFor(member: string): ProberProcess {
    let p = this.procs.get(member);
    if (p !== undefined) return p;
    const child = spawnIn(this.lab, member, [process.execPath, PROBER]);
    const pending = new Map<number, (outcome: Outcome) => void>();
    p = { child, pending };
    this.procs.set(member, p);
    const stdout = child.stdout;
    if (stdout === null) throw new Error('prober: no stdout');
    createInterface({ input: stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as { id: number; outcome: string };
      pending.get(msg.id)?.(msg.outcome);
      pending.delete(msg.id);
    });
    child.on('exit', () => {
      for (const resolve of pending.values()) resolve('error:prober-exited');
      pending.clear();
      this.procs.delete(member);
    });
    return p;
  }

  probe(probe: Probe): Promise<Outcome> {
    const p = this.proberFor(probe.from);
    const id = ++this.nextId;
    return new Promise((resolve) => {
      p.pending.set(id, resolve);
      const req = { id, host: probe.host, port: probe.port, protocol: probe.protocol, timeoutMs: this.timeoutMs, ...(probe.local === undefined ? {} : { local: probe.local }) };
      p.child.stdin?.write(`${JSON.stringify(req)}\n`);
    });
  }

  close(): void {
    for (const p of this.procs.values()) p.child.stdin?.end();
    this.procs.clear();
  }
}

/** Runs every probe, at most `concurrency` at a time; outcomes in input order. */
export async function probeAll(probers: Probers, probes: readonly Probe[], concurrency = 48): Promise<Outcome[]> {
  const out: Outcome[] = new Array<Outcome>(probes.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < probes.length) {
      const i = next++;
      const probe = probes[i];
      if (probe !== undefined) out[i] = await probers.probe(probe);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, probes.length) }, worker));
  return out;
}

export function describeProbe(p: Probe): string {
  const host = p.host.includes(':') ? `[${p.host}]` : p.host;
  return `${p.from} -> ${host}:${p.port}/${p.protocol}`;
}
