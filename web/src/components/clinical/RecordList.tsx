// A list of health records as patients and clinicians both read them (lib/clinical): grouped by kind,
// newest first, each with its value in human form, its local date and, on request, a detail view.
import type { FhirResource } from '../../../../src/contract/fhir.ts';
import { dateOf, formatWhen } from '../../lib/clinical/dates.ts';
import { detailRows } from '../../lib/clinical/detail.ts';
import { groupByKind } from '../../lib/clinical/group.ts';
import { titleOf } from '../../lib/clinical/values.ts';
import { Facts } from '../ui.tsx';

export function RecordList(props: {
  records: readonly FhirResource[];
  /** The list's accessible name, e.g. "Your records, newest first". */
  label: string;
  /** Who keeps each record, when the list spans institutions. */
  keeperOf?: (r: FhirResource) => string | undefined;
}) {
  const groups = groupByKind(props.records);
  return (
    <div className="record-groups" role="list" aria-label={props.label}>
      {groups.map((group) => (
        <section key={group.id} role="listitem" aria-labelledby={`group-${group.id}`} data-kind={group.id}>
          <h3 id={`group-${group.id}`}>
            {group.label} <small className="hint">({group.records.length})</small>
          </h3>
          <ol className="timeline">
            {group.records.map((r) => (
              <RecordItem key={`${r.resourceType}/${r.id ?? ''}`} record={r} keeper={props.keeperOf?.(r)} />
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}

function RecordItem(props: { record: FhirResource; keeper: string | undefined }) {
  const r = props.record;
  const when = formatWhen(dateOf(r));
  return (
    <li data-type={r.resourceType}>
      <strong className="record-title">{titleOf(r)}</strong>
      <br />
      <small className="hint">
        {when ?? 'No date'}
        {props.keeper === undefined ? '' : ` · kept by ${props.keeper}`}
      </small>
      <details className="record-detail">
        <summary>Details</summary>
        <Facts className="" rows={detailRows(r).map((row) => [row.label, row.value])} />
      </details>
    </li>
  );
}
