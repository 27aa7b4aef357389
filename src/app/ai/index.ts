// AI on consented data (issue 20), the pure slice: the discrete Laplace mechanism and the ε ledger for
// aggregate analytics, pairwise-masked secure aggregation, the demo logistic model with AUC, one site's
// federated averaging step, the HTI-1 model card's attributes, the cohort commitment and the demo
// model's artefact.
export * from './dp.ts';
export * from './budget.ts';
export * from './secure-aggregation.ts';
export * from './logistic.ts';
export * from './federated.ts';
export * from './model-card.ts';
export * from './cohort.ts';
export * from './artefact.ts';
export * from './training-data.ts';
export * from './keys.ts';
export { aiModule } from './module.ts';
