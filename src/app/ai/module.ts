// The AI app module: model registry, cohort commitments, federated rounds and the privacy budget.
import type { AppModule } from '../module.ts';
import { AI_HANDLERS } from './handlers.ts';

export const aiModule: AppModule = { name: 'ai', handlers: AI_HANDLERS };
