'use strict';
// Demo scenario (seed 6.3): account asks pay for a 50.00 recharge of account 1. pay records it
// and notifies the result by MQ and by signed webhook; account applies it exactly once. Shows the
// balance before and after and pay's delivery attempts.

async function recharge({ http, say }) {
  const balance = async () => (await http('account', 'GET', '/accounts/1')).body.balance;
  const before = await balance();
  const body = { accountNo: '1', amount: '50.00' };
  const created = await http('account', 'POST', '/recharges', body);
  say(`account POST /recharges ${JSON.stringify(body)} -> ${created.status} ${JSON.stringify(created.body)}`);
  if (created.status !== 202) throw new Error('account did not accept the recharge');
  const { txNo } = created.body;

  const done = await poll(async () => {
    const reply = await http('account', 'GET', `/recharges/${txNo}`);
    return reply.body.status !== 'PENDING' ? reply : undefined;
  }, `recharge ${txNo} to leave PENDING`);
  say(`account GET /recharges/${txNo} -> ${JSON.stringify(done.body)}`);
  say(`account 1 balance: ${before} -> ${await balance()}`);
  say(`pay GET /recharges/${txNo} -> ${JSON.stringify((await http('pay', 'GET', `/recharges/${txNo}`)).body)}`);

  const notifications = await poll(async () => {
    const reply = await http('pay', 'GET', `/recharges/${txNo}/notifications`);
    const list = reply.body.notifications || [];
    return list.length > 0 && list.every((n) => n.status !== 'PENDING') ? list : undefined;
  }, `pay's webhook for ${txNo} to finish`);
  for (const n of notifications) {
    say(`pay webhook ${n.id} to ${n.url}: ${n.status}`);
    for (const a of n.attempts) say(`  attempt ${a.attempt} at ${a.at}: ${a.statusCode ?? '-'}${a.error ? ` (${a.error})` : ''}`);
  }
}
Object.defineProperty(recharge, 'name', { value: 'recharge: account -> pay -> notification (seed 6.3)' });

async function poll(probe, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

module.exports = recharge;
