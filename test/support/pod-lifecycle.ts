/**
 * @module test/support/pod-lifecycle
 * How pods created through the fake move on. A real pod is Pending until the kubelet pulls the image
 * and starts the containers; code that waits for Running polls GET. The fake counts those GETs:
 * - 'run': Pending for the first `afterPolls` GETs, Running (ready containers, an IP) from the next;
 * - 'image-pull-error': stays Pending with ErrImagePull, then ImagePullBackOff;
 * - 'manual': stays Pending until the test calls setPodPhase.
 */
import type { JsonObject } from './selectors.js';

export type PodStartup =
  | { readonly mode: 'run'; readonly afterPolls: number }
  | { readonly mode: 'image-pull-error' }
  | { readonly mode: 'manual' };

function containersOf(pod: JsonObject): { name: string; image: string }[] {
  const spec = pod['spec'] as JsonObject | undefined;
  const list = Array.isArray(spec?.['containers']) ? (spec['containers'] as JsonObject[]) : [];
  return list.map((c) => ({ name: String(c['name'] ?? ''), image: String(c['image'] ?? '') }));
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function pendingStatus(): JsonObject {
  return { phase: 'Pending', qosClass: 'BestEffort' };
}

/** Status of a pod whose containers all run; hostNetwork pods get the node address. */
export function runningStatus(pod: JsonObject, podIp: string): JsonObject {
  const spec = (pod['spec'] as JsonObject | undefined) ?? {};
  const hostIp = '10.0.0.10';
  const ip = spec['hostNetwork'] === true ? hostIp : podIp;
  const started = now();
  return {
    phase: 'Running',
    hostIP: hostIp,
    hostIPs: [{ ip: hostIp }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: started,
    qosClass: 'BestEffort',
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
      type,
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: started,
    })),
    containerStatuses: containersOf(pod).map((c, i) => ({
      name: c.name,
      image: c.image,
      imageID: `${c.image}@sha256:${'0'.repeat(63)}${i}`,
      containerID: `containerd://${'c'.repeat(63)}${i}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: started } },
    })),
  };
}

export function imagePullStatus(pod: JsonObject, backOff: boolean): JsonObject {
  return {
    phase: 'Pending',
    qosClass: 'BestEffort',
    containerStatuses: containersOf(pod).map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: {
        waiting: backOff
          ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` }
          : {
              reason: 'ErrImagePull',
              message: `failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": not found`,
            },
      },
    })),
  };
}

/** The status after the `polls`-th GET (1-based), or undefined when it does not change. */
export function statusAfterPoll(startup: PodStartup, pod: JsonObject, polls: number, podIp: string): JsonObject | undefined {
  switch (startup.mode) {
    case 'run':
      return polls === startup.afterPolls + 1 ? runningStatus(pod, podIp) : undefined;
    case 'image-pull-error':
      if (polls === 1) return imagePullStatus(pod, false);
      if (polls === 3) return imagePullStatus(pod, true);
      return undefined;
    case 'manual':
      return undefined;
    default: {
      const never: never = startup;
      return never;
    }
  }
}
