import { defineConfig } from 'vitest/config';

// Integration tests share one MariaDB and one Kafka broker, and the machine has 2 cores:
// files run one at a time so timings and binlog positions stay predictable.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
