/**
 * @module test/lab/lab
 * The netns lab seen from tests: a typed spec, `upLab`/`downLab` around scripts/lab.sh (the same
 * script people run by hand), the addresses lab.sh gives each member, and running a command inside
 * a member's namespace. Namespaces are named `knpl<pid>t<n>-<member>`, so that test files running
 * side by side cannot collide and a crashed run's leftovers are swept at the next `up`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HOST_LINK_ADDRESSES } from '../support/certs.js';

export interface LabNode {
  readonly name: string;
  /** Pod subnet 10.244.N.0/24 and fd00:244:N::/64; node link address 192.168.56.(10+N). */
  readonly index: number;
}

export interface LabPod {
  readonly name: string;
  readonly node: string;
  /** Host part of 10.244.N.H (and fd00:244:N::H when dual). */
  readonly host: number;
  readonly dual?: boolean;
}

/** A host on the node link outside every pod range (192.168.56.H), routed to pods via their node. */
export interface LabExternal {
  readonly name: string;
  readonly host: number;
}

export interface LabSpec {
  readonly nodes: readonly LabNode[];
  readonly pods: readonly LabPod[];
  readonly externals?: readonly LabExternal[];
}

export interface Lab {
  readonly prefix: string;
  readonly spec: LabSpec;
  /** Processes started inside the lab (listeners, probers): killed by downLab. */
  readonly children: Set<ChildProcess>;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const LAB_SCRIPT = fileURLToPath(new URL('../../../scripts/lab.sh', import.meta.url));

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The reason lab tests skip when not root; as root they always run. */
export const SKIP_UNLESS_ROOT: string | false = isRoot() ? false : 'needs root for ip netns';

let labCounter = 0;

export function specText(spec: LabSpec): string {
  return [
    ...spec.nodes.map((n) => `node=${n.name}:${n.index}`),
    ...spec.pods.map((p) => `pod=${p.name}:${p.node}:${p.host}${p.dual === true ? ':dual' : ''}`),
    ...(spec.externals ?? []).map((x) => `ext=${x.name}:${x.host}`),
  ].join(' ');
}

/** Runs argv with stdin fed from a string; never rejects on a non-zero exit. */
export function run(argv: readonly string[], stdin = '', env?: NodeJS.ProcessEnv): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error('run: empty argv');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    // A command that does not read its stdin closes the pipe early: that is not our failure.
    child.stdin.on('error', () => undefined);
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? (signal === null ? 1 : 128),
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
    child.stdin.end(stdin);
  });
}

async function runChecked(argv: readonly string[]): Promise<string> {
  const r = await run(argv);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

export async function upLab(spec: LabSpec): Promise<Lab> {
  labCounter += 1;
  const prefix = `knpl${process.pid}t${labCounter}`;
  await runChecked(['sh', LAB_SCRIPT, 'up', prefix, specText(spec)]);
  return { prefix, spec, children: new Set() };
}

/** Kills what the lab started, then removes its namespaces; safe to call twice. */
export async function downLab(lab: Lab): Promise<void> {
  for (const child of lab.children) child.kill('SIGKILL');
  lab.children.clear();
  await runChecked(['sh', LAB_SCRIPT, 'down', lab.prefix]);
}

export function netnsOf(lab: Lab, member: string): string {
  const known =
    lab.spec.nodes.some((n) => n.name === member) ||
    lab.spec.pods.some((p) => p.name === member) ||
    (lab.spec.externals ?? []).some((x) => x.name === member);
  if (!known) throw new Error(`lab ${lab.prefix} has no member ${member}`);
  return `${lab.prefix}-${member}`;
}

function nodeOf(lab: Lab, name: string): LabNode {
  const node = lab.spec.nodes.find((n) => n.name === name);
  if (node === undefined) throw new Error(`lab ${lab.prefix} has no node ${name}`);
  return node;
}

/** A pod's addresses as lab.sh assigns them: IPv4 first, then IPv6 when dual. */
export function podAddresses(lab: Lab, pod: string): string[] {
  const p = lab.spec.pods.find((x) => x.name === pod);
  if (p === undefined) throw new Error(`lab ${lab.prefix} has no pod ${pod}`);
  const n = nodeOf(lab, p.node).index;
  return p.dual === true ? [`10.244.${n}.${p.host}`, `fd00:244:${n}::${p.host}`] : [`10.244.${n}.${p.host}`];
}

/** A node's address on the node link, the source of its traffic to other nodes' pods. */
export function nodeLinkAddresses(lab: Lab, node: string): string[] {
  const n = nodeOf(lab, node).index;
  return [`192.168.56.${10 + n}`, `fd00:56::${10 + n}`];
}

/** A node's address on its own bridge, the source of its traffic to its own pods. */
export function nodeBridgeAddresses(lab: Lab, node: string): string[] {
  const n = nodeOf(lab, node).index;
  return [`10.244.${n}.1`, `fd00:244:${n}::1`];
}

export function externalAddresses(lab: Lab, ext: string): string[] {
  const x = (lab.spec.externals ?? []).find((e) => e.name === ext);
  if (x === undefined) throw new Error(`lab ${lab.prefix} has no external ${ext}`);
  return [`192.168.56.${x.host}`, `fd00:56::${x.host}`];
}

/** Runs argv inside any lab member's namespace (a node, a pod or an external host). */
export function runIn(lab: Lab, member: string, argv: readonly string[], stdin = ''): Promise<RunResult> {
  return run(['ip', 'netns', 'exec', netnsOf(lab, member), ...argv], stdin);
}

/**
 * Runs a command with the given stdin inside a lab node, as the helper pod's exec would on a real
 * node (hostNetwork, privileged): e.g. `runInNode(lab, 'a', ['sh', '-s'], script)`.
 */
export async function runInNode(lab: Lab, nodeName: string, argv: readonly string[], stdin: string): Promise<RunResult> {
  nodeOf(lab, nodeName);
  return await runIn(lab, nodeName, argv, stdin);
}

/**
 * Forgets every neighbour (ARP and NDP) in every namespace of the lab, so that the next probes
 * resolve their next hop afresh, as a new pod's first packets would: a rule set that blocks IPv6
 * neighbour discovery must not be hidden by entries cached while no policy was in force.
 */
export async function flushNeighbours(lab: Lab): Promise<void> {
  const members = [...lab.spec.nodes.map((n) => n.name), ...lab.spec.pods.map((p) => p.name), ...(lab.spec.externals ?? []).map((x) => x.name)];
  await Promise.all(
    members.map(async (m) => {
      const r = await runIn(lab, m, ['ip', 'neigh', 'flush', 'all']);
      if (r.code !== 0) throw new Error(`ip neigh flush in ${m}: ${r.stderr}`);
    }),
  );
}

/** Starts a long-running process inside a member's namespace; downLab kills it. */
export function spawnIn(lab: Lab, member: string, argv: readonly string[]): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', netnsOf(lab, member), ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
  lab.children.add(child);
  child.on('exit', () => lab.children.delete(child));
  return child;
}

/**
 * Gives lab node `node` a link to the test process's own namespace, as a real node reaches its API
 * server: a veth pair, HOST_LINK_ADDRESSES[slot] on this side, the next address on the node's.
 * Only traffic to and from the node itself uses it (INPUT and OUTPUT, never FORWARD). It goes with
 * the node's namespace at downLab. Returns the address to reach this process at.
 */
export async function linkToHost(lab: Lab, node: string, slot: number): Promise<string> {
  const host = HOST_LINK_ADDRESSES[slot];
  if (host === undefined) throw new Error(`lab: no host link address for slot ${slot}`);
  const peer = host.replace(/\.(\d+)$/, (_, last: string) => `.${Number(last) + 1}`);
  const outside = `kh${process.pid % 100000}s${slot}`;
  for (const argv of [
    ['ip', 'link', 'add', outside, 'type', 'veth', 'peer', 'name', 'api0', 'netns', netnsOf(lab, node)],
    ['ip', 'addr', 'add', `${host}/30`, 'dev', outside],
    ['ip', 'link', 'set', outside, 'up'],
    ['ip', '-n', netnsOf(lab, node), 'addr', 'add', `${peer}/30`, 'dev', 'api0'],
    ['ip', '-n', netnsOf(lab, node), 'link', 'set', 'api0', 'up'],
  ]) {
    const r = await run(argv);
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  }
  return host;
}
