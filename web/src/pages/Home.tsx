// The start page: pick who you are. The explorer needs no sign-in.
import { Link } from '../components/ui.tsx';

const ROLES = [
  {
    href: '/signin/patient',
    title: 'Patient',
    text: 'See your records, decide who may see them, and who looked.',
  },
  {
    href: '/signin/clinician',
    title: 'Clinician',
    text: 'Find a patient, read what consent allows, add notes.',
  },
  {
    href: '/signin/pharmacy',
    title: 'Pharmacy',
    text: 'Verify a pack at the counter, dispense it, report a suspect one.',
  },
  {
    href: '/signin/supply',
    title: 'Manufacturer or distributor',
    text: 'Commission lots, ship, receive, recall; see alerts.',
  },
  {
    href: '/signin/privacy',
    title: 'Privacy officer',
    text: 'Review emergency reads of your organisation’s records, with their reasons.',
  },
  {
    href: '/signin/sponsor',
    title: 'Research sponsor',
    text: 'Register a trial before it enrols, amend it in the open, unblind and post results.',
  },
  {
    href: '/signin/research',
    title: 'Researcher',
    text: 'Ask which variants consented people carry, within a budget the whole network shares.',
  },
  {
    href: '/signin/genomes',
    title: 'Genome custodian',
    text: 'See the genomes your organisation holds, their terms, and how often research queries counted them.',
  },
  {
    href: '/signin/insurer',
    title: 'Insurer',
    text: 'Adjudicate claims against their documentation, decide prior authorisations on the clock.',
  },
  {
    href: '/signin/integration',
    title: 'Integration staff',
    text: 'Follow the HL7 v2 messages your systems send: status, acknowledgements, latency.',
  },
  {
    href: '/explorer',
    title: 'Explorer',
    text: 'Blocks and transactions, live; verify any of them yourself.',
  },
];

export function Home() {
  return (
    <section>
      <h1>Welcome to carechain</h1>
      <p className="lead">Who are you today?</p>
      <ul className="cards">
        {ROLES.map((r) => (
          <li key={r.href}>
            <Link href={r.href} className="card">
              <strong>{r.title}</strong>
              <span>{r.text}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
