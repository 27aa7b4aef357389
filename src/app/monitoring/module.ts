// The monitoring app module: device identity, batch commitments, NEWS2 escalations, billing facts, and
// the access events of reads of readings.
import type { AppModule } from '../module.ts';
import { ACCESS_HANDLERS } from './access.ts';
import { BILLING_HANDLERS } from './billing-facts.ts';
import { COMMITMENT_HANDLERS } from './commitments.ts';
import { DEVICE_HANDLERS } from './devices.ts';
import { ESCALATION_HANDLERS } from './escalations.ts';

export const monitoringModule: AppModule = {
  name: 'monitoring',
  handlers: [
    ...DEVICE_HANDLERS,
    ...COMMITMENT_HANDLERS,
    ...ESCALATION_HANDLERS,
    ...BILLING_HANDLERS,
    ...ACCESS_HANDLERS,
  ],
};
