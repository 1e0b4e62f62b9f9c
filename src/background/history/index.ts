/** The history store (IndexedDB): calls, messages taken, return calls. See store.ts. */
export {
  createHistoryStore,
  DEFAULT_RETENTION_DAYS,
  type CallQuery,
  type HistoryStore,
  type HistoryStoreOptions,
  type LegacyImportResult,
  type Listed,
  type RetentionResult,
} from './store';
export { toHistoryError, type HistoryError, type HistoryErrorKind, type HistoryResult } from './errors';
export { HISTORY_DB_NAME, HISTORY_DB_VERSION, MIGRATIONS, type HistoryDB } from './schema';
export { CallRecordSchema, isCallRecord } from './validate';
