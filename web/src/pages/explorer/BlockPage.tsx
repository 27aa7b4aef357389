// One block: its header, who signed its commit, and its transactions.
import { useEffect, useState } from 'react';
import { ErrorBanner, Facts, Link, shortHex } from '../../components/ui.tsx';
import type { BlockAnswer } from '../../../../src/contract/ledger.ts';
import { request } from '../../lib/http.ts';

export function BlockPage(props: { height: number }) {
  const [block, setBlock] = useState<BlockAnswer>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setBlock(undefined);
    request<BlockAnswer>(`/api/v1/blocks/${props.height}`).then(setBlock, setError);
  }, [props.height]);
  return (
    <section>
      <p>
        <Link href="/explorer">← Explorer</Link>
      </p>
      <h1>Block {props.height}</h1>
      <ErrorBanner error={error} />
      {block && (
        <>
          <Facts
            rows={[
              ['Hash', <code className="wrap">{block.hash}</code>],
              ['Time', new Date(block.header.timeMs).toLocaleString()],
              ['Proposer', <code>{shortHex(block.header.proposer, 16)}</code>],
              [
                'Log after this block',
                <>
                  {block.header.logSize} txs, root <code>{shortHex(block.header.logRoot, 16)}</code>
                </>,
              ],
              ['Commit signatures', block.commit?.signatures.length ?? 0],
            ]}
          />
          <p>
            {props.height > 1 && <Link href={`/explorer/block/${props.height - 1}`}>← Previous block</Link>}{' '}
            <Link href={`/explorer/block/${props.height + 1}`}>Next block →</Link>
          </p>
          <h2>Transactions ({block.txHashes.length})</h2>
          <ol className="plain">
            {block.txHashes.map((h) => (
              <li key={h}>
                <Link href={`/explorer/tx/${h}`}>
                  <code>{h}</code>
                </Link>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
