// HMAC-SHA-256 against RFC 4231's published vectors, on both backends: the node's (node:crypto) and the
// browser's (@noble), which must agree byte for byte or a fingerprint made in one would not match the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex, utf8 } from '../bytes.ts';
import { backend as nodeBackend } from './backend-node.ts';
import { backend as nobleBackend } from './backend-noble.ts';
import { hmacSha256 } from './index.ts';

const VECTORS = [
  {
    name: 'RFC 4231 test case 1',
    key: fromHex('0b'.repeat(20)),
    data: utf8('Hi There'),
    mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  },
  {
    name: 'RFC 4231 test case 2',
    key: utf8('Jefe'),
    data: utf8('what do ya want for nothing?'),
    mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
  {
    name: 'RFC 4231 test case 6 (key longer than a block)',
    key: fromHex('aa'.repeat(131)),
    data: utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
];

for (const v of VECTORS) {
  test(`hmacSha256: ${v.name} on both backends`, () => {
    assert.equal(toHex(hmacSha256(v.key, v.data)), v.mac);
    assert.equal(toHex(nodeBackend.hmacSha256(v.key, v.data)), v.mac);
    assert.equal(toHex(nobleBackend.hmacSha256(v.key, v.data)), v.mac);
  });
}
