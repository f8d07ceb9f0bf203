'use strict';
// Demo scenario (seed 5.3): Zhang San (bank1 account 1) sends 100.00 to Li Si (bank2 account 2).
// bank1 debits and commits the transfer with its message; bank2 credits it once and tells bank1,
// which marks it COMPLETED. Run by scripts/demo.js with its `{ http, say }`.

const AMOUNT = '100.00';

module.exports = async function transfer({ http, say }) {
  const before = await balances(http);
  say(`before: bank1 account 1 (张三) ${before.zhangSan}   bank2 account 2 (李四) ${before.liSi}`);

  const body = { fromAccountNo: '1', toAccountNo: '2', amount: AMOUNT };
  const started = Date.now();
  const reply = await http('bank1', 'POST', '/transfers', body);
  say(`bank1 POST /transfers ${JSON.stringify(body)} -> ${reply.status} ${JSON.stringify(reply.body)}`);
  if (reply.status !== 202) throw new Error(`bank1 refused the transfer: ${JSON.stringify(reply.body)}`);

  const expected = cents(before.liSi) + cents(AMOUNT);
  const transfer = await until(async () => {
    const [status, liSi] = await Promise.all([
      http('bank1', 'GET', `/transfers/${reply.body.txNo}`),
      http('bank2', 'GET', '/accounts/2'),
    ]);
    const done = status.body.status === 'COMPLETED' && cents(liSi.body.balance) >= expected;
    return done ? status.body : undefined;
  }, `transfer ${reply.body.txNo} to be credited by bank2 and COMPLETED at bank1`);
  say(`bank1 GET /transfers/${transfer.txNo} -> ${JSON.stringify(transfer)}  (${Date.now() - started} ms after the POST)`);

  const after = await balances(http);
  say(`after:  bank1 account 1 (张三) ${after.zhangSan}   bank2 account 2 (李四) ${after.liSi}`);
};

async function balances(http) {
  const [zhangSan, liSi] = await Promise.all([http('bank1', 'GET', '/accounts/1'), http('bank2', 'GET', '/accounts/2')]);
  return { zhangSan: zhangSan.body.balance, liSi: liSi.body.balance };
}

function cents(amount) {
  return BigInt(String(amount).replace('.', ''));
}

async function until(probe, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
