import { describe, expect, it } from 'vitest';
import { GUEST, LinkError, guestJoinUrl, joinUrl, signJoinToken, verifyJoinToken, base64urlDecode, base64urlEncode } from '../../src/video/links.js';
import { manageUrl, signManageToken, verifyManageToken } from '../../src/public/manage-links.js';

const secret = 'link-secret-for-tests-0123456789abcdef';
const claims = { teamId: 'T0LINKS', bookingId: '6f1c1f9e-2b7a-4a55-9d9e-0c7b1d2a3e4f', participant: 'U0ANA' };

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LinkError);
    expect((error as LinkError).message.length).toBeGreaterThan(20);
    return (error as LinkError).code;
  }
  throw new Error('expected the link to be refused');
}

describe('join links', () => {
  it('round-trips the team, booking, participant and expiry', async () => {
    const expiresAt = new Date('2030-01-01T00:00:00Z');
    const token = await signJoinToken(secret, claims, expiresAt);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(await verifyJoinToken(secret, token, new Date('2029-01-01T00:00:00Z'))).toEqual({ ...claims, expiresAt });
  });

  it('builds PUBLIC_URL/m/<booking>?k=<token>, and guest links name the guest participant', async () => {
    const url = new URL(await joinUrl({ publicUrl: 'https://meet.example.com/', linkSecret: secret }, claims));
    expect(url.origin + url.pathname).toBe(`https://meet.example.com/m/${claims.bookingId}`);
    expect(await verifyJoinToken(secret, url.searchParams.get('k')!)).toMatchObject(claims);

    const guest = new URL(await guestJoinUrl({ publicUrl: 'https://meet.example.com', linkSecret: secret }, claims));
    expect(guest.pathname).toBe(`/m/${claims.bookingId}`);
    expect(await verifyJoinToken(secret, guest.searchParams.get('k')!)).toMatchObject({ ...claims, participant: GUEST });
  });

  it('by default stays valid for months, so a meeting moved later keeps its links', async () => {
    const { expiresAt } = await verifyJoinToken(secret, await signJoinToken(secret, claims));
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(300 * 86_400_000);
  });

  it('refuses a token signed with another secret as forged', async () => {
    const token = await signJoinToken('another-secret-entirely-0123456789', claims);
    expect(await refusal(verifyJoinToken(secret, token))).toBe('forged');
  });

  it('refuses an altered payload (another participant, another booking) as forged', async () => {
    const token = await signJoinToken(secret, claims);
    const [payload, signature] = token.split('.') as [string, string];
    const body = JSON.parse(new TextDecoder().decode(base64urlDecode(payload)));
    for (const change of [{ p: 'U0BEN' }, { b: '00000000-0000-4000-8000-000000000000' }, { t: 'T0OTHER' }, { exp: body.exp + 86400 }]) {
      const altered = base64urlEncode(new TextEncoder().encode(JSON.stringify({ ...body, ...change })));
      expect(await refusal(verifyJoinToken(secret, `${altered}.${signature}`))).toBe('forged');
    }
  });

  it('refuses an altered signature, character by character', async () => {
    const token = await signJoinToken(secret, claims);
    const last = token.at(-1)!;
    // Every other last character: the canonical-encoding check stops the unused low bits from being a loophole.
    for (const c of 'AQgwxyz_-'.split('').filter((c) => c !== last)) {
      const code = await refusal(verifyJoinToken(secret, token.slice(0, -1) + c));
      expect(['forged', 'malformed']).toContain(code);
    }
    const flipped = token.slice(0, -5) + (token.at(-5) === 'a' ? 'b' : 'a') + token.slice(-4);
    expect(await refusal(verifyJoinToken(secret, flipped))).toBe('forged');
  });

  it('refuses an expired token', async () => {
    const token = await signJoinToken(secret, claims, new Date('2027-03-01T10:00:00Z'));
    expect(await refusal(verifyJoinToken(secret, token, new Date('2027-03-01T10:00:01Z')))).toBe('expired');
  });

  it('refuses malformed tokens', async () => {
    const token = await signJoinToken(secret, claims);
    for (const bad of ['', 'abc', token.split('.')[0]!, `${token}.extra`, `${token.split('.')[0]}.`, '!!!.???', `e30.${token.split('.')[1]}`]) {
      const code = await refusal(verifyJoinToken(secret, bad));
      expect(['malformed', 'forged']).toContain(code);
    }
    expect(await refusal(verifyJoinToken(secret, ''))).toBe('malformed');
    expect(await refusal(verifyJoinToken(secret, 'abc'))).toBe('malformed');
  });

  it('refuses a well-signed payload that lacks its fields as malformed', async () => {
    const payload = base64urlEncode(new TextEncoder().encode(JSON.stringify({ v: 1, t: 'T', b: '', p: 'U', exp: 9999999999 })));
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const sig = base64urlEncode(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(payload))));
    expect(await refusal(verifyJoinToken(secret, `${payload}.${sig}`))).toBe('malformed');
  });

  it('will not sign without a secret or claims', async () => {
    await expect(signJoinToken('', claims)).rejects.toThrow(/LINK_SECRET/);
    await expect(signJoinToken(secret, { ...claims, participant: '' })).rejects.toThrow(/participant/);
  });
});

describe('manage links', () => {
  const manageClaims = { teamId: 'T0ANA', meetingId: '11111111-1111-4111-8111-111111111111', guestId: '22222222-2222-4222-8222-222222222222' };

  it('round-trips the claims and refuses an altered or foreign token', async () => {
    const token = await signManageToken(secret, manageClaims);
    expect(await verifyManageToken(secret, token)).toEqual(manageClaims);
    const url = await manageUrl({ publicUrl: 'https://meet.example.com/', linkSecret: secret }, manageClaims);
    expect(url).toBe(`https://meet.example.com/book/manage/${token}`);
    const [payload, signature] = token.split('.') as [string, string];
    const forgedPayload = Buffer.from(JSON.stringify({ t: 'T0EVE', m: manageClaims.meetingId, g: manageClaims.guestId })).toString('base64url');
    await expect(verifyManageToken(secret, `${forgedPayload}.${signature}`)).rejects.toMatchObject({ code: 'forged' });
    await expect(verifyManageToken('another-secret-0123456789abcdef0123', token)).rejects.toMatchObject({ code: 'forged' });
    await expect(verifyManageToken(secret, payload)).rejects.toMatchObject({ code: 'malformed' });
    await expect(verifyManageToken(secret, `${token}.x`)).rejects.toMatchObject({ code: 'malformed' });
    // A join token, signed with the same secret, is not a manage token.
    const join = await signJoinToken(secret, { teamId: 'T0ANA', bookingId: manageClaims.meetingId, participant: 'guest' });
    await expect(verifyManageToken(secret, join)).rejects.toMatchObject({ code: 'forged' });
  });
});
