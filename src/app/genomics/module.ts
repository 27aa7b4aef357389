// The genomics app module: genome commitments with DUO terms, research consent and the network-wide
// Beacon query budget (issue 19).
import type { AppModule } from '../module.ts';
import { GENOMICS_HANDLERS } from './handlers.ts';

export const genomicsModule: AppModule = { name: 'genomics', handlers: GENOMICS_HANDLERS };
