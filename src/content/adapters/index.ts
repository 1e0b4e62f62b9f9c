/** Every adapter the content script may start, in order of preference (design.md §2). */
import type { SoftphoneAdapter } from './adapter';
import { sipWebSocketAdapter } from './sip-websocket';
import { practiceAdapter } from './practice';

export const ADAPTERS: readonly SoftphoneAdapter[] = [sipWebSocketAdapter, practiceAdapter];
