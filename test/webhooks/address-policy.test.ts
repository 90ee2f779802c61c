import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { refusedResolvedAddress, refusedWebhookAddress } from '../../src/webhooks/address-policy.js';
import { postWebhook } from '../../src/webhooks/sender.js';

const SECRET = 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdA==';

describe('addresses a webhook is never sent to', () => {
  it('refuses link-local, unspecified, multicast and broadcast addresses in every form a URL may write them', () => {
    const refused = [
      'http://169.254.169.254/latest/meta-data/',
      'http://2852039166/',
      'http://0xa9fea9fe/',
      'http://169.254.43518/',
      'http://[::ffff:169.254.169.254]/',
      'http://[fe80::1]/',
      'http://0.0.0.0:5432/',
      'http://0/',
      'http://[::]/',
      'http://224.0.0.1/',
      'http://255.255.255.255/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://[fd00:ec2::254]/',
    ];
    expect(refused.filter((url) => !refusedWebhookAddress(url))).toEqual([]);
  });

  it('allows names, loopback and private networks, where a self-hosted ticket system may listen', () => {
    const allowed = ['https://help.example.com/hooks', 'http://localhost:3000/x', 'http://127.0.0.1:8080/', 'http://[::1]:8080/', 'http://10.0.0.5/', 'http://192.168.1.20/', 'http://[2001:db8::1]/'];
    expect(allowed.map((url) => [url, refusedWebhookAddress(url)])).toEqual(allowed.map((url) => [url, undefined]));
  });

  it('does not send to a refused address saved before the rule, and says why', async () => {
    const outcome = await postWebhook({ url: 'http://169.254.169.254/latest/meta-data/', secret: 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdA==', messageId: 'msg_1', payload: { type: 'test' } }, 2_000);
    expect(outcome).toMatchObject({ succeeded: false, statusCode: null, error: 'Not sent: the URL points at a link-local address (such as cloud instance metadata)' });
  });

  it('judges the addresses a name resolves to as node:dns writes them', () => {
    const refused = ['169.254.169.254', '::ffff:169.254.169.254', 'fe80::1%eth0', 'FE80::abcd', '0.0.0.0', '::', 'ff02::1', '224.0.0.251'];
    const allowed = ['127.0.0.1', '::1', '10.1.2.3', '192.168.0.9', '2001:db8::1', '::ffff:10.0.0.1', '93.184.215.14'];
    expect(refused.filter((address) => !refusedResolvedAddress(address))).toEqual([]);
    expect(allowed.filter((address) => refusedResolvedAddress(address))).toEqual([]);
  });

  it('does not send to a name that resolves to a refused address, and sends when it does not', async () => {
    const received: string[] = [];
    const receiver = createServer((request, response) => {
      received.push(request.url!);
      response.end('ok');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    const claim = (path: string) => ({ url: `http://localhost:${port}${path}`, secret: SECRET, messageId: 'msg_2', payload: { type: 'test' } });
    try {
      const rebound = await postWebhook(claim('/rebound'), 2_000, async () => ['127.0.0.1', '169.254.169.254']);
      expect(rebound).toMatchObject({
        succeeded: false,
        statusCode: null,
        error: 'Not sent: localhost resolves to 169.254.169.254, a link-local address (such as cloud instance metadata)',
      });
      const plain = await postWebhook(claim('/plain'), 2_000, async () => ['127.0.0.1']);
      expect(plain).toMatchObject({ succeeded: true, statusCode: 200 });
      // With the machine's own resolver, localhost is loopback: allowed.
      const resolved = await postWebhook(claim('/resolved'), 2_000);
      expect(resolved).toMatchObject({ succeeded: true, statusCode: 200 });
      expect(received).toEqual(['/plain', '/resolved']);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
