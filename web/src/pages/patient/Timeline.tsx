// The patient's records grouped by kind, newest first, with trend charts of their vitals and labs, read
// with the patient's own token (a patient reads their own records directly; no access event is needed).
import { useEffect, useState } from 'react';
import { Busy, ErrorBanner } from '../../components/ui.tsx';
import { RecordList } from '../../components/clinical/RecordList.tsx';
import { TrendCharts } from '../../components/clinical/TrendCharts.tsx';
import { search, TIMELINE_TYPES } from '../../lib/fhir.ts';
import type { FhirResource } from '../../../../src/contract/fhir.ts';
import { orgNamer, useOrgs, useThisOrg } from '../../lib/network.ts';
import { useSession } from '../../lib/session.tsx';

export async function loadAllRecords(token: string): Promise<FhirResource[]> {
  const lists = await Promise.all(TIMELINE_TYPES.map((type) => search(type, {}, token)));
  return lists.flat();
}

export function Timeline() {
  const { current } = useSession();
  const orgs = useOrgs();
  const [records, setRecords] = useState<FhirResource[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (current === undefined) return;
    loadAllRecords(current.session.token).then(setRecords, setError);
  }, [current]);
  const here = useThisOrg();
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      {here !== undefined && <p className="hint">Records kept for you by {orgNamer(orgs)(here)}.</p>}
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
