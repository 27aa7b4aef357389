// Computes the protocol's golden vectors from fixed inputs. The committed file ledger-v1.json holds the
// values; golden.test.ts fails when any encoding, hash or signature changes. Regenerating that file
// (npx tsx test/vectors/golden.ts > test/vectors/ledger-v1.json) is a protocol change: say so in review.
import { executeGenesis } from '../../src/app/executor.ts';
import { nextAppHash } from '../../src/app/state.ts';
import { blockHash, commitHash, txRootOf, type BlockHeader } from '../../src/core/block.ts';
import { fromHex, fromUtf8, toHex } from '../../src/core/bytes.ts';
import { signingBytes } from '../../src/core/crypto/index.ts';
import { genesisHash, type Genesis } from '../../src/core/genesis.ts';
import { encodeTx, signTx, txHash, txSigningMessage } from '../../src/core/tx.ts';
import { commitFromPrecommits, signVote, voteSigningMessage } from '../../src/core/vote.ts';
import { validatorSetHash, makeValidatorSet } from '../../src/core/validators.ts';

export function computeGoldenVectors() {
  const seedA = fromHex('01'.repeat(32));
  const chainId = 'carechain-test';
  const txs = [1, 2, 3].map((nonce) =>
    signTx(seedA, {
      chainId,
      type: 'notary.anchor',
      payload: { kind: 'document', digest: nonce.toString(16).padStart(2, '0').repeat(32) },
      nonce,
    }),
  );
  const tx = txs[0]!;
  const genesis: Genesis = {
    chainId,
    genesisTimeMs: 1_700_000_000_000,
    validators: [{ publicKey: tx.signer, power: 10, name: 'a' }],
    app: {},
  };
  const gHash = genesisHash(genesis);
  const genesisApp = executeGenesis(genesis, gHash);
  const encoded = txs.map(encodeTx);
  const header: BlockHeader = {
    chainId,
    height: 1,
    timeMs: genesis.genesisTimeMs,
    previousHash: gHash,
    lastCommitHash: commitHash(null),
    txRoot: txRootOf(encoded),
    txCount: 3,
    appHash: nextAppHash(genesisApp.appHash, [['nonce/' + tx.signer, '3']]),
    validatorSetHash: validatorSetHash(makeValidatorSet(genesis.validators)),
    proposer: tx.signer,
    logSize: 3,
    logRoot: txRootOf(encoded),
  };
  const hash = blockHash(header);
  const vote = signVote(chainId, seedA, {
    type: 'precommit',
    height: 1,
    round: 0,
    blockHash: hash,
    timeMs: genesis.genesisTimeMs + 1000,
    validator: tx.signer,
  });
  const commit = commitFromPrecommits([vote]);
  return {
    tx: {
      value: tx,
      signingBytes: fromUtf8(signingBytes('tx', chainId, txSigningMessage(tx))),
      encoded: fromUtf8(encodeTx(tx)),
      hash: txHash(tx),
    },
    txRootOfThree: header.txRoot,
    genesisHash: gHash,
    genesisAppHash: genesisApp.appHash,
    header,
    blockHash: hash,
    vote: { value: vote, signingMessage: fromUtf8(voteSigningMessage(vote)) },
    commitHash: commitHash(commit),
    signingPrefixHex: toHex(signingBytes('vote', chainId, new Uint8Array())),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(computeGoldenVectors(), null, 2));
}
