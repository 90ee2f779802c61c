import { describe, expect, it } from 'vitest';
import { refusedWebhookAddress } from '../../src/webhooks/address-policy.js';
import { postWebhook } from '../../src/webhooks/sender.js';

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
});
