/**
 * A signed token ("payload.signature", base64url) with its signature's first character changed:
 * a signature that cannot verify. Changing the last characters instead can leave the signature's
 * bytes as they were, since the last base64 character carries padding bits.
 */
export function forgedToken(token: string): string {
  const dot = token.lastIndexOf('.');
  const signature = token.slice(dot + 1);
  return `${token.slice(0, dot + 1)}${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
}
