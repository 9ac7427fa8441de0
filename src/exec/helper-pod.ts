/**
 * @module exec/helper-pod
 * The privileged pod through which a node's rules are installed, modelled on what
 * `kubectl debug node/X --profile=sysadmin` creates: pinned to the node with spec.nodeName (no
 * scheduler), hostNetwork (the node's own netfilter), privileged (iptables needs CAP_NET_ADMIN),
 * tolerating every taint, never restarted, and bounded in time so a lost client leaves no pod behind
 * for long. It only sleeps; the script arrives over exec. It mounts the host's xtables lock, as
 * kube-proxy's DaemonSet does, so that our iptables-restore waits for (and is waited for by) the
 * other programs writing the node's rules instead of taking a private lock of its own.
 */
export const HELPER_CONTAINER = 'netpol';
export const MANAGED_BY = 'kubectl-netpol';
/** kube-proxy's base image: ships iptables (legacy and nft), ipset, iptables-wrapper and /bin/sh. */
export const DEFAULT_IMAGE = 'registry.k8s.io/build-image/distroless-iptables:v0.8.6';

export interface HelperPodSpec {
  /** helperPodName's: chosen before the create, so a create whose answer is lost can be undone. */
  readonly name: string;
  readonly node: string;
  readonly namespace: string;
  readonly image: string;
  /** Seconds the pod may live at all (activeDeadlineSeconds). */
  readonly lifetimeSeconds: number;
}

/** A DNS-1123 prefix for the pod name: node names may be long, the pod name must stay <= 63. */
export function helperNamePrefix(node: string): string {
  const cleaned = node.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+/, '').slice(0, 40).replace(/-+$/, '');
  return `netpol-helper-${cleaned || 'node'}-`;
}

/** The alphabet of the API server's generateName suffixes: no vowels (no words) and no 0, 1, 3. */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The helper pod's name, chosen here rather than by generateName, as `kubectl debug node/X` names
 * its pod: when a create times out or fails with a 5xx, the pod may exist all the same, and only
 * a name known in advance lets it be deleted. `random`: 5 bytes, one suffix letter each.
 */
export function helperPodName(node: string, random: Uint8Array): string {
  return helperNamePrefix(node) + [...random.subarray(0, 5)].map((b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length]).join('');
}

export function helperPodManifest(s: HelperPodSpec) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: s.name,
      namespace: s.namespace,
      labels: { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'node-helper' },
    },
    spec: {
      nodeName: s.node,
      hostNetwork: true,
      restartPolicy: 'Never',
      activeDeadlineSeconds: Math.min(s.lifetimeSeconds, MAX_LIFETIME_SECONDS),
      terminationGracePeriodSeconds: 0,
      tolerations: [{ operator: 'Exists' }],
      containers: [
        {
          name: HELPER_CONTAINER,
          image: s.image,
          command: ['sleep', String(Math.min(s.lifetimeSeconds, MAX_LIFETIME_SECONDS))],
          securityContext: { privileged: true },
          volumeMounts: [{ name: 'xtables-lock', mountPath: XTABLES_LOCK }],
        },
      ],
      volumes: [{ name: 'xtables-lock', hostPath: { path: XTABLES_LOCK, type: 'FileOrCreate' } }],
    },
  };
}

export const XTABLES_LOCK = '/run/xtables.lock';
/** However long --timeout is, a helper pod lives at most this long. */
export const MAX_LIFETIME_SECONDS = 2 * 3600;
const LIFETIME_MARGIN_SECONDS = 60;
const MAX_SCRIPT_GRACE_MS = 30_000;

/**
 * After --timeout, a script that is running gets as long again (at most 30 s) to finish: cutting
 * it between its IPv4 and IPv6 commits is what would leave a node half configured.
 */
export function scriptGraceMs(timeoutMs: number): number {
  return Math.min(timeoutMs, MAX_SCRIPT_GRACE_MS);
}

/** Seconds the helper pod must live to wait for its start, run the script and give it its grace. */
export function lifetimeSecondsFor(timeoutMs: number): number {
  return Math.ceil((2 * timeoutMs + scriptGraceMs(timeoutMs)) / 1000) + LIFETIME_MARGIN_SECONDS;
}

/** The longest --timeout whose waits all fit in the helper pod's lifetime (also what 0, no limit, means). */
export const MAX_TIMEOUT_MS = ((MAX_LIFETIME_SECONDS - LIFETIME_MARGIN_SECONDS) * 1000 - MAX_SCRIPT_GRACE_MS) / 2;

/** Container waiting reasons that will not resolve by waiting longer. */
export const FATAL_WAITING_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/** Exit status of the receiver when the stream ended before the sentinel line. */
export const TRUNCATED_EXIT = 97;

/**
 * The exec'd command: read the script from stdin up to a sentinel line, then run it. Stdin EOF
 * cannot be relied on (before the v5 exec protocol, closing stdin closes the whole stream and the
 * exit status is lost), and the helper image has no head: only sh built-ins are used. When the
 * stream ends before the sentinel, the reader appends a failing `exit` for the script's shell
 * (dash has no pipefail to report it otherwise); the script itself only defines functions until
 * its last lines, so a cut-off script runs nothing before that exit.
 */
export function receiveAndRunCommand(sentinel: string): string[] {
  const reader = `while IFS= read -r l; do if [ "$l" = '${sentinel}' ]; then exit 0; fi; printf '%s\\n' "$l"; done; printf '\\necho "kubectl-netpol: the script arrived incomplete" >&2; exit ${TRUNCATED_EXIT}\\n'`;
  return ['sh', '-c', `{ ${reader}; } | sh -s`];
}
