/**
 * @module engine/selector
 * metav1.LabelSelector matching: matchLabels AND every matchExpressions entry. An empty selector
 * matches everything. Besides the yes/no answer, it can name the first requirement a set of labels
 * fails, so that a denial can say which label did not match.
 */
import type { LabelSelector, Labels, SelectorRequirement } from '../model/index.js';
import { assertNever } from '../assert-never.js';

/** Every requirement of a selector, matchLabels written as `In` of one value. */
export function requirementsOf(sel: LabelSelector): SelectorRequirement[] {
  const fromLabels = Object.entries(sel.matchLabels).map(
    ([key, value]): SelectorRequirement => ({ key, operator: 'In', values: [value] }),
  );
  return [...fromLabels, ...sel.matchExpressions];
}

export function isEmptySelector(sel: LabelSelector): boolean {
  return Object.keys(sel.matchLabels).length === 0 && sel.matchExpressions.length === 0;
}

function requirementHolds(req: SelectorRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.operator) {
    case 'In':
      return has && value !== undefined && req.values.includes(value);
    case 'NotIn':
      // Kubernetes: NotIn is also satisfied when the key is absent.
      return !has || value === undefined || !req.values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return assertNever(req.operator);
  }
}

/**
 * The first requirement `labels` fails, or undefined when the selector matches. matchLabels are
 * checked in place rather than through requirementsOf: this runs for every pod and selector pair,
 * and only a miss needs a requirement object.
 */
export function firstUnmet(sel: LabelSelector, labels: Labels): SelectorRequirement | undefined {
  for (const [key, value] of Object.entries(sel.matchLabels)) {
    if (labels[key] !== value || !Object.hasOwn(labels, key)) return { key, operator: 'In', values: [value] };
  }
  return sel.matchExpressions.find((req) => !requirementHolds(req, labels));
}

export function selectorMatches(sel: LabelSelector, labels: Labels): boolean {
  return firstUnmet(sel, labels) === undefined;
}
