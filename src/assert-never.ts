/**
 * @module assert-never
 * The last case of every switch over a union: a new variant breaks the build there, and a value
 * that the types say cannot exist fails loudly at run time. A leaf, so that every layer but model/
 * can take it without importing the engine (it used to live in engine/selector.ts).
 */
export function assertNever(x: never): never {
  throw new Error(`unexpected variant: ${JSON.stringify(x)}`);
}
