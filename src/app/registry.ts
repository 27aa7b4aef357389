// The modules of the replicated state machine. Adding a module here is a protocol change.
import type { AppModule, TxHandler } from './module.ts';
import { aiModule } from './ai/module.ts';
import { claimsModule } from './claims/index.ts';
import { consensusModule } from './consensus/index.ts';
import { consentModule } from './consent/index.ts';
import { genomicsModule } from './genomics/module.ts';
import { governanceModule } from './governance/index.ts';
import { membershipModule } from './membership/index.ts';
import { monitoringModule } from './monitoring/module.ts';
import { notaryModule } from './notary/index.ts';
import { recordsModule } from './records/index.ts';
import { supplyModule } from './supply/index.ts';
import { trialsModule } from './trials/index.ts';

// Order matters only for genesis (each module's initGenesis runs in this order); consent reads membership.
export const APP_MODULES: readonly AppModule[] = [
  consensusModule,
  membershipModule,
  consentModule,
  recordsModule,
  notaryModule,
  supplyModule,
  governanceModule,
  monitoringModule,
  trialsModule,
  claimsModule,
  aiModule,
  genomicsModule,
];

/** The modules' beginBlock hooks, in module order. */
export function beginBlockHooks(modules: readonly AppModule[]): NonNullable<AppModule['beginBlock']>[] {
  return modules.flatMap((module) => (module.beginBlock === undefined ? [] : [module.beginBlock]));
}

export function handlerTable(modules: readonly AppModule[]): ReadonlyMap<string, TxHandler> {
  const table = new Map<string, TxHandler>();
  for (const module of modules) {
    for (const handler of module.handlers) {
      if (!handler.type.startsWith(`${module.name}.`)) {
        throw new Error(`handler ${handler.type} does not belong to module ${module.name}`);
      }
      table.set(handler.type, handler);
    }
  }
  return table;
}
