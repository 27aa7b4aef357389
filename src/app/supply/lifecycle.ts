// The lifecycle rules (issue 5), applied to every unit whose GTIN a manufacturer registered on chain;
// events about other identifiers are stored as received, like any EPCIS repository. An event's effect
// comes from its type, action and CBV business step:
//   commission    ObjectEvent with bizStep commissioning (or ADD without a step), TransformationEvent outputs
//   pack/unpack   AggregationEvent ADD / DELETE (parentID ← childEPCs)
//   ship/receive  bizStep shipping / receiving; shipping an aggregate moves everything packed in it
//   dispense      bizStep dispensing or retail_selling
//   decommission  ObjectEvent DELETE, or bizStep decommissioning, destroying or killing
//   observe       anything else (inspecting, storing, sensor_reporting…): the unit must exist, and the
//                 capturing organisation must have a role in its custody (./custody.ts, finding 13)
//   error declaration: by the organisation that captured the declared event, or a regulator
// A refusal is TxError('tx.rejected') with details { reason, eventIndex, eventId, epc, effect }, and the
// capture around it then writes nothing (StateOverlay.atomically).
import type { Organisation } from '../membership/types.ts';
import type { TxContext } from '../module.ts';
import { rejected } from '../payload.ts';
import { inCustody, mayDeclare } from './custody.ts';
import { glnOf, resolveId } from './ids.ts';
import type { ParsedEvent } from './event.ts';
import { effectOf, type Effect } from './effects.ts';
import { isDate } from './time.ts';
import {
  aggregate,
  aggregateKey,
  isRecalled,
  party,
  product,
  unit as readUnit,
  unitKey,
  write,
} from './store.ts';
import {
  AGGREGATE_CHILDREN_MAX,
  AGGREGATION_DEPTH_MAX,
  REACHED_ORGS_MAX,
  UNITS_PER_EVENT_MAX,
  type Unit,
} from './types.ts';
import { LOT_PATTERN } from './products.ts';

/** What applying one event did: the registered units it touched (for the per-unit event index). */
export interface Applied {
  readonly effect: Effect;
  readonly units: readonly string[];
  /**
   * The identifiers whose lifecycle it moved (units saved, aggregates packed, unpacked or moved whole):
   * their history may use all of EVENTS_PER_EPC_MAX; any other identifier it names was only observed.
   */
  readonly changed: ReadonlySet<string>;
}

class EventRules {
  private readonly touched = new Set<string>();
  private readonly changed = new Set<string>();
  readonly effect: Effect;

  constructor(
    private readonly ctx: TxContext,
    private readonly org: Organisation,
    private readonly e: ParsedEvent,
  ) {
    this.effect = effectOf(e);
  }

  refuse(reason: string, message: string, epc: string | null): Error {
    return rejected(reason, `event ${this.e.index}: ${message}`, {
      eventIndex: this.e.index,
      eventId: this.e.eventId.slice(0, 200),
      epc: epc === null ? null : epc.slice(0, 200),
      effect: this.effect,
    });
  }

  /** The GTIN of id when it is an SGTIN of a product registered on chain. */
  registeredGtin(id: string): string | undefined {
    const { key } = resolveId(id);
    return key?.kind === 'sgtin' && product(this.ctx.state, key.gtin) !== undefined ? key.gtin : undefined;
  }

  existing(epc: string): Unit {
    const found = readUnit(this.ctx.state, epc);
    if (found === undefined)
      throw this.refuse('supply.not_commissioned', 'the unit was never commissioned', epc);
    return found;
  }

  save(next: Unit): void {
    write(this.ctx.state, unitKey(next.epc), next);
    this.touched.add(next.epc);
    this.changed.add(next.epc);
    if (this.touched.size > UNITS_PER_EVENT_MAX) {
      throw this.refuse('supply.too_many_units', `touches more than ${UNITS_PER_EVENT_MAX} units`, null);
    }
  }

  /** Registered units among ids, aggregates expanded to their contents (depth-bounded). */
  expand(ids: readonly string[], depth = 0): string[] {
    const out: string[] = [];
    for (const id of ids) {
      if (this.registeredGtin(id) !== undefined) out.push(id);
      const agg = aggregate(this.ctx.state, id);
      if (agg !== undefined) {
        if (depth >= AGGREGATION_DEPTH_MAX) {
          throw this.refuse(
            'supply.aggregation_too_deep',
            `aggregates nest deeper than ${AGGREGATION_DEPTH_MAX}`,
            id,
          );
        }
        out.push(...this.expand(agg.children, depth + 1));
      }
      if (out.length > UNITS_PER_EVENT_MAX) {
        throw this.refuse('supply.too_many_units', `touches more than ${UNITS_PER_EVENT_MAX} units`, null);
      }
    }
    return [...new Set(out)];
  }

  /** A unit at the end of its life moves no more; a second dispense is its own (alerting) reason. */
  alive(u: Unit): void {
    if (u.status === 'dispensed')
      throw this.refuse('supply.already_dispensed', 'the unit was already dispensed', u.epc);
    if (u.status === 'decommissioned')
      throw this.refuse('supply.decommissioned', 'the unit was decommissioned', u.epc);
  }

  owned(u: Unit): void {
    if (u.ownerOrgId !== this.org.id) {
      throw this.refuse('supply.not_owner', 'only the current owner may do this with the unit', u.epc);
    }
  }

  /** An observation of a unit is recorded only by a party with a role in its custody (finding 13). */
  custodian(u: Unit): void {
    if (!inCustody(this.ctx.state, this.org, u)) {
      throw this.refuse(
        'supply.not_custodian',
        'only the unit’s owner, its addressee, its manufacturer or a regulator records observations of it',
        u.epc,
      );
    }
  }

  /** "Nothing quarantined or recalled moves." */
  movable(u: Unit): void {
    if (u.quarantineSuspectId !== null)
      throw this.refuse('supply.quarantined', 'the unit is quarantined as suspect', u.epc);
    if (isRecalled(this.ctx.state, u.gtin, u.lot))
      throw this.refuse('supply.recalled', 'the unit’s lot is recalled', u.epc);
  }

  commission(ids: readonly string[]): void {
    const { lot, expiry } = this.e;
    for (const epc of ids) {
      const gtin = this.registeredGtin(epc);
      if (gtin === undefined) continue;
      const registered = product(this.ctx.state, gtin)!;
      if (registered.manufacturerOrgId !== this.org.id) {
        throw this.refuse(
          'supply.not_manufacturer',
          'only the product’s manufacturer commissions its units',
          epc,
        );
      }
      if (readUnit(this.ctx.state, epc) !== undefined) {
        throw this.refuse('supply.already_commissioned', 'the serial was commissioned before', epc);
      }
      if (lot === null || expiry === null || !LOT_PATTERN.test(lot) || !isDate(expiry)) {
        throw this.refuse(
          'supply.ilmd_required',
          'commissioning needs ILMD cbvmda:lotNumber (GS1 AI 10) and cbvmda:itemExpirationDate (YYYY-MM-DD)',
          epc,
        );
      }
      const { key } = resolveId(epc);
      this.save({
        epc,
        gtin,
        serial: key?.kind === 'sgtin' ? key.serial : '',
        lot,
        expiry,
        status: 'active',
        ownerOrgId: this.org.id,
        recipientOrgId: null,
        parent: null,
        reachedOrgIds: [this.org.id],
        quarantineSuspectId: null,
        commissionedAtHeight: this.ctx.height,
        decommissionReason: null,
      });
    }
  }

  pack(parent: string | null, children: readonly string[]): void {
    const tracked: string[] = [];
    for (const child of children) {
      if (this.registeredGtin(child) !== undefined) {
        const u = this.existing(child);
        this.alive(u);
        this.owned(u);
        this.movable(u);
        if (u.status !== 'active')
          throw this.refuse('supply.lifecycle_order', 'a unit in transit cannot be packed', child);
        if (u.parent !== null && u.parent !== parent) {
          throw this.refuse(
            'supply.already_packed',
            'the unit is packed in another aggregate; unpack it first',
            child,
          );
        }
        this.save({ ...u, parent });
        tracked.push(child);
      } else if (aggregate(this.ctx.state, child) !== undefined) {
        tracked.push(child);
      }
    }
    if (tracked.length === 0) return;
    if (parent === null)
      throw this.refuse('supply.parent_required', 'packing registered units needs a parentID', null);
    const before = aggregate(this.ctx.state, parent)?.children ?? [];
    // Packing into another organisation's aggregate would make it unshippable by its owner.
    for (const epc of this.expand(before)) {
      const inside = readUnit(this.ctx.state, epc);
      if (inside !== undefined) this.owned(inside);
    }
    const all = [...new Set([...before, ...tracked])];
    if (all.length > AGGREGATE_CHILDREN_MAX) {
      throw this.refuse(
        'supply.aggregate_full',
        `an aggregate holds at most ${AGGREGATE_CHILDREN_MAX} children`,
        parent,
      );
    }
    write(this.ctx.state, aggregateKey(parent), { epc: parent, children: all });
    this.changed.add(parent);
  }

  unpack(parent: string | null, children: readonly string[]): void {
    if (parent === null) return;
    const agg = aggregate(this.ctx.state, parent);
    if (agg === undefined) return;
    // EPCIS 2.0 §7.4.3: a DELETE without childEPCs disaggregates everything in the parent.
    const leaving = children.length === 0 ? agg.children : children.filter((c) => agg.children.includes(c));
    for (const child of leaving) {
      const u = readUnit(this.ctx.state, child);
      if (u === undefined) continue;
      this.owned(u);
      this.save({ ...u, parent: null });
    }
    if (leaving.length > 0) this.changed.add(parent);
    const left = agg.children.filter((c) => !leaving.includes(c));
    if (left.length === 0) this.ctx.state.delete(aggregateKey(parent));
    else write(this.ctx.state, aggregateKey(parent), { epc: parent, children: left });
  }

  /** The organisation a shipment is addressed to: owning party, else possessing party, else location. */
  destination(epc: string): string {
    const { destinations } = this.e;
    if (destinations.length === 0) {
      throw this.refuse(
        'supply.destination_required',
        'a shipment of registered units names its destination',
        epc,
      );
    }
    for (const type of ['owning_party', 'possessing_party', 'location']) {
      const given = destinations.find((d) => d.type === type);
      if (given === undefined) continue;
      const gln = glnOf(given.id);
      const claimed = gln === undefined ? undefined : party(this.ctx.state, gln);
      if (claimed === undefined) {
        throw this.refuse(
          'supply.unknown_destination',
          `the ${type} destination is no registered party`,
          epc,
        );
      }
      return claimed.orgId;
    }
    throw this.refuse(
      'supply.unknown_destination',
      'no owning_party, possessing_party or location destination',
      epc,
    );
  }

  move(ids: readonly string[]): void {
    const units = this.expand(ids);
    let recipient: string | undefined;
    for (const epc of units) {
      const u = this.existing(epc);
      switch (this.effect) {
        case 'ship':
          this.alive(u);
          this.owned(u);
          this.movable(u);
          if (u.status !== 'active')
            throw this.refuse('supply.lifecycle_order', 'the unit is already in transit', epc);
          recipient ??= this.destination(epc);
          this.save({ ...u, status: 'in_transit', recipientOrgId: recipient });
          break;
        case 'receive': {
          this.alive(u);
          if (u.status !== 'in_transit')
            throw this.refuse('supply.lifecycle_order', 'the unit was not shipped', epc);
          if (u.recipientOrgId !== this.org.id) {
            throw this.refuse('supply.not_addressee', 'the unit was shipped to another organisation', epc);
          }
          const reached = u.reachedOrgIds.includes(this.org.id)
            ? u.reachedOrgIds
            : [...u.reachedOrgIds, this.org.id];
          if (reached.length > REACHED_ORGS_MAX)
            throw this.refuse('supply.trail_full', 'the unit’s trail is full', epc);
          this.save({
            ...u,
            status: 'active',
            ownerOrgId: this.org.id,
            recipientOrgId: null,
            reachedOrgIds: reached,
          });
          break;
        }
        case 'dispense':
          this.alive(u);
          if (this.org.type !== 'pharmacy')
            throw this.refuse('supply.not_pharmacy', 'only a pharmacy dispenses', epc);
          this.owned(u);
          if (u.status !== 'active')
            throw this.refuse('supply.lifecycle_order', 'a unit in transit cannot be dispensed', epc);
          this.movable(u);
          this.save({ ...u, status: 'dispensed', parent: null });
          break;
        case 'decommission':
          this.alive(u);
          this.owned(u);
          this.save({
            ...u,
            status: 'decommissioned',
            decommissionReason: this.e.disposition ?? 'decommissioned',
          });
          break;
        default:
          this.custodian(u);
          this.touched.add(epc);
      }
    }
    if (this.effect !== 'observe' && this.effect !== 'commission') {
      // An aggregate moved whole: every unit in it was saved above, or the event was refused.
      for (const id of ids) if (aggregate(this.ctx.state, id) !== undefined) this.changed.add(id);
    }
  }

  /** An error declaration moves nothing; who may make one is the question (./custody.ts). */
  declare(): void {
    const e = this.e;
    const may = mayDeclare(this.ctx.state, this.org, e.eventId);
    if (may === 'no') {
      throw this.refuse(
        'supply.not_declarer',
        'only the organisation that captured an event, or a regulator, declares it in error',
        null,
      );
    }
    if (may === 'yes') return;
    const named = [...(e.parentId === null ? [] : [e.parentId]), ...e.epcs, ...e.inputs, ...e.outputs];
    for (const epc of this.expand(named)) {
      const u = readUnit(this.ctx.state, epc);
      if (u !== undefined) this.custodian(u);
    }
  }

  apply(): Applied {
    const e = this.e;
    if (e.errorDeclaration) {
      this.declare();
      return { effect: this.effect, units: [], changed: this.changed };
    }
    switch (this.effect) {
      case 'commission':
        if (e.type === 'TransformationEvent') {
          this.move(e.inputs); // observed: they must exist, nothing more
          this.commission(e.outputs);
        } else {
          this.commission(e.epcs);
        }
        break;
      case 'pack':
        this.pack(e.parentId, e.epcs);
        break;
      case 'unpack':
        this.unpack(e.parentId, e.epcs);
        break;
      default:
        this.move([...(e.parentId === null ? [] : [e.parentId]), ...e.epcs, ...e.inputs, ...e.outputs]);
    }
    return { effect: this.effect, units: [...this.touched], changed: this.changed };
  }
}

/** Applies the rules of one event for the acting organisation; throws a refusal and then wrote nothing. */
export function applyEventRules(ctx: TxContext, org: Organisation, e: ParsedEvent): Applied {
  return new EventRules(ctx, org, e).apply();
}
