/**
 * @module cli/interrupt
 * Ctrl-C and SIGTERM for commands that change nodes. The first signal asks the work to stop (start
 * nothing new, let running scripts finish, delete the helper pods); a second one cuts running
 * scripts at once. The command then ends with 130 once its work has settled, so that no helper pod
 * is left behind.
 */
export interface Interrupts {
  /** Aborted by the first SIGINT or SIGTERM. */
  readonly stop: AbortSignal;
  /** Aborted by the second. */
  readonly kill: AbortSignal;
  /** Removes the handlers; signals after this act as Node's defaults. */
  dispose(): void;
}

export const INTERRUPTED_EXIT_CODE = 130;

/**
 * `waiting` words what the first signal waits for ('' when nothing runs), e.g. "waiting for 1
 * running script(s) to finish (Ctrl-C again to stop them), ".
 */
export interface InterruptWords {
  /** What the first signal then does, e.g. "deleting the helper pods...". */
  readonly stopping: string;
  /** What the second does. */
  readonly cutting: string;
}

export const HELPER_POD_WORDS: InterruptWords = {
  stopping: 'deleting the helper pods...',
  cutting: 'deleting the helper pods now; a node whose script was cut may be left half configured: run apply-node on it again',
};

export function watchInterrupts(waiting: () => string, say: (text: string) => void, words: InterruptWords = HELPER_POD_WORDS): Interrupts {
  const stop = new AbortController();
  const kill = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stop.signal.aborted) {
      say(`\n${signal}: ${waiting()}${words.stopping}`);
      stop.abort();
    } else if (!kill.signal.aborted) {
      say(`\n${signal}: ${words.cutting}`);
      kill.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop: stop.signal,
    kill: kill.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
