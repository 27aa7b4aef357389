// The records gateway lives in ./records/ (gateway.ts, with access-log.ts, search.ts and resources.ts
// beside it); this path re-exports it so existing imports keep working.
export {
  COMMIT_TIMEOUT_MS_DEFAULT,
  PATIENT_PSEUDONYM_SYSTEM,
  RecordsGateway,
  type GatewayCaller,
  type GatewayDependencies,
  type GatewayOptions,
  type SearchResult,
} from './records/gateway.ts';
