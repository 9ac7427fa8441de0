/**
 * @module sources/decode-selector
 * Label maps and metav1.LabelSelector, validated as the API server does: keys are qualified names,
 * values at most 63 characters, In/NotIn need values and Exists/DoesNotExist take none.
 */
import type { LabelSelector, Labels, SelectorOperator, SelectorRequirement } from '../model/index.js';
import { at, type Decoder, type JsonObject } from './decode-fields.js';
import { LABEL_SELECTOR, SELECTOR_REQUIREMENT } from './known-fields.js';
import { checkLabelKey, checkLabelValue } from './validate-names.js';

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function isOperator(s: string): s is SelectorOperator {
  return (OPERATORS as readonly string[]).includes(s);
}

/** Whether every key and value of `obj` is a valid label, so that it can serve as it is. */
function allValidLabels(obj: JsonObject): obj is Labels {
  for (const key in obj) {
    const value = obj[key];
    if (typeof value !== 'string' || checkLabelKey(key) !== undefined || checkLabelValue(value) !== undefined) return false;
  }
  return true;
}

/**
 * A label map; absent or null is empty. Values must be strings (`version: 1.10` is a number). A
 * valid map, nearly every one, is used as it was read (objects read are never changed, and a valid
 * key cannot be `__proto__`), so no copy, and no path text, is made per label.
 */
export function decodeLabels(dec: Decoder, v: unknown, path: string): Labels {
  const obj = dec.object(v, path);
  const out: Record<string, string> = {};
  if (obj === undefined) return out;
  if (allValidLabels(obj)) return obj;
  for (const [key, raw] of Object.entries(obj)) {
    const p = at(path, key);
    dec.check(checkLabelKey(key), p);
    const value = dec.string(raw, p) ?? '';
    dec.check(checkLabelValue(value), p);
    out[key] = value; // safe: a valid key cannot be `__proto__`
  }
  return out;
}

function decodeRequirement(dec: Decoder, v: unknown, path: string): SelectorRequirement {
  const obj = dec.required(dec.object(v, path), path);
  dec.fields(obj, path, SELECTOR_REQUIREMENT);
  const key = dec.required(dec.string(obj['key'], at(path, 'key')), at(path, 'key'));
  dec.check(checkLabelKey(key), at(path, 'key'));
  const opText = dec.required(dec.string(obj['operator'], at(path, 'operator')), at(path, 'operator'));
  if (!isOperator(opText)) {
    dec.fail(at(path, 'operator'), `${JSON.stringify(opText)} is not one of ${OPERATORS.join(', ')}`);
  }
  const rawValues = dec.list(obj['values'], at(path, 'values')) ?? [];
  const values = rawValues.map((x, i) => {
    const s = dec.required(dec.string(x, at(at(path, 'values'), i)), at(at(path, 'values'), i));
    dec.check(checkLabelValue(s), at(at(path, 'values'), i));
    return s;
  });
  switch (opText) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) dec.fail(at(path, 'values'), `must have at least one value when operator is ${opText}`);
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) dec.fail(at(path, 'values'), `must be empty when operator is ${opText}`);
      break;
    default: {
      const never: never = opText;
      return never;
    }
  }
  return { key, operator: opText, values };
}

/** A LabelSelector; absent or null reads as the empty selector, which matches everything. */
export function decodeSelector(dec: Decoder, v: unknown, path: string): LabelSelector {
  const obj = dec.object(v, path);
  if (obj === undefined) return { matchLabels: {}, matchExpressions: [] };
  dec.fields(obj, path, LABEL_SELECTOR);
  const matchLabels = decodeLabels(dec, obj['matchLabels'], at(path, 'matchLabels'));
  const exprs = dec.list(obj['matchExpressions'], at(path, 'matchExpressions')) ?? [];
  const matchExpressions = exprs.map((e, i) => decodeRequirement(dec, e, at(at(path, 'matchExpressions'), i)));
  return { matchLabels, matchExpressions };
}
