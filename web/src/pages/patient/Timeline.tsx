// The patient's records grouped by kind, newest first, with trend charts of their vitals and labs, read
// with the patient's own token from every organisation that keeps them (lib/my-records.ts), whichever
// node the portal was opened at.
import { useEffect, useState } from 'react';
import { Busy, ErrorBanner } from '../../components/ui.tsx';
import { RecordList } from '../../components/clinical/RecordList.tsx';
import { TrendCharts } from '../../components/clinical/TrendCharts.tsx';
import { loadMyRecords, type MyRecords } from '../../lib/my-records.ts';
import { orgNamer, useOrgs } from '../../lib/network.ts';
import { listWords } from '../../lib/words.ts';
import { useSession } from '../../lib/session.tsx';

export function Timeline() {
  const { current } = useSession();
  const orgs = useOrgs();
  const [mine, setMine] = useState<MyRecords>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (current === undefined) return;
    loadMyRecords(current.session.token).then(setMine, setError);
  }, [current]);
  const records = mine?.records;
  const keepers = mine?.custodians.map(orgNamer(orgs)) ?? [];
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      {keepers.length > 0 && <p className="hint">Records kept for you by {listWords(keepers)}.</p>}
      {mine !== undefined && mine.missing.length > 0 && (
        <p className="bad" role="status">
          Some of your records could not be collected just now: {mine.missing.join('; ')}.
        </p>
      )}
      <Busy label={records === undefined && error === undefined ? 'Loading your records…' : undefined} />
      <ErrorBanner error={error} />
      {records !== undefined && records.length === 0 && (
        <p>No records yet. When a care provider adds something about you, it appears here.</p>
      )}
      {records !== undefined && records.length > 0 && (
        <>
          <TrendCharts records={records} />
          <RecordList records={records} label="Your records, newest first" />
        </>
      )}
    </section>
  );
}
