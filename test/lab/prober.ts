/**
 * @module test/lab/prober
 * A long-lived prober run inside one lab namespace (`ip netns exec NS node prober.js`): one process
 * per source namespace answers many probes, since starting Node per probe would cost far more than
 * the probes themselves. It reads JSON lines {id, host, port, protocol, timeoutMs} on stdin and
 * writes {id, outcome} lines on stdout (with `local`, the probe is sent from that address of the
 * namespace: a node or an external host holds several), where outcome is
 *   'open'     TCP connected, or a UDP echo came back;
 *   'refused'  ECONNREFUSED: a TCP RST, or an ICMP port unreachable (what REJECT sends), which a
 *              connected UDP socket reports on its next operation;
 *   'timeout'  nothing within timeoutMs (a DROP, or a lost ICMP error);
 *   'error:<code>' anything else (EHOSTUNREACH, ENETUNREACH, ...).
 *
 * UDP probes never reuse a source port. The lab nodes' conntrack keeps a UDP flow for 30 s after its
 * last packet, and `RELATED,ESTABLISHED` passes before any policy chain: a probe that happened to
 * get the kernel's random ephemeral port of an earlier, then admitted, probe to the same destination
 * would ride that old flow through a policy that now denies it, and come back 'open'.
 */
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import { createInterface } from 'node:readline';

interface ProbeRequest {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly timeoutMs: number;
  readonly local?: string;
}

function codeOf(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined;
  return typeof code === 'string' ? code : String(e);
}

function outcomeOf(e: unknown): string {
  const code = codeOf(e);
  return code === 'ECONNREFUSED' ? 'refused' : `error:${code}`;
}

function probeTcp(r: ProbeRequest): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect({ host: r.host, port: r.port, ...(r.local === undefined ? {} : { localAddress: r.local }) });
    const timer = setTimeout(() => done('timeout'), r.timeoutMs);
    function done(outcome: string): void {
      clearTimeout(timer);
      sock.destroy();
      resolve(outcome);
    }
    sock.once('connect', () => done('open'));
    sock.once('error', (e) => done(outcomeOf(e)));
  });
}

const FIRST_SOURCE_PORT = 40_000;
const LAST_SOURCE_PORT = 60_999;
let nextSourcePort = FIRST_SOURCE_PORT;

/** The next unused source port of this process (a lab's prober sends far fewer probes than the range). */
function takeSourcePort(): number {
  const port = nextSourcePort;
  nextSourcePort = port === LAST_SOURCE_PORT ? FIRST_SOURCE_PORT : port + 1;
  return port;
}

function probeUdp(r: ProbeRequest): Promise<string> {
  return new Promise((resolve) => {
    const sock = createSocket(isIPv6(r.host) ? 'udp6' : 'udp4');
    const payload = Buffer.from(`probe-${r.id}`);
    let settled = false;
    let resend: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => done('timeout'), r.timeoutMs);
    function done(outcome: string): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(resend);
      try {
        sock.close();
      } catch {
        // already closed
      }
      resolve(outcome);
    }
    function send(): void {
      if (settled) return;
      try {
        sock.send(payload, (e) => e && done(outcomeOf(e)));
      } catch (e) {
        done(outcomeOf(e));
      }
    }
    sock.on('message', (msg) => msg.equals(payload) && done('open'));
    sock.on('error', (e) => done(outcomeOf(e)));
    sock.bind(takeSourcePort(), r.local, () =>
      sock.connect(r.port, r.host, () => {
        send();
        // A datagram can be lost (ARP/ND not resolved yet): resend until the deadline.
        resend = setInterval(send, 200);
      }),
    );
  });
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const r = JSON.parse(line) as ProbeRequest;
  const p = r.protocol === 'TCP' ? probeTcp(r) : probeUdp(r);
  void p.then((outcome) => process.stdout.write(`${JSON.stringify({ id: r.id, outcome })}\n`));
});
rl.on('close', () => process.exit(0));
