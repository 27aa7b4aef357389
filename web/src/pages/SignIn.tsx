// Sign-in with a key, for every role: unlock a key kept in this browser, create one (patients: the new
// key is registered on chain by a membership.registerPatient tx signed right here), or import one from
// a recovery file or a raw seed (what the demo credentials.json holds). Staff keys are registered by
// their organisation's admin; the node signs them in only as staff of its own organisation.
import { useState, type FormEvent } from 'react';
import { Field } from '../components/form.tsx';
import { Busy, ErrorBanner, Link, SubmitButton, useAction } from '../components/ui.tsx';
import { signIn } from '../lib/auth.ts';
import { downloadJson } from '../lib/download.ts';
import { forgetKey, storedKeys, storeKey } from '../lib/key-list.ts';
import {
  newSeed,
  openSeed,
  parseSealedKey,
  parseSeedHex,
  sealSeed,
  type KeyKind,
  type SealedKey,
} from '../lib/keystore.ts';
import { signAndCommit } from '../lib/ledger.ts';
import { useOrgs, useThisOrg } from '../lib/network.ts';
import { navigate } from '../lib/router.ts';
import { useSession, type StaffRole } from '../lib/session.tsx';

const TITLES: Record<string, string> = {
  patient: 'Patient sign-in',
  clinician: 'Clinician sign-in',
  pharmacy: 'Pharmacy sign-in',
  supply: 'Manufacturer or distributor sign-in',
  privacy: 'Privacy officer sign-in',
  sponsor: 'Research sponsor sign-in',
  research: 'Researcher sign-in',
  insurer: 'Insurer claims office sign-in',
  integration: 'Integration staff sign-in',
  genomes: 'Genome custodian sign-in',
};

export function SignIn(props: { role: string }) {
  const role = props.role in TITLES ? props.role : 'patient';
  const kind: KeyKind = role === 'patient' ? 'patient' : 'staff';
  const { setCurrent } = useSession();
  const [keys, setKeys] = useState<SealedKey[]>(() => storedKeys(kind));
  const [busy, error, run] = useAction();

  const finish = async (seed: Uint8Array) => {
    const session = await signIn(seed, kind);
    setCurrent({ session, seed, ...(kind === 'staff' ? { workspace: role as StaffRole } : {}) });
    navigate(`/${role}`);
  };

  return (
    <section className="narrow">
      <h1>{TITLES[role]}</h1>
      <p>
        You sign in with your own key. It is kept in this browser, locked with your passphrase, and never sent
        anywhere. <Link href="/">Choose another role</Link>
      </p>
      <ErrorBanner error={error} />
      <Busy label={busy} />
      {keys.length > 0 && (
        <UnlockForm
          keys={keys}
          disabled={busy !== undefined}
          onForget={() => setKeys(storedKeys(kind))}
          run={run}
          finish={finish}
        />
      )}
      {kind === 'patient' && <CreateForm disabled={busy !== undefined} run={run} finish={finish} />}
      <ImportForm kind={kind} disabled={busy !== undefined} run={run} finish={finish} />
    </section>
  );
}

type Run = (label: string, work: () => Promise<void>) => Promise<void>;
interface FormProps {
  readonly disabled: boolean;
  readonly run: Run;
  readonly finish: (seed: Uint8Array) => Promise<void>;
}

function UnlockForm(props: FormProps & { keys: SealedKey[]; onForget: () => void }) {
  const [selected, setSelected] = useState(props.keys[0]!.publicKey);
  const [passphrase, setPassphrase] = useState('');
  const key = props.keys.find((k) => k.publicKey === selected) ?? props.keys[0]!;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void props.run('Unlocking your key and signing in…', async () => {
      await props.finish(await openSeed(key, passphrase));
    });
  };
  return (
    <form onSubmit={submit} className="panel" aria-labelledby="unlock-title">
      <h2 id="unlock-title">Use a key kept in this browser</h2>
      <label htmlFor="unlock-key">Key</label>
      <select id="unlock-key" value={key.publicKey} onChange={(e) => setSelected(e.target.value)}>
        {props.keys.map((k) => (
          <option key={k.publicKey} value={k.publicKey}>
            {k.label || 'Unnamed key'} ({k.publicKey.slice(0, 8)}…)
          </option>
        ))}
      </select>
      <Field
        id="unlock-passphrase"
        label="Passphrase"
        type="password"
        autoComplete="current-password"
        value={passphrase}
        set={setPassphrase}
      />
      <div className="actions">
        <button type="submit" disabled={props.disabled}>
          Unlock and sign in
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => downloadJson(`carechain-key-${key.publicKey.slice(0, 8)}.json`, key)}
        >
          Download recovery file
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            if (confirm('Remove this key from this browser? Keep a recovery file first, or you lose it.')) {
              forgetKey(key.publicKey);
              props.onForget();
            }
          }}
        >
          Remove from this browser
        </button>
      </div>
    </form>
  );
}

function PassphraseFields(props: {
  prefix: string;
  value: string;
  repeat: string;
  onChange: (v: string, r: string) => void;
}) {
  return (
    <>
      <Field
        id={`${props.prefix}-passphrase`}
        label="New passphrase (at least 8 characters)"
        type="password"
        autoComplete="new-password"
        minLength={8}
        value={props.value}
        set={(v) => props.onChange(v, props.repeat)}
      />
      <Field
        id={`${props.prefix}-repeat`}
        label="Repeat the passphrase"
        type="password"
        autoComplete="new-password"
        value={props.repeat}
        set={(r) => props.onChange(props.value, r)}
      />
    </>
  );
}

function checkRepeat(passphrase: string, repeat: string): void {
  if (passphrase !== repeat) throw new Error('the two passphrases differ');
}

function CreateForm(props: FormProps) {
  const orgs = useOrgs();
  const thisOrg = useThisOrg();
  const [label, setLabel] = useState('');
  const [custodian, setCustodian] = useState('');
  const [pass, setPass] = useState(['', '']);
  const providers = orgs.filter((o) => ['hospital', 'clinic', 'lab'].includes(o.type));
  const chosen = custodian || thisOrg || providers[0]?.id || '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void props.run('Creating your key and registering it on the ledger…', async () => {
      checkRepeat(pass[0]!, pass[1]!);
      const seed = newSeed();
      const sealed = await sealSeed(seed, pass[0]!, { kind: 'patient', label: label || 'My key' });
      await signAndCommit(
        seed,
        'membership.registerPatient',
        chosen === '' ? {} : { custodianOrgId: chosen },
      );
      storeKey(sealed);
      downloadJson(`carechain-key-${sealed.publicKey.slice(0, 8)}.json`, sealed);
      await props.finish(seed);
    });
  };
  return (
    <form onSubmit={submit} className="panel" aria-labelledby="create-title">
      <h2 id="create-title">New here? Create your key</h2>
      <p className="hint">
        Your browser makes the key. A recovery file (locked with your passphrase) is downloaded: keep it safe,
        it is the only way back in from another device.
      </p>
      <Field
        id="create-label"
        label="Name for this key"
        value={label}
        set={setLabel}
        placeholder="My key"
        optional
      />
      <label htmlFor="create-custodian">Who keeps your records (your care provider)</label>
      <select id="create-custodian" value={chosen} onChange={(e) => setCustodian(e.target.value)}>
        {providers.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <PassphraseFields
        prefix="create"
        value={pass[0]!}
        repeat={pass[1]!}
        onChange={(a, b) => setPass([a, b])}
      />
      <SubmitButton disabled={props.disabled}>Create key and register</SubmitButton>
    </form>
  );
}

function ImportForm(props: FormProps & { kind: KeyKind }) {
  const [mode, setMode] = useState<'file' | 'seed'>('seed');
  const [file, setFile] = useState<File | null>(null);
  const [seedHex, setSeedHex] = useState('');
  const [label, setLabel] = useState('');
  const [pass, setPass] = useState(['', '']);
  const [filePass, setFilePass] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void props.run('Importing your key and signing in…', async () => {
      let seed: Uint8Array;
      let sealed: SealedKey;
      if (mode === 'file') {
        if (file === null) throw new Error('choose your recovery file');
        sealed = parseSealedKey(await file.text());
        if (sealed.kind !== props.kind)
          throw new Error(`this is a ${sealed.kind} key; choose the matching sign-in`);
        seed = await openSeed(sealed, filePass);
      } else {
        checkRepeat(pass[0]!, pass[1]!);
        seed = parseSeedHex(seedHex);
        sealed = await sealSeed(seed, pass[0]!, { kind: props.kind, label: label || 'Imported key' });
      }
      await props.finish(seed);
      storeKey(sealed);
    });
  };
  return (
    <form onSubmit={submit} className="panel" aria-labelledby="import-title">
      <h2 id="import-title">{props.kind === 'staff' ? 'Import your staff key' : 'Import a key'}</h2>
      <fieldset>
        <legend>Import from</legend>
        <label className="inline">
          <input type="radio" name="import-mode" checked={mode === 'seed'} onChange={() => setMode('seed')} />{' '}
          Raw seed
        </label>
        <label className="inline">
          <input type="radio" name="import-mode" checked={mode === 'file'} onChange={() => setMode('file')} />{' '}
          Recovery file (downloaded from carechain)
        </label>
      </fieldset>
      {mode === 'file' ? (
        <>
          <label htmlFor="import-file">Key file</label>
          <input
            id="import-file"
            type="file"
            accept="application/json,.json"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
          <Field
            id="import-file-passphrase"
            label="The file's passphrase"
            type="password"
            autoComplete="current-password"
            value={filePass}
            set={setFilePass}
          />
        </>
      ) : (
        <>
          <Field
            id="import-seed"
            label="Key seed (64 hexadecimal digits)"
            type="password"
            autoComplete="off"
            value={seedHex}
            set={setSeedHex}
          />
          <Field
            id="import-label"
            label="Name for this key"
            value={label}
            set={setLabel}
            placeholder="Imported key"
            optional
          />
          <PassphraseFields
            prefix="import"
            value={pass[0]!}
            repeat={pass[1]!}
            onChange={(a, b) => setPass([a, b])}
          />
        </>
      )}
      <SubmitButton disabled={props.disabled}>Import and sign in</SubmitButton>
    </form>
  );
}
