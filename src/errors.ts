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

/**
 * A manifest object that is not valid, with what lint reports of it: the object (`Kind ns/name`,
 * or only the kind before the name is known) and the field path ('' for the whole object).
 */
export class ManifestError extends CliError {
  constructor(
    message: string,
    readonly subject: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ManifestError';
  }
}
