/// <reference types="@crxjs/vite-plugin/client" />

/** True in the test build (`vite build --mode e2e`) only; see vite.config.ts. */
declare const __TEST_BUILD__: boolean;
