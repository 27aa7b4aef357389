// The genesis document, fetched once: the only thing the explorer's verification trusts. Its hash is
// computed here, so a careful user can compare it with one obtained out of band.
import { useEffect, useState } from 'react';
import { genesisHash, parseGenesis } from '../../../../src/core/genesis.ts';
import type { Validator } from '../../../../src/core/validators.ts';
import { ErrorBanner, Facts } from '../../components/ui.tsx';
import { BASE_POLICY_WORDS, basePolicyOf, loadGenesis, orgsOf } from '../../lib/network.ts';

export function GenesisPanel() {
  const [info, setInfo] = useState<{
    hash: string;
    chainId: string;
    validators: Validator[];
    orgs: string[];
    policy: string;
  }>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    loadGenesis()
      .then(({ genesis }) => {
        const parsed = parseGenesis(genesis);
        setInfo({
          hash: genesisHash(parsed.genesis),
          chainId: parsed.genesis.chainId,
          validators: [...parsed.validatorSet.validators],
          orgs: orgsOf(parsed.genesis).map((o) => `${o.name} (${o.type})`),
          policy: BASE_POLICY_WORDS[basePolicyOf(parsed.genesis)],
        });
      })
      .catch(setError);
  }, []);
  return (
    <section aria-labelledby="genesis-title" className="panel">
      <h2 id="genesis-title">Trusted genesis</h2>
      <ErrorBanner error={error} />
      {info && (
        <Facts
          rows={[
            ['Chain', info.chainId],
            ['Genesis hash (computed in your browser)', <code className="wrap">{info.hash}</code>],
            [
              'Validator keys',
              <ul className="plain">
                {info.validators.map((v) => (
                  <li key={v.publicKey}>
                    {v.name}: <code className="wrap">{v.publicKey}</code> (power {v.power})
                  </li>
                ))}
              </ul>,
            ],
            ['Member organisations', info.orgs.join(', ')],
            ['Base policy for health records', <span data-testid="base-policy">{info.policy}</span>],
          ]}
        />
      )}
    </section>
  );
}
