export type { PreparedRow } from '../store/outbox-rows';
