import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Worker-thread decoders and the e2e browser are heavy: two files at a time on a 2-core box.
    maxWorkers: 2,
  },
});
