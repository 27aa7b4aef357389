// The commitment a provider's node puts on chain for a claim's content (issue 17 §1): salted, so nobody
// can test a guessed claim against it, and canonical, so the payer's node recomputes it from the
// content and salt the provider disclosed (content-exchange.ts).
import { concatBytes, toHex, utf8 } from '../../core/bytes.ts';
import { canonicalBytes, type CanonicalValue } from '../../core/canonical.ts';
import { sha256 } from '../../core/crypto/index.ts';

/** sha256("carechain/v1/claim-content\n" ‖ salt ‖ canonical content), hex. */
export function claimContentCommitment(salt: string, content: CanonicalValue): string {
  return toHex(
    sha256(concatBytes(utf8('carechain/v1/claim-content\n'), utf8(salt), canonicalBytes(content))),
  );
}
