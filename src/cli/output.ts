/**
 * @module cli/output
 * Where commands print: results to stdout, notices to stderr. Commands get this instead of
 * touching process streams, so the CLI is the only layer that prints.
 */
export interface Output {
  write(text: string): void;
  error(text: string): void;
  /** Terminal width for fitting tables: $COLUMNS, the terminal's, or unlimited when piped. */
  readonly columns: number;
}

export const processOutput: Output = {
  write: (text) => {
    process.stdout.write(text);
  },
  error: (text) => {
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  },
  columns: Number(process.env['COLUMNS']) || (process.stdout.isTTY ? (process.stdout.columns ?? 80) : Number.POSITIVE_INFINITY),
};
