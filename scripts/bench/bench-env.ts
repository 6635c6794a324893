/** Endpoints of the local stack for benchmarks (same variables as scripts/stack-env.sh). */
export const stack = {
  mysqlPort: Number(process.env.DTS_MYSQL_PORT ?? 33306),
  kafkaBroker: `127.0.0.1:${process.env.DTS_KAFKA_PORT ?? 19092}`,
};

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
