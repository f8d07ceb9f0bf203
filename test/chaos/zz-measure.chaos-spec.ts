import { runScenario, during } from './support/run-scenario';

const RATES = (process.env.MEASURE_RATES ?? '100,150,200').split(',').map(Number);
const SECONDS = Number(process.env.MEASURE_SECONDS ?? 20);

describe('measure', () => {
  it.each(RATES)('rate %d', async (rate) => {
    let stats: any = {};
    let ref: any;
    const row = await runScenario({
      name: `measure ${rate}`,
      instances: { bank1: 2, bank2: 2 },
      load: { transfersPerSecond: rate, transferAmount: '1.00' },
      async prepare(world) {
        await world.query('bank1', "UPDATE account_info SET balance = '1000000.00' WHERE account_no = '1'");
      },
      async faults(world, load) {
        ref = load;
        const t0 = Date.now();
        const samples: string[] = [];
        for (let i = 0; i < SECONDS / 5; i++) {
          await during(5000);
          samples.push(`${((Date.now() - t0) / 1000).toFixed(1)}s sent=${load.transfers.length} answered=${load.transfers.filter((t) => t.outcome !== 'unknown').length}`);
        }
        stats = { elapsed: Date.now() - t0, samples };
        return 0;
      },
    });
    const lat = ref.transfers.filter((t: any) => t.answeredMs !== undefined).map((t: any) => t.answeredMs as number).sort((a: number, b: number) => a - b);
    const p = (q: number) => lat[Math.floor(q * (lat.length - 1))];
    Object.assign(stats, { sent: ref.transfers.length, answered: lat.length, unknown: ref.transfers.filter((t: any) => t.outcome === 'unknown').length, retried: ref.transfers.filter((t: any) => t.attempts > 1).length, p50: p(0.5), p95: p(0.95), p99: p(0.99), max: lat[lat.length - 1] });
    process.stdout.write(`RATE ${rate}: ${JSON.stringify({ ...stats, quietMs: row.quietMs, lost: row.lost, dup: row.duplicated, problems: row.problems.slice(0, 3) })}\n`);
  }, 300_000);
});
