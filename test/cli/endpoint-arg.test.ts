// SRC and DST as users type them: pods, Services in kubectl's spellings, addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEndpointArg } from '../../src/cli/args.js';

const cases: { text: string; want: string }[] = [
  { text: 'web-0', want: 'pod ?/web-0' },
  { text: 'shop/web-0', want: 'pod shop/web-0' },
  { text: 'pod/web-0', want: 'pod ?/web-0' },
  { text: 'svc/web', want: 'service ?/web' },
  { text: 'service/web', want: 'service ?/web' },
  { text: 'services/web', want: 'service ?/web' },
  { text: 'shop/svc/web', want: 'service shop/web' },
  { text: 'svc/shop/web', want: 'service shop/web' },
  { text: 'svc/svc/web', want: 'service svc/web' },
  { text: '10.0.0.1', want: 'ip 10.0.0.1' },
  { text: 'shop/pod/web', want: 'error' },
  { text: 'shop/web/x', want: 'error' },
  { text: 'svc/', want: 'error' },
  { text: 'shop//web', want: 'error' },
];

for (const c of cases) {
  test(`parseEndpointArg: ${c.text}`, () => {
    let got: string;
    try {
      const e = parseEndpointArg(c.text, 'DST');
      got = e.kind === 'ip' ? `ip ${e.ip.text}` : `${e.kind} ${e.namespace ?? '?'}/${e.name}`;
    } catch (err) {
      assert.match(String(err), /DST ".*": expected NAMESPACE\/POD, POD or pod\/POD \(with -n\), svc\/NAME or NAMESPACE\/svc\/NAME, or an IP address/);
      got = 'error';
    }
    assert.equal(got, c.want);
  });
}
