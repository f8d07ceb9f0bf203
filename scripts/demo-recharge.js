'use strict';
// Demo scenarios, the two entry points of a recharge. `recharge`: account asks pay for
// 50.00 on account 1. `rechargeAtPay`: the user recharges 20.00 at pay directly, as a user
// would; account first hears of it from pay's result. Either way pay records it and notifies the
// result by MQ and by signed webhook, and account applies it exactly once. Each shows the balance
// before and after and pay's delivery attempts.

async function recharge({ http, say, payAdmin }) {
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
  await showWebhooks({ http, say, payAdmin }, txNo);
}
Object.defineProperty(recharge, 'name', { value: 'recharge: account -> pay -> notification' });

/** A fixed txNo: pay is idempotent on it, so only the first run moves money; later runs show the replay (200). */
const AT_PAY_TX_NO = 'demo-recharge-at-pay';

async function rechargeAtPay({ http, say, services, payAdmin }) {
  const balance = async () => (await http('account', 'GET', '/accounts/1')).body.balance;
  const before = await balance();
  const body = {
    txNo: AT_PAY_TX_NO,
    accountNo: '1',
    amount: '20.00',
    notifyUrl: `${services.account.url}/notifications/recharge`,
  };
  const made = await http('pay', 'POST', '/recharges', body);
  say(`pay POST /recharges ${JSON.stringify(body)} -> ${made.status} ${JSON.stringify(made.body)}`);
  if (made.status !== 201 && made.status !== 200) throw new Error('pay did not record the recharge');

  const done = await poll(async () => {
    const reply = await http('account', 'GET', `/recharges/${AT_PAY_TX_NO}`);
    return reply.status === 200 && reply.body.status !== 'PENDING' ? reply : undefined;
  }, `account to apply recharge ${AT_PAY_TX_NO}`);
  say(`account GET /recharges/${AT_PAY_TX_NO} -> ${JSON.stringify(done.body)} (recorded from pay's result)`);
  say(`account 1 balance: ${before} -> ${await balance()}`);
  await showWebhooks({ http, say, payAdmin }, AT_PAY_TX_NO);
}
Object.defineProperty(rechargeAtPay, 'name', { value: 'recharge at pay: user -> pay -> notification -> account' });

async function showWebhooks({ http, say, payAdmin }, txNo) {
  const notifications = await poll(async () => {
    const reply = await http('pay', 'GET', `/recharges/${txNo}/notifications`, undefined, payAdmin);
    const list = reply.body.notifications || [];
    return list.length > 0 && list.every((n) => n.status !== 'PENDING') ? list : undefined;
  }, `pay's webhook for ${txNo} to finish`);
  for (const n of notifications) {
    say(`pay webhook ${n.id} to ${n.url}: ${n.status}`);
    for (const a of n.attempts)
      say(`  attempt ${a.attempt} at ${a.at}: ${a.statusCode ?? '-'}${a.error ? ` (${a.error})` : ''}`);
  }
}

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
module.exports.atPay = rechargeAtPay;
