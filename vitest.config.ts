import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary folder per run, removed at its end (test/helpers/temp-root.ts).
    globalSetup: ['test/helpers/temp-root.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Worker-thread decoders and the e2e browser are heavy: two files at a time on a 2-core box.
    maxWorkers: 2,
    // expect.poll waits for the page and the project file: 1 s (the default) is too short when six engineers
    // load the two cores (a note save took longer under a load average of 30).
    expect: { poll: { timeout: 15_000 } },
  },
});
