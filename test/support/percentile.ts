/** The latency below which `fraction` (0.95: the p95) of `latencies` fall, nearest rank. */
export function percentile(latencies: number[], fraction: number): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * fraction) - 1];
}
