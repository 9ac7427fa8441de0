/**
 * @module sources/cluster-request
 * How each API request is sent: the --request-timeout (kubectl's per-request limit, read by the CLI
 * in cli/global-args) enforced with an AbortSignal on every HTTP request, and list calls followed
 * through every `continue` page so large clusters are read in bounded chunks.
 */
import { IsomorphicFetchHttpLibrary, type HttpLibrary, type RequestContext } from '@kubernetes/client-node';
import { CliError } from '../errors.js';

/** Items per list page; the server may return fewer (it caps pages itself). */
export const PAGE_SIZE = 500;

/**
 * client-node's fetch-based HTTP library with a fresh deadline per request. Each page of a list is
 * one request, as with kubectl, so a slow but progressing paged list is not cut off.
 */
export class DeadlineHttpLibrary implements HttpLibrary {
  private readonly inner = new IsomorphicFetchHttpLibrary();
  constructor(private readonly timeoutMs: number) {}

  send(request: RequestContext): ReturnType<HttpLibrary['send']> {
    if (this.timeoutMs > 0) request.setSignal(AbortSignal.timeout(this.timeoutMs));
    return this.inner.send(request);
  }
}

interface ListPage<T> {
  readonly items: readonly T[];
  readonly continueToken: string | undefined;
}

/** Every item of a list, following `continue` tokens until the server sends none. */
export async function listAll<T>(fetchPage: (cont: string | undefined) => Promise<ListPage<T>>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let cont: string | undefined;
  for (;;) {
    const page = await fetchPage(cont);
    for (const item of page.items) out.push(item);
    cont = page.continueToken;
    if (cont === undefined) return out;
    // A server that hands back a token it already gave would make this loop forever.
    if (seen.has(cont)) throw new CliError('the server returned the same list continue token twice');
    seen.add(cont);
  }
}
