/**
 * @module test/lab/listener
 * A server run inside a lab namespace (`ip netns exec NS node listener.js tcp:80 udp:53`): accepts
 * TCP connections (one dual-stack socket per port) and echoes UDP datagrams (one socket per local
 * address and port), over IPv4 and IPv6, and prints "ready" once every port is bound so the test
 * knows when to start probing. A plain script, not a test: the runner only runs *.test.js files.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';

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
  // One socket per local address, not one on the wildcard: a wildcard socket answers from the
  // address routing picks (a node answering a pod from its bridge address when the pod asked its
  // link address), and the prober's connected socket would drop that reply.
  const addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.address.startsWith('fe80:'));
  await Promise.all(
    addresses.map(async (a) => {
      const sock = createSocket(a.family === 'IPv6' ? 'udp6' : 'udp4');
      sock.on('message', (msg, rinfo) => sock.send(msg, rinfo.port, rinfo.address));
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind(port, a.address, () => resolve());
      });
      sock.on('error', () => undefined);
    }),
  );
}

await Promise.all(process.argv.slice(2).map(listen));
process.stdout.write('ready\n');
