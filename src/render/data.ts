/**
 * @module render/data
 * -o json and -o yaml: the same plain records the text renderers read, serialised.
 */
import { stringify } from 'yaml';

export type DataFormat = 'json' | 'yaml';

export function renderData(value: unknown, format: DataFormat): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { lineWidth: 0 });
}
