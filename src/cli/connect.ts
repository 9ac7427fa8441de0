/**
 * @module cli/connect
 * From kubectl's flags to a cluster connection. Kept apart from cli/source so that completion,
 * which only lists names, loads neither the manifest readers nor the spinner.
 */
import type { ClusterConnection } from '../sources/cluster.js';
import type { GlobalArgs } from './global-args.js';

export async function connect(args: GlobalArgs): Promise<ClusterConnection> {
  const { connectCluster } = await import('../sources/cluster.js');
  return connectCluster({
    ...(args.kubeconfig === undefined ? {} : { kubeconfig: args.kubeconfig }),
    ...(args.context === undefined ? {} : { context: args.context }),
    ...(args.requestTimeout === undefined ? {} : { requestTimeout: args.requestTimeout }),
  });
}
