// The shell: header navigation, the signed-in session, and which page a path shows.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from './components/ui.tsx';
import { navigate, usePath } from './lib/router.ts';
import { SessionProvider, type SignedIn } from './lib/session.tsx';
import { focusMainHeading, titleOfPath } from './lib/titles.ts';
import { Home } from './pages/Home.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { PatientPortal } from './pages/patient/PatientPortal.tsx';
import { Clinician } from './pages/clinician/Clinician.tsx';
import { Pharmacy } from './pages/supply/Pharmacy.tsx';
import { SupplyConsole } from './pages/supply/SupplyConsole.tsx';
import { Explorer } from './pages/explorer/Explorer.tsx';
import { TxPage } from './pages/explorer/TxPage.tsx';
import { BlockPage } from './pages/explorer/BlockPage.tsx';
import { VerifyFile } from './pages/explorer/VerifyFile.tsx';
import { PrivacyOfficer } from './pages/privacy/PrivacyOfficer.tsx';
import { SponsorConsole } from './pages/sponsor/SponsorConsole.tsx';
import { TrialPage } from './pages/trials/TrialPage.tsx';
import { TrialRegistry } from './pages/trials/TrialRegistry.tsx';
import { Research } from './pages/research/Research.tsx';
import { ModelRegistry } from './pages/ai/ModelRegistry.tsx';
import { ModelPage } from './pages/ai/ModelPage.tsx';
import { InsurerWorkspace } from './pages/insurer/InsurerWorkspace.tsx';
import { MessageLog } from './pages/integration/MessageLog.tsx';
import { GenomeDatasets } from './pages/genomes/GenomeDatasets.tsx';

function Page(props: { path: string; current: SignedIn | undefined }) {
  const { path, current } = props;
  const tx = /^\/explorer\/tx\/([0-9a-f]{64})$/.exec(path);
  if (tx) return <TxPage hash={tx[1]!} />;
  const block = /^\/explorer\/block\/([1-9][0-9]{0,15})$/.exec(path);
  if (block) return <BlockPage height={Number(block[1])} />;
  if (path === '/explorer') return <Explorer />;
  if (path === '/explorer/verify') return <VerifyFile />;
  const trial = /^\/trials\/([0-9a-f]{64})$/.exec(path);
  if (trial) return <TrialPage id={trial[1]!} />;
  if (path === '/trials') return <TrialRegistry />;
  const model = /^\/ai\/models\/([0-9a-f]{64})$/.exec(path);
  if (model) return <ModelPage id={model[1]!} />;
  if (path === '/ai/models') return <ModelRegistry />;
  if (path.startsWith('/signin/')) return <SignIn role={path.slice('/signin/'.length)} />;
  const needs = (kind: 'patient' | 'staff', role: string) =>
    current?.session.kind === kind ? undefined : <SignIn role={role} />;
  if (path === '/patient') return needs('patient', 'patient') ?? <PatientPortal />;
  if (path === '/clinician') return needs('staff', 'clinician') ?? <Clinician />;
  if (path === '/pharmacy') return needs('staff', 'pharmacy') ?? <Pharmacy />;
  if (path === '/supply') return needs('staff', 'supply') ?? <SupplyConsole />;
  if (path === '/privacy') return needs('staff', 'privacy') ?? <PrivacyOfficer />;
  if (path === '/sponsor') return needs('staff', 'sponsor') ?? <SponsorConsole />;
  if (path === '/research') return needs('staff', 'research') ?? <Research />;
  if (path === '/insurer') return needs('staff', 'insurer') ?? <InsurerWorkspace />;
  if (path === '/integration') return needs('staff', 'integration') ?? <MessageLog />;
  if (path === '/genomes') return needs('staff', 'genomes') ?? <GenomeDatasets />;
  if (path === '/') return <Home />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <Link href="/">Go to the start page</Link>
      </p>
    </section>
  );
}

export function App() {
  const path = usePath();
  const [current, setCurrent] = useState<SignedIn | undefined>(undefined);
  const firstPath = useRef(true);
  useEffect(() => {
    document.title = titleOfPath(path);
    // The first page load leaves focus where the browser puts it; a navigation moves it to the heading.
    if (firstPath.current) firstPath.current = false;
    else focusMainHeading();
  }, [path]);
  const value = useMemo(() => ({ current, setCurrent }), [current]);
  const home =
    current?.session.kind === 'patient' ? '/patient' : current?.workspace ? `/${current.workspace}` : '/';
  return (
    <SessionProvider value={value}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href={home} className="brand">
          carechain
        </Link>
        <nav aria-label="Main">
          <Link href="/explorer">Explorer</Link>
          <Link href="/trials">Trials</Link>
          <Link href="/ai/models">AI models</Link>
          {current === undefined ? (
            <Link href="/">Sign in</Link>
          ) : (
            <>
              <Link href={home}>My workspace</Link>
              <button
                type="button"
                className="linklike"
                onClick={() => {
                  setCurrent(undefined);
                  navigate('/');
                }}
              >
                Sign out
              </button>
            </>
          )}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} current={current} />
      </main>
      <footer className="bottom">
        <p>
          Your keys stay in this browser. Every access to health data is recorded on the ledger; the{' '}
          <Link href="/explorer">explorer</Link> lets anyone check it.
        </p>
      </footer>
    </SessionProvider>
  );
}
