import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeDatagram, encodeDatagram } from './datagram-frame.js';

test('a datagram carries its peer in a 6-byte prefix, port big-endian', () => {
  const frame = encodeDatagram({ address: '::ffff:10.1.2.3', port: 0x1234 }, Buffer.from('hi'));
  assert.deepEqual([...frame.subarray(0, 6)], [10, 1, 2, 3, 0x12, 0x34]);
  assert.deepEqual(decodeDatagram(frame), {
    peer: { address: '10.1.2.3', port: 0x1234 },
    payload: Buffer.from('hi'),
  });
  assert.equal(decodeDatagram(Buffer.alloc(5)), null);
  assert.throws(() => encodeDatagram({ address: '::1', port: 1 }, Buffer.alloc(0)), /IPv4 peers only/);
});
