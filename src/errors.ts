/**
 * @module errors
 * The one error users see. Exit code 2 means bad input, bad usage or a failure to reach the cluster;
 * 0 and 1 are reserved for verdicts (allowed, denied).
 */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? 2;
  }
}
