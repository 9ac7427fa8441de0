/**
 * @module cli/data-output
 * -o json|yaml's printer, loaded only when one of them is asked for: render/data brings the `yaml`
 * package, some tens of milliseconds of start-up that table output does without.
 */
import type { DataFormat } from '../render/data.js';
import type { OutputFormat } from './global-args.js';

/** The data format `output` names, if it names one. */
export function dataFormat(output: OutputFormat): DataFormat | undefined {
  return output === 'json' || output === 'yaml' ? output : undefined;
}

/** renderData in `output`'s format, or undefined for the text formats. */
export async function dataPrinter(output: OutputFormat): Promise<((value: unknown) => string) | undefined> {
  const format = dataFormat(output);
  if (format === undefined) return undefined;
  const { renderData } = await import('../render/data.js');
  return (value) => renderData(value, format);
}

/** renderDataList, loaded on first use. */
export async function dataListPrinter(): Promise<typeof import('../render/data.js').renderDataList> {
  return (await import('../render/data.js')).renderDataList;
}
