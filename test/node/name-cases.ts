/**
 * Names the node scripts must call ours, and names an admin or another tool may well use, some of
 * them one character off ours: shared by the TypeScript and the sh readings of "ours".
 */
import { passChainName, podChainName, policyChainName, setName } from '../../src/node/index.js';

export const NAME_CASES: readonly { readonly name: string; readonly chain: boolean; readonly set: boolean }[] = [
  { name: 'KNP-FORWARD', chain: true, set: false },
  { name: 'KNP-INPUT', chain: true, set: false },
  { name: podChainName('ns', 'p', 'egress'), chain: true, set: false },
  { name: podChainName('ns', 'p', 'ingress'), chain: true, set: false },
  { name: policyChainName('ns', 'p', 'egress'), chain: true, set: false },
  { name: policyChainName('ns', 'p', 'ingress'), chain: true, set: false },
  { name: setName(4, 'P', 'a'), chain: false, set: true },
  { name: setName(6, 'N', 'b'), chain: false, set: true },
  { name: setName(4, 'T', 'c'), chain: false, set: true },
  { name: passChainName('ns', 'p', 'egress'), chain: true, set: false },
  { name: passChainName('ns', 'p', 'ingress'), chain: true, set: false },
  { name: setName(6, 'H', 'd'), chain: false, set: true },
  { name: 'KNP-PASS-X-0123456789ab', chain: false, set: false },
  { name: 'KNP-PAS-E-0123456789ab', chain: false, set: false },
  { name: 'KNP-PASS-E-0123456789a', chain: false, set: false },
  { name: 'KNP-ADMIN', chain: false, set: false },
  { name: 'KNP-blocklist', chain: false, set: false },
  { name: 'KNP-FORWARD2', chain: false, set: false },
  { name: 'KNP-INPUTS', chain: false, set: false },
  { name: 'KNP-POD-E-0123456789ab0', chain: false, set: false },
  { name: 'KNP-POD-E-0123456789a', chain: false, set: false },
  { name: 'KNP-POD-X-0123456789ab', chain: false, set: false },
  { name: 'KNP-POL-I-0123456789AB', chain: false, set: false },
  { name: 'KNP-POX-I-0123456789ab', chain: false, set: false },
  { name: 'KNP-4P-0123456789abcde', chain: false, set: false },
  { name: 'KNP-4X-0123456789abcdef', chain: false, set: false },
  { name: 'KNP-5P-0123456789abcdef', chain: false, set: false },
  { name: 'knp-4P-0123456789abcdef', chain: false, set: false },
  { name: 'XKNP-FORWARD', chain: false, set: false },
  { name: 'KNP-', chain: false, set: false },
];

