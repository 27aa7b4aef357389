// The network explorer: latest blocks and txs as they commit (Server-Sent Events from /api/v1/events),
// the validators and their health (this node's view, /api/v1/status), and a search by tx hash or height.
import { useEffect, useState, type FormEvent } from 'react';
import { ErrorBanner, Link, shortHex } from '../../components/ui.tsx';
import type { BlockAnswer, BlockEvent, CommittedTx } from '../../../../src/contract/ledger.ts';
import { request } from '../../lib/http.ts';
import { getStatus, type NodeStatus } from '../../lib/ledger.ts';
import { navigate } from '../../lib/router.ts';
import { ForkEvidence } from './ForkEvidence.tsx';
import { GenesisPanel } from './GenesisPanel.tsx';

const BLOCKS_SHOWN = 12;
const TXS_SHOWN = 15;

function useLiveBlocks(): { blocks: BlockEvent[]; txs: CommittedTx[]; live: boolean; error: unknown } {
  const [blocks, setBlocks] = useState<BlockEvent[]>([]);
  const [txs, setTxs] = useState<CommittedTx[]>([]);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let closed = false;
    const mergeTxs = (height: number, hashes: readonly string[]) =>
      setTxs((old) => {
        const fresh = hashes.map((hash) => ({ hash, height }));
        const merged = [...fresh, ...old.filter((t) => !fresh.some((f) => f.hash === t.hash))];
        return merged.sort((a, b) => b.height - a.height).slice(0, TXS_SHOWN);
      });
    const addBlock = (b: BlockEvent, hashes?: readonly string[]) => {
      setBlocks((old) =>
        [b, ...old.filter((o) => o.height !== b.height)]
          .sort((x, y) => y.height - x.height)
          .slice(0, BLOCKS_SHOWN),
      );
      if (hashes !== undefined) mergeTxs(b.height, hashes);
      else if (b.txCount > 0) {
        // A live block names only its tx count; its tx hashes are one more request.
        request<BlockAnswer>(`/api/v1/blocks/${b.height}`)
          .then((block) => !closed && mergeTxs(b.height, block.txHashes))
          .catch(() => {});
      }
    };
    // The recent past first, then live updates.
    void (async () => {
      try {
        const status = await getStatus();
        const heights = Array.from(
          { length: Math.min(BLOCKS_SHOWN, status.height) },
          (_, i) => status.height - i,
        );
        const recent = await Promise.all(heights.map((h) => request<BlockAnswer>(`/api/v1/blocks/${h}`)));
        if (closed) return;
        for (const b of recent) {
          addBlock({ height: b.header.height, hash: b.hash, txCount: b.header.txCount }, b.txHashes);
        }
      } catch (err) {
        setError(err);
      }
    })();
    const events = new EventSource('/api/v1/events');
    events.addEventListener('open', () => setLive(true));
    events.addEventListener('error', () => setLive(false));
    events.addEventListener('block', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as BlockEvent;
      addBlock(data);
    });
    return () => {
      closed = true;
      events.close();
    };
  }, []);
  return { blocks, txs, live, error };
}

function Validators() {
  const [status, setStatus] = useState<NodeStatus>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const load = () =>
      getStatus()
        .then((s) => {
          setStatus(s);
          setError(undefined);
        })
        .catch(setError);
    void load();
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, []);
  if (status === undefined) return <ErrorBanner error={error} />;
  return (
    <section aria-labelledby="validators-title" className="panel">
      <h2 id="validators-title">Validators</h2>
      <p className="hint">
        As seen by this node: height {status.height}, consensus round {status.consensus.round},{' '}
        {status.mempoolTxs} txs waiting.
      </p>
      <ErrorBanner error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Validator</th>
            <th scope="col">Power</th>
            <th scope="col">Signed last block</th>
            <th scope="col">Link from this node</th>
          </tr>
        </thead>
        <tbody>
          {status.validators.map((v) => {
            const self = v.publicKey === status.nodeId;
            const peer = status.peers.find((p) => p.publicKey === v.publicKey);
            const signed = status.lastCommitSigners.includes(v.publicKey);
            return (
              <tr key={v.publicKey}>
                <td>
                  <strong>{v.name || shortHex(v.publicKey)}</strong> <code>{shortHex(v.publicKey, 10)}</code>
                </td>
                <td>{v.power}</td>
                <td className={signed ? 'ok' : 'bad'}>{signed ? '✓ yes' : '✗ no'}</td>
                <td className={self || peer?.connected ? 'ok' : 'bad'}>
                  {self
                    ? 'this node'
                    : peer?.connected
                      ? `✓ connected (height ${peer.height ?? '?'})`
                      : '✗ not connected'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function Search() {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = text.trim().toLowerCase();
    if (/^[0-9a-f]{64}$/.test(value)) navigate(`/explorer/tx/${value}`);
    else if (/^[1-9][0-9]{0,15}$/.test(value)) navigate(`/explorer/block/${value}`);
    else setError('enter a transaction hash (64 hex digits) or a block height');
  };
  return (
    <form onSubmit={submit} className="search" role="search">
      <label htmlFor="explorer-search">Transaction hash or block height</label>
      <div className="row">
        <input
          id="explorer-search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
        />
        <button type="submit">Find</button>
      </div>
      {error !== undefined && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function Explorer() {
  const { blocks, txs, live, error } = useLiveBlocks();
  return (
    <section>
      <h1>Network explorer</h1>
      <Search />
      <p className="hint">
        Kept a proof file? <Link href="/explorer/verify">Verify a proof file</Link> in your browser.
      </p>
      <ErrorBanner error={error} />
      <div className="columns">
        <section aria-labelledby="blocks-title" className="panel">
          <h2 id="blocks-title">
            Latest blocks <span className={live ? 'pill ok' : 'pill'}>{live ? 'live' : 'connecting…'}</span>
          </h2>
          <ol className="plain" aria-label="Latest blocks">
            {blocks.map((b) => (
              <li key={b.height}>
                <Link href={`/explorer/block/${b.height}`}>Block {b.height}</Link>{' '}
                <code>{shortHex(b.hash)}</code> {b.txCount} {b.txCount === 1 ? 'tx' : 'txs'}
              </li>
            ))}
          </ol>
        </section>
        <section aria-labelledby="txs-title" className="panel">
          <h2 id="txs-title">Latest transactions</h2>
          {txs.length === 0 ? (
            <p className="hint">No transactions in the latest blocks.</p>
          ) : (
            <ol className="plain" aria-label="Latest transactions">
              {txs.map((t) => (
                <li key={t.hash}>
                  <Link href={`/explorer/tx/${t.hash}`}>
                    <code>{shortHex(t.hash, 16)}</code>
                  </Link>{' '}
                  in block {t.height}
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
      <Validators />
      <ForkEvidence />
      <GenesisPanel />
    </section>
  );
}
