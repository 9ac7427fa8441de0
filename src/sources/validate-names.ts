/**
 * @module sources/validate-names
 * The API server's grammars for names, label keys, label values and port names. Each check returns
 * the reason a text is invalid, or undefined when it is valid, so callers can put the reason after
 * the field path. The rules follow Kubernetes' apimachinery validation (facts only, no code).
 */

const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9](?:-?[a-z0-9])*$/;

const MAX_LABEL = 63;
const MAX_SUBDOMAIN = 253;

function show(text: string): string {
  return JSON.stringify(text);
}

/** Namespaces: an RFC 1123 label. */
export function checkDns1123Label(text: string): string | undefined {
  if (text.length === 0) return 'must not be empty';
  if (text.length > MAX_LABEL) return `${show(text)} must be at most ${MAX_LABEL} characters`;
  if (!DNS1123_LABEL.test(text)) {
    return `${show(text)} must be an RFC 1123 label: lower case letters, digits and '-', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Pods, policies, nodes and workloads: an RFC 1123 subdomain. */
export function checkDns1123Subdomain(text: string): string | undefined {
  if (text.length === 0) return 'must not be empty';
  if (text.length > MAX_SUBDOMAIN) return `${show(text)} must be at most ${MAX_SUBDOMAIN} characters`;
  if (!DNS1123_SUBDOMAIN.test(text)) {
    return `${show(text)} must be an RFC 1123 subdomain: lower case letters, digits, '-' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Label keys and selector keys: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export function checkLabelKey(text: string): string | undefined {
  // indexOf rather than split: this runs for every label of every object read.
  const slash = text.indexOf('/');
  if (slash >= 0 && text.indexOf('/', slash + 1) >= 0) return `key ${show(text)} may contain at most one '/'`;
  const name = slash < 0 ? text : text.slice(slash + 1);
  if (slash >= 0) {
    const prefix = text.slice(0, slash);
    if (prefix.length === 0) return `key ${show(text)} has an empty prefix before '/'`;
    if (prefix.length > MAX_SUBDOMAIN || !DNS1123_SUBDOMAIN.test(prefix)) {
      return `key ${show(text)}: the prefix must be an RFC 1123 subdomain (lower case letters, digits, '-' and '.')`;
    }
  }
  if (name.length === 0) return `key ${show(text)} has an empty name`;
  if (name.length > MAX_LABEL) return `key ${show(text)}: the name part must be at most ${MAX_LABEL} characters`;
  if (!QUALIFIED_NAME.test(name)) {
    return `key ${show(text)}: the name part must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Label values (also selector values): may be empty. */
export function checkLabelValue(text: string): string | undefined {
  if (text.length > MAX_LABEL) return `value ${show(text)} must be at most ${MAX_LABEL} characters`;
  if (text.length > 0 && !QUALIFIED_NAME.test(text)) {
    return `value ${show(text)} must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Named ports (container ports and policy ports): an IANA_SVC_NAME. */
export function checkPortName(text: string): string | undefined {
  if (text.length === 0) return 'must not be empty';
  if (text.length > 15) return `${show(text)} must be at most 15 characters (IANA service name)`;
  if (!IANA_SVC_NAME.test(text)) {
    return `${show(text)} must be an IANA service name: lower case letters, digits and '-', no leading, trailing or double '-'`;
  }
  if (!/[a-z]/.test(text)) return `${show(text)} must contain at least one letter (IANA service name)`;
  return undefined;
}

export function checkPortNumber(n: number): string | undefined {
  return n >= 1 && n <= 65535 ? undefined : `must be between 1 and 65535, got ${n}`;
}
