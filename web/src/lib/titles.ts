// Every route's document title (WCAG 2.4.2 Page Titled): what the page is, then the app's name, so a
// screen reader, a tab strip and the browser history tell pages apart.
const APP = 'carechain';

const SIGN_IN_TITLES: Record<string, string> = {
  patient: 'Sign in as a patient',
  clinician: 'Sign in as a clinician',
  pharmacy: 'Sign in as pharmacy staff',
  supply: 'Sign in as supply-chain staff',
  privacy: 'Sign in as a privacy officer',
  sponsor: 'Sign in as research sponsor staff',
  research: 'Sign in as a researcher',
  insurer: 'Sign in as insurer claims staff',
  integration: 'Sign in as integration staff',
  genomes: 'Sign in as genome custodian staff',
};

export function titleOfPath(path: string): string {
  const page = pageTitle(path);
  return page === undefined ? APP : `${page} · ${APP}`;
}

function pageTitle(path: string): string | undefined {
  const tx = /^\/explorer\/tx\/([0-9a-f]{64})$/.exec(path);
  if (tx) return `Transaction ${tx[1]!.slice(0, 12)}… · Explorer`;
  const block = /^\/explorer\/block\/([1-9][0-9]{0,15})$/.exec(path);
  if (block) return `Block ${block[1]} · Explorer`;
  if (/^\/trials\/[0-9a-f]{64}$/.test(path)) return 'Trial · Clinical trial registry';
  if (/^\/ai\/models\/[0-9a-f]{64}$/.test(path)) return 'AI model · AI model registry';
  if (path.startsWith('/signin/')) return SIGN_IN_TITLES[path.slice('/signin/'.length)] ?? 'Sign in';
  switch (path) {
    case '/':
      return 'Start';
    case '/explorer':
      return 'Explorer';
    case '/explorer/verify':
      return 'Verify a proof file · Explorer';
    case '/patient':
      return 'Your health records';
    case '/clinician':
      return 'Clinician workspace';
    case '/pharmacy':
      return 'Pharmacy: verify a pack';
    case '/supply':
      return 'Supply console';
    case '/privacy':
      return 'Privacy office: emergency reads';
    case '/sponsor':
      return 'Research sponsor console';
    case '/trials':
      return 'Clinical trial registry';
    case '/ai/models':
      return 'AI model registry';
    case '/research':
      return 'Genomic research';
    case '/insurer':
      return 'Insurer workspace';
    case '/integration':
      return 'HL7 message log';
    case '/genomes':
      return 'Genomes we hold';
    default:
      return 'Page not found';
  }
}

/**
 * After a navigation, moves focus to the new page's main heading (as a screen reader user expects from
 * a page load): the heading may render a little later than the path changes, so this waits for it.
 */
export function focusMainHeading(): void {
  let frames = 0;
  const attempt = () => {
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading !== null) {
      heading.tabIndex = -1;
      heading.focus();
      return;
    }
    if (++frames < 60) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}
