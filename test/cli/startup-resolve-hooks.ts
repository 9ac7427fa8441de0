/**
 * @module test/cli/startup-resolve-hooks
 * The resolve hook that startup-hook.ts registers; it runs on Node's hooks thread. It changes
 * nothing about resolution: it passes each request on and writes down the URL that came back.
 */
import { appendFileSync } from 'node:fs';
import type { InitializeHook, ResolveHook } from 'node:module';

let logFile = '';

export const initialize: InitializeHook<{ log: string }> = (data) => {
  logFile = data.log;
};

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const result = await nextResolve(specifier, context);
  if (logFile !== '') appendFileSync(logFile, `${result.url}\n`);
  return result;
};
