/**
 * @module test/lab/exec-in-lab
 * The kubelet's part for the test API server: an exec into a helper pod runs its command inside
 * the lab node the pod is on, with what arrives on stdin up to the receiver's sentinel line.
 */
import { receivedScript, type ExecHandler } from '../support/apiserver.js';
import { runInNode, type Lab } from './lab.js';

export function execInLab(lab: Lab, nodeOf: (ns: string, pod: string) => string): ExecHandler {
  return async (req, io) => {
    const { script, sentinel } = await receivedScript(req, io);
    const r = await runInNode(lab, nodeOf(req.namespace, req.pod), req.command, `${script}${sentinel}\n`);
    io.stdout.write(r.stdout);
    io.stderr.write(r.stderr);
    return r.code;
  };
}
