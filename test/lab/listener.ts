/**
 * @module test/lab/listener
 * A server run inside a lab pod's namespace (`ip netns exec POD node listener.js tcp:80 udp:53`):
 * accepts TCP connections and echoes UDP datagrams on every given port, over IPv4 and IPv6 (one
 * dual-stack socket each), and prints "ready" once all ports are bound so the test knows when to
 * start probing. It is a plain script, not a test: the runner only runs *.test.js files.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

function parse(arg: string): { proto: 'tcp' | 'udp'; port: number } {
  const m = /^(tcp|udp):(\d+)$/.exec(arg);
  if (m === null) throw new Error(`listener: bad argument ${arg} (want tcp:PORT or udp:PORT)`);
  return { proto: m[1] === 'tcp' ? 'tcp' : 'udp', port: Number(m[2]) };
}

async function listen(arg: string): Promise<void> {
  const { proto, port } = parse(arg);
  if (proto === 'tcp') {
    const server = createServer((sock) => {
      sock.on('error', () => undefined);
      sock.end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '::', port, ipv6Only: false }, () => resolve());
    });
    return;
  }
  const sock = createSocket({ type: 'udp6', ipv6Only: false });
  sock.on('message', (msg, rinfo) => sock.send(msg, rinfo.port, rinfo.address));
  sock.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, '::', () => resolve());
  });
}

await Promise.all(process.argv.slice(2).map(listen));
process.stdout.write('ready\n');
